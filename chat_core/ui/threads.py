"""The conversations a session holds, one per page and thread: loading, saving, opening, and the chat's callbacks."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from chat_core.catalog import CHAT_PAGES, chat_page
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.prompts import CUSTOM_PERSONA
from chat_core.saving import (
    NEW_CHAT,
    ChatScope,
    catch_up,
    page_address,
    retitle_after_edit,
    save_checkpoint,
    save_conversation,
)
from chat_core.turn import Checkpointer
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.notices import notice, report_storage
from chat_core.ui.resources import storage

PREFERENCES = ("model", "temperature", "max_tokens")


def thread(page: str, name: str) -> Conversation:
    """The page's conversation for this thread: the one in this tab, else the latest saved, else a new one."""
    threads = st.session_state.setdefault(keys.threads(page), {})
    if name not in threads and st.session_state.get(keys.cleared(page)) == "":  # reloaded after Clear or New chat
        st.session_state[keys.cleared(page)] = name
        threads[name] = Conversation()
    if name not in threads:
        threads[name] = _latest_saved(page, name) or Conversation()
    return threads[name]


def _latest_saved(page: str, name: str) -> Conversation | None:
    store = storage()
    if store is None:
        return None
    try:
        latest = store.list(owner(), limit=1, page=page, thread=name)
        return store.load(latest[0].id, owner())[1] if latest else None
    except ChatError as error:
        notice(error)
        return None


def saver(scope: ChatScope | None) -> Callable[[Conversation], ChatError | None]:
    """A save that makes no Streamlit call, for the end of a reply (which may run after its page moved on)."""
    store, who, state = storage(), owner(), st.session_state

    def write(conversation: Conversation) -> ChatError | None:
        problem = save_conversation(store, who, conversation, scope)
        if problem is not None and problem.kind == "conflict":  # saved beside the other tab's: say so once
            state[keys.NOTICE] = problem
            return None
        return problem

    return write


def checkpointer(left: bool = False) -> Checkpointer:
    """Keeps a streaming reply's text so far in the database, making no Streamlit call (it runs mid-stream); `left`:
    the text of a reply whose page's run ended before it did (see `Turn.leave`)."""
    store, who = storage(), owner()
    return lambda conversation, text: save_checkpoint(store, who, conversation, text, left=left)


def save(scope: ChatScope | None, conversation: Conversation) -> None:
    """Write what is new in a conversation; on failure it stays in memory and is written later."""
    report_storage(saver(scope)(conversation), conversation)


def _catch_up() -> None:
    """Write the messages a failing database missed, now that it may be back."""
    held = {page: st.session_state.get(keys.threads(page), {}) for page in CHAT_PAGES}
    store = storage()
    problems = catch_up(store, owner(), held)
    for problem in problems:
        notice(problem)
    caught_up = not any(c.unsaved for by_thread in held.values() for c in by_thread.values())
    if store is not None and not problems and caught_up:
        st.session_state.pop(keys.STORAGE_PROBLEM, None)


def resend(page: str, name: str, text: str | None = None) -> None:
    """Step back before the last question and send it again: as it was, for a new version of its reply; edited (if
    text is given), as a new version of the question. The earlier versions stay, to move back to."""
    previous = thread(page, name).rewind_to_last_user()
    if (text or previous) is not None:
        st.session_state[keys.pending(page)] = text if text is not None else previous


def edit_and_resend(page: str, name: str, edit_key: str) -> None:
    """Resend the last question as edited in the box with this key; a blank edit is refused."""
    text = st.session_state.get(edit_key, "")
    if not text.strip():
        notice(
            ChatError(
                "An edited message cannot be empty.", "Type the new question, then Resend.", kind="invalid_message"
            )
        )
        return
    store, conversation = storage(), thread(page, name)
    try:
        if store is not None:
            retitle_after_edit(store, owner(), conversation, conversation.last_user_text() or "", text)
    except ChatError as error:
        notice(error)
    resend(page, name, text)


def send_draft(page: str) -> None:
    """Send the text of the box that kept an unsent message."""
    st.session_state[keys.pending(page)] = st.session_state.pop(keys.draft(page), "")


def new_chat(page: str, name: str) -> None:
    """Start the thread afresh; the old conversation stays in the history."""
    st.session_state.setdefault(keys.threads(page), {})[name] = Conversation()
    st.session_state.pop(keys.inspector(page, name), None)
    st.session_state[keys.cleared(page)] = name


def clear_chat(page: str, name: str) -> None:
    """The chat's Clear: a new, empty conversation, saying where the old one went."""
    had = st.session_state.get(keys.threads(page), {}).get(name)
    new_chat(page, name)
    if had is not None and had.entries:
        st.toast("Started a new chat. The previous one stays in the history in the sidebar.", icon="🧹")


def address_of(page: str, name: str, conversation: Conversation) -> str | None:
    """The `c=` a page's address carries (`saving.page_address`)."""
    return page_address(conversation, st.session_state.get(keys.cleared(page)) == name)


def point_address_at(page: str, name: str, conversation: Conversation) -> None:
    """Make the page's address name its conversation as soon as it has one, so a reload comes back to it."""
    address = address_of(page, name, conversation)
    if address:
        st.query_params["c"] = address


def request_open(conversation_id: str) -> None:
    """Open a saved conversation on the next run."""
    st.session_state[keys.HISTORY_OPEN] = conversation_id


def _open(conversation_id: str, page: str | None) -> None:
    """Load a saved conversation into its page's thread, switching page when it belongs elsewhere."""
    store = storage()
    if store is None:
        return
    try:
        summary, conversation = store.load(conversation_id, owner())
    except ChatError as error:
        notice(error)
        return
    target = chat_page(summary.page)
    if target is None:
        return
    if summary.page != page:
        st.session_state[keys.HISTORY_OPEN] = conversation_id
        st.switch_page(target.file)
    saved_sets = [s.name for s in store.list_example_sets(owner())] if summary.page == "tutor" else []
    name = target.thread_or_first(summary.thread, also=saved_sets)
    st.session_state.setdefault(keys.threads(summary.page), {})[name] = conversation
    if target.thread_widget:
        st.session_state[target.thread_widget] = name
    if "system" in summary.settings and name == CUSTOM_PERSONA:
        st.session_state[keys.CUSTOM_PROMPT] = summary.settings["system"]
    own = {k: summary.settings[k] for k in PREFERENCES if k in summary.settings}
    st.session_state.setdefault(keys.OWN_SETTINGS, {})[conversation.id] = own


def restore(page: str | None) -> None:
    """On a page's first run, reopen what the URL or a history click asks for, and save what was missed."""
    wanted = st.session_state.pop(keys.HISTORY_OPEN, None)
    if wanted is None and not st.session_state.get(keys.restored(page)):
        wanted = st.query_params.get("c")
    st.session_state[keys.restored(page)] = True
    _catch_up()
    if wanted == NEW_CHAT and page is not None:
        st.session_state[keys.cleared(page)] = ""
    elif wanted:
        _open(wanted, page)
