"""The turn as the page draws it from the turn runner's events: the question, the reply as it streams (with checks
on, once a check passed it; visibly taken back when an output check catches it), Stop, the page's notes, and the
actions after it."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator

import streamlit as st

from chat_core.checks import NO_GUARD, Guard, Verdict
from chat_core.conversation import Conversation, Entry
from chat_core.display import REDRAW_EVERY, length_note, reply_announcement, unfetched_images
from chat_core.errors import ChatError
from chat_core.guardrails.explain import told_reason
from chat_core.limits import RateLimit
from chat_core.messages import MAX_USER_CHARS
from chat_core.pacing import Pace
from chat_core.queue import waiting_note
from chat_core.saving import ChatScope
from chat_core.turn import Chunk, Event, Planned, Retracted, Streamed, Turn, TurnSpec
from chat_core.ui import keys
from chat_core.ui.announce import announce
from chat_core.ui.notices import report_storage, show_error
from chat_core.ui.resources import connect, reply_queue
from chat_core.ui.threads import checkpointer, clear_chat, edit_and_resend, point_address_at, resend, saver, send_draft
from chat_core.ui.transcript import message_text, reply_status
from chat_core.ui.versions import versions

Save = Callable[[Conversation], ChatError | None]
"""Keeps a conversation after each step of a turn, making no Streamlit call; returns what went wrong, if anything."""
Explain = Callable[[Entry], None]
"""Draws a page's notes under a message (the guardrail lab: why a reply was stopped, each layer's verdict)."""


def retraction_notice(verdict: Verdict) -> None:
    """Drawn where streamed text was, once the output check took it back (the caught text is not repeated)."""
    st.warning(f"Retracted by the output check: {told_reason(verdict)}", icon="↩️")


def _draw_turn(
    scope: ChatScope,
    conversation: Conversation,
    text: str,
    guard: Guard,
    explain: Explain | None = None,
    save: Save | None = None,
) -> None:
    """One turn through the runner, drawn as it happens; with a guard, a blocked message never reaches the model."""
    page, thread = scope.page, scope.thread
    spec = TurnSpec(scope.settings, system=scope.system, examples=scope.examples, guard=guard)
    turn = Turn(
        spec, conversation, text, connect=lambda: connect(scope.settings), save=save or saver(scope),
        checkpoint=checkpointer(), leave=checkpointer(left=True), queue=reply_queue(scope.settings),
    )  # fmt: skip
    events = turn.events()
    st.session_state[keys.TURN_ACTIVE] = turn  # before anything is recorded: a run cut short is settled by the next
    try:
        if text.strip():
            st.session_state.setdefault(keys.RATE_LIMIT, RateLimit()).admit()
        added = next(events)
    except ChatError as error:
        st.session_state.pop(keys.TURN_ACTIVE, None)
        st.session_state[keys.draft(page)] = text
        show_error(error)
        return
    try:
        point_address_at(page, thread, conversation)  # the question is saved: a reload now comes back to it
        _draw_exchange(scope, turn, events, added.entry, explain)
    finally:
        # No Streamlit calls here: a run cut short leaves its reply to its next run (`settle_previous_turn`).
        events.close()


def _draw_exchange(
    scope: ChatScope, turn: Turn, events: Iterator[Event], question: Entry, explain: Explain | None
) -> None:
    """The question, then the reply as the turn's events come, then as recorded, with its status and notes."""
    page, thread, conversation = scope.page, scope.thread, turn.conversation
    retracted = []
    with st.chat_message("user"):
        message_text(question)
        question_versions = versions(question, page=page, thread_name=thread, busy=True)
    with st.chat_message("assistant"):
        body, slot = st.empty(), st.empty()
        slot.button("⏹ Stop", key=keys.page_widget(page, "stop"), help="Stop the reply; what passed the checks stays.")
        pace = Pace(REDRAW_EVERY)
        for event in events:
            if isinstance(event, Planned):
                st.session_state[keys.inspector(page, thread)] = event.plan.inspector_view()
                note = waiting_note(turn.replies_ahead())
                if note:
                    body.caption(note)
            elif (isinstance(event, Chunk) and pace.due()) or (isinstance(event, Streamed) and turn.shown):
                body.markdown(unfetched_images(turn.shown))  # paced while streaming; all of it at the end
            elif isinstance(event, Retracted):
                retracted.append(event.verdict)
                with body.container():
                    retraction_notice(event.verdict)
        st.session_state.pop(keys.TURN_ACTIVE, None)
        entry = turn.entry
        view = st.session_state.get(keys.inspector(page, thread))
        if view is not None:
            view["result"] = entry.meta if "usage" in entry.meta else None
        report_storage(turn.save_problem, conversation)
        with body.container():
            if retracted:
                retraction_notice(retracted[0])
            message_text(entry)
        with slot.container():
            reply_status(entry, last=True, page=page, thread=thread)
            versions(entry, page=page, thread_name=thread)
            if explain is not None:
                explain(entry)
    # Outside the reply's message: the announcement's script is the app's own, and a reply's content holds none.
    announce(reply_announcement(entry.note, entry.content), entry.id)
    if question_versions is not None:
        versions(question, page=page, thread_name=thread, into=question_versions)


