"""The Streamlit side of the app, one module per part of the screen; the only package that imports streamlit.

Pages call `page_setup`, then `chat` (or, on the home page, `sidebar_settings` and `history_sidebar`).
"""

from chat_core.ui.chat_area import chat
from chat_core.ui.frame import page_setup, sidebar_settings
from chat_core.ui.history import history_sidebar

__all__ = ["chat", "history_sidebar", "page_setup", "sidebar_settings"]
