"""The chat area a page shows: the conversation, the inspector, the new turn and the actions; then the history."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.checks import NO_GUARD, Guard
from chat_core.conversation import Entry
from chat_core.messages import Example
from chat_core.saving import ChatScope
from chat_core.settings import Settings
from chat_core.ui import keys
from chat_core.ui.account import your_link
from chat_core.ui.frame import in_force, provider_status, sidebar_settings
from chat_core.ui.history import history_sidebar, import_box
from chat_core.ui.inspector import inspector, rebuilt_view
from chat_core.ui.notices import storage_warning
from chat_core.ui.starters import starters
from chat_core.ui.threads import address_of, save
from chat_core.ui.threads import thread as thread_of
from chat_core.ui.transcript import Redraw, show_conversation, show_latest_first
from chat_core.ui.turn_view import Explain, actions, draft_box, turn
from chat_core.ui.versions import origin_note, versions


def chat(
    page: str,
    thread: str,
    settings: Settings | None,
    *,
    system: str | None,
    examples: Sequence[Example] = (),
    guard: Guard = NO_GUARD,
    explain: Explain | None = None,
    latest_first: bool = False,
    input_at: DeltaGenerator | None = None,
):
    """The chat area: the conversation, the new turn, its actions and the inspector just above the input; in the
    sidebar, the history, the model settings in force, the visitor's link and import.

    With a `guard`, each turn passes its checks; `explain` draws the page's notes under each message. With
    `latest_first` (presenter mode), the latest exchange comes first, its notes beside it, and the earlier ones are
    folded under it. `input_at` places the input box in the page's flow instead of pinning it to the window's
    bottom (where Streamlit keeps the page scrolled to the end as it grows)."""
    conversation = thread_of(page, thread)
    with st.sidebar:
        history_slot = st.container()  # filled last, so a conversation this run creates is listed
        sidebar_settings(settings, conversation)
        your_link()
        import_box(page)
    scope = ChatScope(page, thread, system, tuple(examples), in_force(settings, conversation))
    if conversation.origin and conversation.id is None and conversation.entries:  # just continued: keep it at once
        save(scope, conversation)
    warnings = st.container()
    origin_note(conversation)
    transcript = st.container()  # filled once this run knows whether a reply will stream
    # The new turn, the actions and the inspector are drawn above the input box, also where the box is not pinned
    # to the bottom of the window (inside a tab it stands where it is called). Latest first, the new turn takes the
    # place of the latest exchange, so the one it follows does not linger above it while it streams.
    newest, beside = st.columns([2, 1]) if latest_first and explain is not None else (st.container(), None)
    if latest_first:  # keyed, so a page can style them: the latest exchange, and its notes beside it
        newest = newest.container(key=keys.page_widget(page, "newest"))
    notes = explain if beside is None else _drawn_in(beside.container(key=keys.page_widget(page, "notes")), explain)
    above_the_input = st.container()
    earlier = st.container() if latest_first else None
    typed = (input_at or st).chat_input("Type a message", key=keys.chat_input(page))
    text = typed if typed is not None else st.session_state.pop(keys.pending(page), None)
    before = len(conversation.entries)
    busy: Redraw | None = [] if text is not None and text.strip() and settings is not None else None
    if not latest_first:
        with transcript:
            show_conversation(conversation, page=page, thread=thread, explain=explain, busy=busy)
    with newest:
        if text is not None and text.strip():
            if settings is None:
                st.session_state[keys.draft(page)] = text
                st.error("The app's configuration has a problem (see the sidebar); your message is kept below.")
            else:
                turn(scope, conversation, text, guard, notes)
    for slot, entry in busy or ():  # the reply is recorded: its versions can be moved between again
        versions(entry, page=page, thread_name=thread, into=slot)
    if earlier is not None:
        show_latest_first(
            conversation, page=page, thread=thread, newest=newest, earlier=earlier,
            drawn=len(conversation.entries) - before, explain=explain, notes=notes,
        )  # fmt: skip
    with above_the_input:
        starters(page, thread, conversation, text)
        draft_box(page)
        if beside is None:
            actions(page, thread, conversation)
        inspector(
            lambda: st.session_state.get(keys.inspector(page, thread)) or rebuilt_view(scope, conversation),
            history=conversation.history(),
            branches=conversation.branch_note(),
        )
    address = address_of(page, thread, conversation)
    if address:
        st.query_params["c"] = address
    else:
        st.query_params.pop("c", None)
    if (
        beside is not None
    ):  # latest first, under the verdict: in view on a 1280 x 720 screen whatever the reply's length
        with beside:
            actions(page, thread, conversation)
    with history_slot:
        history_sidebar(scope, conversation)
    with warnings:  # drawn last, so what this run's saves met shows at once, above the conversation
        storage_warning()


def _drawn_in(place: DeltaGenerator, explain: Explain) -> Explain:
    """`explain` drawing into `place` instead of under the message; emptied at once, so the notes of the exchange
    before do not stand beside a new reply while it streams."""
    slot = place.empty()

    def draw(entry: Entry) -> None:
        with slot.container():
            explain(entry)

    return draw


def home_sidebar(settings: Settings | None) -> None:
    """The sidebar of a view without a chat (the home page, a lab's other views): the history to open, who answers,
    the visitor's link; no chat, so no settings."""
    with st.sidebar:
        history_sidebar(None, None)
        provider_status(settings)
        your_link()
