"""The conversation as chat messages: user text exactly as typed, replies as Markdown, how each reply ended."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import streamlit as st

from chat_core.conversation import Entry
from chat_core.display import unfetched_images
from chat_core.errors import ChatError
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


def stream_markdown(chunks: Iterator[str]) -> str:
    """Show a reply as it arrives, as Markdown that fetches nothing; returns the whole text."""
    slot, text = st.empty(), ""
    for chunk in chunks:
        text += chunk
        slot.markdown(unfetched_images(text))
    return text


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
