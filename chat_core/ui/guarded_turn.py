"""A chat turn drawn from the turn runner's events, on every chat page: the question, the reply as it streams (with
checks on, once a check passed it), visibly taken back when an output check catches it, and the page's notes."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from chat_core.checks import Guard, Verdict
from chat_core.conversation import Conversation, Entry
from chat_core.display import unfetched_images
from chat_core.errors import ChatError
from chat_core.guardrails.explain import told_reason
from chat_core.limits import RateLimit
from chat_core.queue import waiting_note
from chat_core.saving import ChatScope
from chat_core.turn import Chunk, Planned, Retracted, Turn, TurnSpec
from chat_core.ui import keys
from chat_core.ui.notices import report_storage, show_error
from chat_core.ui.resources import connect, reply_queue
from chat_core.ui.threads import saver
from chat_core.ui.transcript import message_text, reply_status

Explain = Callable[[Entry], None]
"""Draws a page's notes under a message (the guardrail lab: why a reply was stopped, each layer's verdict)."""


def retraction_notice(verdict: Verdict) -> None:
    """Drawn where streamed text was, once the output check took it back (the caught text is not repeated)."""
    st.warning(f"Retracted by the output check: {told_reason(verdict)}", icon="↩️")


def guarded_turn(
    scope: ChatScope,
    conversation: Conversation,
    text: str,
    guard: Guard,
    explain: Explain | None = None,
) -> None:
    """Take one turn through the runner with the guard's checks; a blocked message never reaches the model."""
    page, thread = scope.page, scope.thread
    spec = TurnSpec(scope.settings, system=scope.system, examples=scope.examples, guard=guard)
    retracted = []
    turn = Turn(spec, conversation, text, connect=lambda: connect(scope.settings), save=saver(scope))
    events = turn.events()
    try:
        if text.strip():
            st.session_state.setdefault(keys.RATE_LIMIT, RateLimit()).admit()
        added = next(events)
    except ChatError as error:
        st.session_state[keys.draft(page)] = text
        show_error(error)
        return
    with st.chat_message("user"):
        message_text(added.entry)
    with st.chat_message("assistant"):
        body, slot = st.empty(), st.empty()
        slot.button("⏹ Stop", key=keys.page_widget(page, "stop"), help="Stop the reply; what passed the checks stays.")
        st.session_state[keys.TURN_ACTIVE] = turn
        queue = reply_queue(scope.settings)
        ticket = queue.join() if queue is not None else None
        try:
            for event in events:
                if isinstance(event, Planned):
                    st.session_state[keys.inspector(page, thread)] = event.plan.inspector_view()
                    note = waiting_note(queue.ahead(ticket)) if queue is not None else None
                    if note:
                        body.caption(note)
                elif isinstance(event, Chunk):
                    body.markdown(unfetched_images(turn.shown))
                elif isinstance(event, Retracted):
                    retracted.append(event.verdict)
                    with body.container():
                        retraction_notice(event.verdict)
        finally:
            # No Streamlit calls here: an interrupted run still records (and saves) the reply in its place.
            events.close()
            if queue is not None:
                queue.leave(ticket)
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
            if explain is not None:
                explain(entry)
