"""Messages about what went wrong: an error in place, a one-time notice, the database warning at the top."""

from __future__ import annotations

import streamlit as st

from chat_core.conversation import Conversation
from chat_core.display import plain_markdown
from chat_core.errors import ChatError
from chat_core.ui import keys


def show_error(error: ChatError) -> None:
    """An error as the page shows it: what happened, then what to do."""
    st.error(_shown(error), icon="⚠️")


def notice(error: ChatError) -> None:
    """A message shown once at the top of the page: database trouble stays until it is over, the rest goes."""
    st.session_state[keys.STORAGE_PROBLEM if error.kind == "storage" else keys.NOTICE] = error


def report_storage(problem: ChatError | None, conversation: Conversation) -> None:
    """After a save: keep its problem for the top of the page, or clear the database warning once all is written."""
    if problem is not None:
        notice(problem)
    elif not conversation.unsaved:
        st.session_state.pop(keys.STORAGE_PROBLEM, None)


def storage_warning() -> None:
    """The database warning (while it lasts) and the one-time notice, at the top of the chat; the notice also pops up
    in a corner of the window."""
    problem = st.session_state.get(keys.STORAGE_PROBLEM)
    if problem is not None:
        st.warning(_shown(problem), icon="💾")
    shown = st.session_state.pop(keys.NOTICE, None)
    if shown is not None:
        st.warning(_shown(shown), icon="ℹ️")
        st.toast(_shown(shown), icon="ℹ️", duration="long")  # seen where the person is, far down a long chat


def _shown(error: ChatError) -> str:
    # The message may quote what a person typed or imported, so it is shown as plain text; hints are the app's own.
    return f"**{plain_markdown(error.message)}**\n\n{error.hint}".strip()
