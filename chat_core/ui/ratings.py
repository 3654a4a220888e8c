"""Thumbs up or down under the tutor's saved replies, kept with the reply and the example set that made it."""

from __future__ import annotations

import streamlit as st

from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.lab.feedback import thumbs_up_from, widget_value_from
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.notices import notice
from chat_core.ui.resources import storage

RATED_PAGES = ("tutor",)
"""Pages whose replies take a thumbs up or down; on the tutor page a thread is the example set's name."""


def _saved_position(conversation: Conversation, entry: Entry) -> int | None:
    position = entry.position  # the reply version rated: its place in the order written, on whichever branch
    if position is None or conversation.id is None or position >= conversation.synced:
        return None
    return position


def _record(conversation_id: str, position: int, example_set: str) -> None:
    store = storage()
    if store is None:
        return
    chosen = st.session_state.get(keys.feedback(conversation_id, position))
    _given(conversation_id)[position] = chosen
    try:
        store.record_feedback(owner(), conversation_id, position, thumbs_up_from(chosen), example_set=example_set)
    except ChatError as error:
        notice(error)


def _given(conversation_id: str) -> dict[int, int | None]:
    """The thumbs given in a conversation, by reply position: from the database on first use, then as chosen."""
    ratings = st.session_state.setdefault(keys.TUTOR_RATINGS, {})
    if conversation_id not in ratings:
        store = storage()
        try:
            stored = store.feedback_for(owner(), conversation_id) if store is not None else {}
        except ChatError:
            stored = {}
        ratings[conversation_id] = {position: widget_value_from(up) for position, up in stored.items()}
    return ratings[conversation_id]


def rating(entry: Entry, *, page: str, thread: str) -> None:
    """The thumbs under a reply of a rated page, once the reply is in the database."""
    if page not in RATED_PAGES or entry.role != "assistant" or entry.error or entry.status == "blocked":
        return
    conversation = st.session_state.get(keys.threads(page), {}).get(thread)
    position = None if conversation is None else _saved_position(conversation, entry)
    if position is None:
        return
    key = keys.feedback(conversation.id, position)
    if key not in st.session_state:  # a reply version shown again: its widget was forgotten while hidden
        st.session_state[key] = _given(conversation.id).get(position)
    st.feedback(
        "thumbs", key=key, on_change=_record,
        args=(conversation.id, position, thread),
    )  # fmt: skip