def _turn_lock() -> threading.Lock:
    return st.session_state.setdefault(keys.TURN_LOCK, threading.Lock())


def settle_previous_turn() -> None:
    """A run that interrupts a streaming reply (Stop, a new message, a sidebar change) starts before the
    interrupted run has ended: stop that reply and wait until it is recorded, so it keeps its place.

    The reply's stream ends at once whatever the server is doing, so the wait is short. A run cut short leaves its
    reply unrecorded; this run records it as stopped. A page that never runs again (reloaded, closed) leaves it for
    the conversation's next opening, which finds it interrupted."""
    active = st.session_state.get(keys.TURN_ACTIVE)
    if active is not None:
        active.cancel()
    lock = _turn_lock()
    if lock.acquire(timeout=15):
        try:
            _record_left_reply()
        finally:
            lock.release()


def _record_left_reply() -> None:
    """With the turn lock held: record the reply an earlier run of this session left (see `Turn.settle`)."""
    left = st.session_state.pop(keys.TURN_ACTIVE, None)
    if left is not None:
        left.settle()


def turn(
    scope: ChatScope,
    conversation: Conversation,
    text: str,
    guard: Guard = NO_GUARD,
    explain: Explain | None = None,
    save: Save | None = None,
) -> None:
    """Take one turn: check and show the question, stream the reply with a Stop button, record and save both
    (`save`: instead of writing the conversation, e.g. the challenge records each attempt)."""
    with _turn_lock():
        _record_left_reply()
        _draw_turn(scope, conversation, text, guard, explain, save)


def draft_box(page: str, label: str | None = None, *, held: bool = False) -> None:
    """The box that keeps a message that was not sent, to change (shorten, if it was too long) and send again.
    `label`: why it was kept, said instead (a paused room); `held`: it cannot be sent yet, Send is off."""
    if keys.draft(page) not in st.session_state:
        return
    text = st.text_area(
        label or "Your message was not sent: it is kept here to change and send again", key=keys.draft(page), height=160
    )
    if label is None:
        st.caption(length_note(text, MAX_USER_CHARS))
    st.button("Send", key=keys.page_widget(page, "send_draft"), on_click=send_draft, args=(page,), disabled=held)


def actions(page: str, thread: str, conversation: Conversation) -> None:
    """Clear, Regenerate and Edit last message, under the conversation: in one row that wraps where it is narrow
    (presenter mode draws it in the column beside the reply, under its verdict)."""
    if not conversation.entries:
        return
    row = st.container(horizontal=True, gap="small", key=keys.page_widget(page, "actions"))
    row.button(
        "🧹 Clear conversation", key=keys.page_widget(page, "clear"), on_click=clear_chat, args=(page, thread),
        help="Start afresh; the conversation stays in the history.",
    )  # fmt: skip
    if conversation.entries[-1].error is None:
        row.button("🔄 Regenerate", key=keys.page_widget(page, "regenerate"), on_click=resend, args=(page, thread))
    last = conversation.last_user_text()
    if last is not None:
        edit_key = keys.page_widget(page, f"edit.{zlib.crc32(last.encode())}")
        # Keyed by the conversation's size: once resent, a new popover stands here, closed over the new reply.
        with row.popover("✏️ Edit last message", key=keys.page_widget(page, f"edit_open.{conversation.size}")):
            st.text_area("Edit your last message", value=last, key=edit_key)
            st.button(
                "Resend", key=keys.page_widget(page, "resend"), on_click=edit_and_resend, args=(page, thread, edit_key)
            )
