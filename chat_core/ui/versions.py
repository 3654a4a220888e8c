"""The row under a message: the `‹ n/m ›` control when it has other versions (a regenerated reply, an edited
question), which moves between them and shows the rest of that branch, and "Continue from here in a new
conversation"; above a continued conversation, where it came from."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.saving import new_title
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.notices import notice
from chat_core.ui.resources import storage
from chat_core.ui.threads import request_open, save, thread


def versions(
    entry: Entry, *, page: str, thread_name: str, busy: bool = False, into: DeltaGenerator | None = None
) -> DeltaGenerator | None:
    """Draw the row under a message (in `into`, if given): its versions, when it has others, and continuing from it;
    `busy` (a reply is streaming) draws it disabled, in a slot returned for drawing it again once the reply is
    recorded."""
    conversation = st.session_state.get(keys.threads(page), {}).get(thread_name)
    if conversation is None:
        return None
    number, count = conversation.version_of(entry)
    slot = into if into is not None else st.empty()
    busy_mark = ".busy" if busy else ""
    row = slot.container(
        horizontal=True, vertical_alignment="center", gap="small", key=f"msgrow.{page}.{entry.id}{busy_mark}"
    )  # keyed for the style that keeps it small (frame.READABLE_TEXT)
    with row:
        name = keys.page_widget(page, f"version.{entry.id}{busy_mark}")
        if count > 1:
            st.button(
                "Previous version", key=f"{name}.previous", icon=":material/chevron_left:", type="tertiary",
                disabled=busy or number == 1, on_click=_switch, args=(page, thread_name, entry.id, -1),
            )  # fmt: skip
            st.caption(f"{number}/{count}", width="content")
            st.button(
                "Next version", key=f"{name}.next", icon=":material/chevron_right:", type="tertiary",
                disabled=busy or number == count, on_click=_switch, args=(page, thread_name, entry.id, +1),
            )  # fmt: skip
        st.button(
            "Continue from here in a new conversation", key=f"{name}.continue", icon=":material/call_split:",
            type="tertiary", disabled=busy, on_click=_continue, args=(page, thread_name, entry.id),
        )  # fmt: skip
    return slot


def origin_note(conversation: Conversation) -> None:
    """Above a continued conversation: where it came from, with a way back to it."""
    origin = conversation.origin
    if not origin:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(f"Continued from “{origin['title']}”.")
        if origin.get("conversation"):
            st.button(
                "Open the original", key=f"origin.{origin['conversation']}", type="tertiary",
                icon=":material/undo:", on_click=request_open, args=(origin["conversation"],),
            )  # fmt: skip


def _shown_entry(page: str, thread_name: str, entry_id: str) -> tuple[Conversation, Entry | None]:
    """A thread's conversation and its message shown with this id; no message while a reply streams (it keeps its
    place)."""
    conversation = thread(page, thread_name)
    if st.session_state.get(keys.TURN_ACTIVE) is not None:
        return conversation, None
    return conversation, next((e for e in conversation.entries if e.id == entry_id), None)


def _continue(page: str, thread_name: str, entry_id: str) -> None:
    """Continue from a message in a new conversation (saved by the page's run); from a question, ask it there."""
    conversation, entry = _shown_entry(page, thread_name, entry_id)
    if entry is None:
        return
    store = storage()
    try:
        title = store.title(conversation.id, owner()) if store and conversation.id else new_title(conversation)
        continued, question = conversation.continued_from(entry, title)
    except ChatError as error:
        notice(error)
        return
    st.session_state[keys.threads(page)][thread_name] = continued
    st.session_state.pop(keys.inspector(page, thread_name), None)
    st.session_state.pop(keys.cleared(page), None)
    if question is not None:
        st.session_state[keys.pending(page)] = question
        st.toast("Continued in a new conversation, asking that question again; the original stays in the history.")
    else:
        st.toast("Continued in a new conversation; the original stays in the history.", icon="🔀")


def _switch(page: str, thread_name: str, entry_id: str, step: int) -> None:
    """Show another version of a message and save the branch shown, so a reload comes back to it."""
    conversation, entry = _shown_entry(page, thread_name, entry_id)
    if entry is None:
        return
    try:
        conversation.switch(entry, step)
    except ChatError as error:
        notice(error)
        return
    st.session_state.pop(keys.inspector(page, thread_name), None)  # the last request was another branch's
    save(None, conversation)
