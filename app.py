"""Chat lab: the home page. The pages in pages/ are found by Streamlit's pages-folder router; the sidebar's
navigation is drawn from the catalog (see chat_core.ui.frame), so this page is listed as Home."""

import streamlit as st

from chat_core import ui
from chat_core.catalog import ALL_PAGES, HOME

settings = ui.page_setup("Home", "💬")
st.title("💬 Chat lab")
st.markdown(
    """A chat app that shows how chat models work. Every request is a list of **role messages**:

- a **system** message sets behaviour, tone and rules (guardrails);
- **user** messages ask;
- **assistant** messages hold earlier replies and worked examples.

A chatbot remembers only because the app resends the whole list every turn. Open the
**request inspector** on any page to see exactly what was sent."""
)
for entry in (page for page in ALL_PAGES if page is not HOME):
    st.page_link(entry.file, label=f"{entry.title}: {entry.blurb[0].lower()}{entry.blurb[1:]}", icon=entry.icon)
ui.home_sidebar(settings)
