"""Chat lab: the home page. The pages in pages/ are found by Streamlit's pages-folder router."""

import streamlit as st

from chat_core import ui

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
st.page_link("pages/1_Chatbot.py", label="Chatbot: personas set by a system message", icon="🤖")
st.page_link("pages/2_Tutor.py", label="Tutor: steered by few-shot examples", icon="🎓")
st.page_link("pages/3_Finance_guardrails.py", label="Finance guardrails: rules in a system message", icon="🛡️")
ui.sidebar_settings(settings)
ui.history_sidebar(None, None)
