"""The Streamlit side of the app, one module per part of the screen; the only package that imports streamlit.

Pages call `page_setup`, then `chat` (the home page: `home_sidebar`).
"""

from chat_core.ui.chat_area import chat, home_sidebar
from chat_core.ui.frame import page_setup

__all__ = ["chat", "home_sidebar", "page_setup"]
