"""How memory works, for learners: short steps to try in the chat, each with what to notice."""

from __future__ import annotations

import streamlit as st

from chat_core.lab.memory import MEMORY_INTRO, MEMORY_WALKTHROUGH
from chat_core.ui import keys


def _send(page: str, text: str) -> None:
    st.session_state[keys.pending(page)] = text


def memory_walkthrough(page: str) -> None:
    """The walkthrough's steps; a step with a message to type can send it to the page's chat."""
    st.info(MEMORY_INTRO, icon="🧠")
    for number, step in enumerate(MEMORY_WALKTHROUGH, start=1):
        with st.container(border=True):
            st.markdown(f"**Step {number}. {step.title}**")
            st.markdown(step.do)
            if step.type_this:
                st.code(step.type_this, language=None)
                st.button(
                    "Send it in the Chat tab", key=f"{page}.memory.send.{number}", on_click=_send,
                    args=(page, step.type_this),
                )  # fmt: skip
            st.caption(f"👀 {step.notice}")
