"""The conversation as chat messages: user text exactly as typed, replies as Markdown, how each reply ended."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from chat_core.conversation import Conversation, Entry
from chat_core.display import unfetched_images
from chat_core.errors import ChatError
from chat_core.paging import LATEST, first_shown, hidden_note, show_earlier
from chat_core.ui import keys
from chat_core.ui.notices import show_error
from chat_core.ui.ratings import rating
from chat_core.ui.threads import resend


def message_text(entry: Entry) -> None:
    """A message's text: the user's exactly as typed, a reply as Markdown that fetches nothing."""
    if not entry.content:
        st.empty()
    elif entry.role == "user":
        st.text(entry.content)
    else:
        st.markdown(unfetched_images(entry.content))


def reply_status(entry: Entry, *, last: bool, page: str, thread: str) -> None:
    """Under a reply: its error (with Retry on the last one) or the caption saying how it ended; thumbs where rated."""
    if entry.error:
        show_error(ChatError(entry.error["message"], entry.error["hint"], kind=entry.error["kind"]))
        if last:
            st.button("Retry", key=keys.page_widget(page, "retry"), on_click=resend, args=(page, thread))
    elif entry.note:
        st.caption(entry.note)
    rating(entry, page=page, thread=thread)


def show_entry(
    entry: Entry, *, last: bool, page: str, thread: str, explain: Callable[[Entry], None] | None = None
) -> None:
    """One saved message, laid out like a reply being streamed; `explain` draws a page's notes under it."""
    # Same layout as a reply being streamed (text, then one status slot), so nothing stale lingers between runs.
    with st.chat_message(entry.role):
        message_text(entry)
        with st.container():
            reply_status(entry, last=last, page=page, thread=thread)
            if explain is not None:
                explain(entry)


SHOWN = "transcript.shown"
"""{(page, thread): (which conversation, how many of its latest messages are drawn)}."""


def show_conversation(
    conversation: Conversation, *, page: str, thread: str, explain: Callable[[Entry], None] | None = None
) -> None:
    """The conversation's latest messages, with a button that draws earlier ones: a rerun draws what is shown,
    not the whole conversation."""
    entries = conversation.entries
    start = first_shown([entry.role for entry in entries], _shown(conversation, page, thread))
    if start:
        st.caption(hidden_note(start))
        st.button(
            "Show earlier messages", key=keys.page_widget(page, "earlier"), on_click=_show_earlier,
            args=(conversation, page, thread),
        )  # fmt: skip
    for index in range(start, len(entries)):
        show_entry(entries[index], last=index == len(entries) - 1, page=page, thread=thread, explain=explain)


def _shown(conversation: Conversation, page: str, thread: str) -> int:
    which, shown = st.session_state.get(SHOWN, {}).get((page, thread), (None, LATEST))
    return shown if which == id(conversation) else LATEST


def _show_earlier(conversation: Conversation, page: str, thread: str) -> None:
    shown = show_earlier(_shown(conversation, page, thread))
    st.session_state.setdefault(SHOWN, {})[(page, thread)] = (id(conversation), shown)
