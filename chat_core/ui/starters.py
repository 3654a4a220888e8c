"""Starter questions: a new, empty chat offers three for its persona or lab; a click sends one."""

from __future__ import annotations

import streamlit as st

from chat_core.catalog import starter_questions
from chat_core.conversation import Conversation
from chat_core.ui import keys


def _ask(page: str, question: str) -> None:
    st.session_state[keys.pending(page)] = question


def starters(page: str, thread: str, conversation: Conversation, asking: str | None) -> None:
    """Three questions to start with, while the chat is empty and nothing is being asked."""
    questions = starter_questions(page, thread)
    if conversation.entries or asking is not None or not questions:
        return
    st.caption("Not sure what to ask? Start with one of these:")
    with st.container(horizontal=True, gap="small"):
        for index, question in enumerate(questions):
            st.button(question, key=keys.page_widget(page, f"starter.{index}"), on_click=_ask, args=(page, question))
