"""The streaming turn as the page draws it: the question, the reply as it arrives, Stop, and the actions after it."""

from __future__ import annotations

import threading
import zlib

import streamlit as st

from chat_core.checks import NO_GUARD, Guard
from chat_core.conversation import Conversation
from chat_core.display import length_note
from chat_core.messages import MAX_USER_CHARS
from chat_core.saving import ChatScope
from chat_core.ui import keys
from chat_core.ui.guarded_turn import Explain, guarded_turn
from chat_core.ui.threads import edit_and_resend, new_chat, resend, send_draft


def _turn_lock() -> threading.Lock:
    return st.session_state.setdefault(keys.TURN_LOCK, threading.Lock())


def settle_previous_turn() -> None:
    """A run that interrupts a streaming reply (Stop, a new message, a sidebar change) starts before the
    interrupted run has ended: stop that reply and wait until it is recorded, so it keeps its place."""
    active = st.session_state.pop(keys.TURN_ACTIVE, None)
    if active is not None:
        active.cancel()
    lock = _turn_lock()
    if lock.acquire(timeout=15):
        lock.release()


def turn(
    scope: ChatScope, conversation: Conversation, text: str, guard: Guard = NO_GUARD, explain: Explain | None = None
) -> None:
    """Take one turn: check and show the question, stream the reply with a Stop button, record and save both."""
    with _turn_lock():
        guarded_turn(scope, conversation, text, guard, explain)


def draft_box(page: str) -> None:
    """The box that keeps a message that was not sent, to shorten and send again."""
    if keys.draft(page) not in st.session_state:
        return
    text = st.text_area("Your message was not sent; shorten it here and send again", key=keys.draft(page), height=160)
    st.caption(length_note(text, MAX_USER_CHARS))
    st.button("Send", key=keys.page_widget(page, "send_draft"), on_click=send_draft, args=(page,))


def actions(page: str, thread: str, conversation: Conversation) -> None:
    """Clear, Regenerate and Edit last message, under the conversation."""
    if not conversation.entries:
        return
    left, middle, right = st.columns(3)
    left.button(
        "🧹 Clear conversation", key=keys.page_widget(page, "clear"), on_click=new_chat, args=(page, thread),
        help="Start afresh; the conversation stays in the history.",
    )  # fmt: skip
    if conversation.entries[-1].error is None:
        middle.button("🔄 Regenerate", key=keys.page_widget(page, "regenerate"), on_click=resend, args=(page, thread))
    last = conversation.last_user_text()
    if last is not None:
        edit_key = keys.page_widget(page, f"edit.{zlib.crc32(last.encode())}")
        with right.popover("✏️ Edit last message"):
            st.text_area("Edit your last message", value=last, key=edit_key)
            st.button(
                "Resend", key=keys.page_widget(page, "resend"), on_click=edit_and_resend, args=(page, thread, edit_key)
            )
