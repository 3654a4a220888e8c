"""Chatbot: one conversation per persona; the persona is the system message."""

import streamlit as st

from chat_core import ui
from chat_core.prompts import CUSTOM_PERSONA, PERSONAS

settings = ui.page_setup("Chatbot", "🤖", page="chatbot")
with st.sidebar:
    persona = st.selectbox("Persona", [*PERSONAS, CUSTOM_PERSONA], key="chatbot.persona")
    if persona == CUSTOM_PERSONA:
        st.session_state.setdefault("chatbot.custom_prompt", "You are a pirate. Answer every question like a pirate.")
        system = st.text_area("Custom persona's system prompt", key="chatbot.custom_prompt", height=120)
    else:
        system = PERSONAS[persona].system_prompt

st.title("🤖 Chatbot")
st.caption(
    f"Persona: **{persona}**. Each persona keeps its own conversation; switch in the sidebar and back to return."
)
with st.expander("This persona's system message"):
    st.code(system or "(empty: no system message is sent)", language=None, wrap_lines=True)
ui.chat("chatbot", persona, settings, system=system)
