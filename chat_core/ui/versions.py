"""The `‹ n/m ›` control under a message with other versions (a regenerated reply, an edited question): it moves
between them and shows the rest of that branch."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.conversation import Entry
from chat_core.errors import ChatError
from chat_core.ui import keys
from chat_core.ui.notices import notice
from chat_core.ui.threads import save, thread


def versions(
    entry: Entry, *, page: str, thread_name: str, busy: bool = False, into: DeltaGenerator | None = None
) -> DeltaGenerator | None:
    """Draw the control under a message that has other versions (none for one), or in `into`; `busy` (a reply is
    streaming) draws it disabled, in a slot returned for drawing it again once the reply is recorded."""
    conversation = st.session_state.get(keys.threads(page), {}).get(thread_name)
    if conversation is None:
        return None
    number, count = conversation.version_of(entry)
    if count < 2:
        return None
    slot = into if into is not None else st.empty()
    with slot.container(horizontal=True, vertical_alignment="center", gap="small"):
        name = keys.page_widget(page, f"version.{entry.id}{'.busy' if busy else ''}")
        st.button(
            "Previous version", key=f"{name}.previous", icon=":material/chevron_left:", type="tertiary",
            disabled=busy or number == 1, on_click=_switch, args=(page, thread_name, entry.id, -1),
        )  # fmt: skip
        st.caption(f"{number}/{count}")
        st.button(
            "Next version", key=f"{name}.next", icon=":material/chevron_right:", type="tertiary",
            disabled=busy or number == count, on_click=_switch, args=(page, thread_name, entry.id, +1),
        )  # fmt: skip
    return slot


def _switch(page: str, thread_name: str, entry_id: str, step: int) -> None:
    """Show another version of a message and save the branch shown, so a reload comes back to it."""
    if st.session_state.get(keys.TURN_ACTIVE) is not None:  # a reply is streaming: it keeps its place
        return
    conversation = thread(page, thread_name)
    entry = next((e for e in conversation.entries if e.id == entry_id), None)
    if entry is None:
        return
    try:
        conversation.switch(entry, step)
    except ChatError as error:
        notice(error)
        return
    st.session_state.pop(keys.inspector(page, thread_name), None)  # the last request was another branch's
    save(None, conversation)
