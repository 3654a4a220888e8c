"""The conversation as chat messages: user text exactly as typed, replies as Markdown, how each reply ended."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.conversation import Conversation, Entry
from chat_core.display import unfetched_images
from chat_core.errors import ChatError
from chat_core.paging import LATEST, earlier_note, first_shown, hidden_note, latest_exchange, show_earlier
from chat_core.ui import keys
from chat_core.ui.folds import fold
from chat_core.ui.notices import show_error
from chat_core.ui.ratings import rating
from chat_core.ui.threads import resend
from chat_core.ui.versions import versions


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


Redraw = list[tuple[DeltaGenerator, Entry]]
"""Version controls drawn disabled while a reply streams, to draw again once it is recorded."""


def show_entry(
    entry: Entry,
    *,
    last: bool,
    page: str,
    thread: str,
    explain: Callable[[Entry], None] | None = None,
    busy: Redraw | None = None,
) -> None:
    """One saved message, laid out like a reply being streamed; `explain` draws a page's notes under it; with `busy`
    (a reply is streaming), its version control is drawn disabled and kept there to draw again."""
    # Same layout as a reply being streamed (text, then one status slot), so nothing stale lingers between runs.
    with st.chat_message(entry.role):
        message_text(entry)
        with st.container():
            reply_status(entry, last=last, page=page, thread=thread)
            slot = versions(entry, page=page, thread_name=thread, busy=busy is not None)
            if slot is not None and busy is not None:
                busy.append((slot, entry))
            if explain is not None:
                explain(entry)


SHOWN = "transcript.shown"
"""{(page, thread): (which conversation, how many of its latest messages are drawn)}."""


def show_conversation(
    conversation: Conversation,
    *,
    page: str,
    thread: str,
    explain: Callable[[Entry], None] | None = None,
    upto: int | None = None,
    busy: Redraw | None = None,
) -> None:
    """The conversation's latest messages (those before `upto`, if given), with a button that draws earlier ones:
    a rerun draws what is shown, not the whole conversation. `busy`: as for `show_entry`."""
    entries = conversation.entries[:upto]
    start = first_shown([entry.role for entry in entries], _shown(conversation, page, thread))
    if start:
        st.caption(hidden_note(start))
        st.button(
            "Show earlier messages", key=keys.page_widget(page, "earlier"), on_click=_show_earlier,
            args=(conversation, page, thread),
        )  # fmt: skip
    last = len(conversation.entries) - 1
    for index in range(start, len(entries)):
        show_entry(entries[index], last=index == last, page=page, thread=thread, explain=explain, busy=busy)


def show_latest_first(
    conversation: Conversation,
    *,
    page: str,
    thread: str,
    newest: DeltaGenerator,
    earlier: DeltaGenerator,
    drawn: int = 0,
    explain: Callable[[Entry], None] | None = None,
    notes: Callable[[Entry], None] | None = None,
) -> None:
    """The latest exchange in `newest` (unless this run's turn already drew its last `drawn` entries there), with
    `notes` for its page's notes, and the exchanges before it folded away in `earlier`: what a presenter's audience
    must see first."""
    entries = conversation.entries
    split = len(entries) - drawn if drawn else latest_exchange([entry.role for entry in entries])
    if not drawn:
        with newest:
            for index in range(split, len(entries)):
                show_entry(entries[index], last=index == len(entries) - 1, page=page, thread=thread, explain=notes)
    if not split:
        return
    with earlier:
        questions = sum(entry.role == "user" for entry in entries[:split])
        box = fold(earlier_note(questions), key=keys.page_widget(page, "earlier_fold"))
        if box is not None:
            with box:
                show_conversation(conversation, page=page, thread=thread, explain=explain, upto=split)


def _shown(conversation: Conversation, page: str, thread: str) -> int:
    which, shown = st.session_state.get(SHOWN, {}).get((page, thread), (None, LATEST))
    return shown if which == id(conversation) else LATEST


def _show_earlier(conversation: Conversation, page: str, thread: str) -> None:
    shown = show_earlier(_shown(conversation, page, thread))
    st.session_state.setdefault(SHOWN, {})[(page, thread)] = (id(conversation), shown)
