"""The history in the sidebar: new chat, this conversation's rename, export and delete, search, the owner's
conversations, and import."""

from __future__ import annotations

import re
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from chat_core.catalog import icon_of, origin_of, when_saved
from chat_core.conversation import Conversation
from chat_core.display import plain_markdown
from chat_core.errors import ChatError
from chat_core.exports import parse_import, to_json, to_markdown, to_python
from chat_core.saving import ChatScope, save_import
from chat_core.store import Store, Summary
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.folds import fold
from chat_core.ui.notices import notice, show_error
from chat_core.ui.resources import storage
from chat_core.ui.threads import new_chat, request_open

HISTORY_SHOWN = 30


def history_sidebar(scope: ChatScope | None, conversation: Conversation | None) -> None:
    """The owner's conversations, drawn where the caller puts them: new chat and this conversation's rename, export
    and delete first, then search and the list."""
    st.markdown("#### Conversations")
    store = storage()
    if store is None:
        st.caption("History is unavailable while the database fails; this tab keeps your messages.")
        return
    try:
        everything = store.list(owner())
    except ChatError as error:
        st.session_state[keys.STORAGE_PROBLEM] = error
        return
    current = next((s for s in everything if conversation and s.id == conversation.id), None)
    if scope is not None:
        st.button("➕ New chat", key="history.new", on_click=new_chat, args=(scope.page, scope.thread), width="stretch")
    if current is not None and scope is not None:
        _manage(store, scope, conversation, current)
    query = st.text_input(
        "Search conversations", key=keys.HISTORY_SEARCH, placeholder="🔍 Search titles and messages",
        label_visibility="collapsed",
    )  # fmt: skip
    try:
        found = store.list(owner(), query) if query.strip() else everything
    except ChatError as error:
        st.session_state[keys.STORAGE_PROBLEM] = error
        return
    if not found:
        st.caption("No conversations match." if query.strip() else "No conversations under this link yet.")
    zone, now = _reader_zone(), time.time()
    for summary in found[:HISTORY_SHOWN]:
        chosen = current is not None and summary.id == current.id
        st.button(
            f"{icon_of(summary.page)} {plain_markdown(summary.title)}",
            key=f"history.open.{summary.id}",
            on_click=request_open,
            args=(summary.id,),
            type="secondary" if chosen else "tertiary",
            help=f"{'Open now · ' if chosen else ''}{summary.page.capitalize()} · {plain_markdown(summary.thread)}",
            width="stretch",
        )
        st.caption(
            f"{plain_markdown(origin_of(summary.page, summary.thread))} · {when_saved(summary.updated_at, now, zone)}"
        )
    if len(found) > HISTORY_SHOWN:
        st.caption(f"{len(found) - HISTORY_SHOWN} older conversations: search to find them.")


def _reader_zone() -> ZoneInfo | None:
    """The browser's time zone, so a date reads as the reader's own; None (the server's) when it is not known."""
    try:
        return ZoneInfo(st.context.timezone) if st.context.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _rename(store: Store, conversation_id: str) -> None:
    try:
        store.rename(conversation_id, owner(), st.session_state.get(keys.HISTORY_TITLE, ""))
    except ChatError as error:
        notice(error)


def _delete(store: Store, scope: ChatScope, conversation_id: str) -> None:
    try:
        store.delete(conversation_id, owner())
    except ChatError as error:
        st.session_state[keys.STORAGE_PROBLEM] = error
        return
    new_chat(scope.page, scope.thread)
    st.session_state.pop(keys.HISTORY_CONFIRM_DELETE, None)


def _manage(store: Store, scope: ChatScope, conversation: Conversation, current: Summary) -> None:
    box = fold("✏️ Rename, export or delete this conversation", keys.HISTORY_MANAGE_OPEN)
    if box is None:
        return
    with box:
        if st.session_state.get(keys.HISTORY_TITLE_OF) != current.id or keys.HISTORY_TITLE not in st.session_state:
            st.session_state[keys.HISTORY_TITLE_OF], st.session_state[keys.HISTORY_TITLE] = current.id, current.title
        with st.form("history.rename_form", border=False):  # a form, so Enter in the title renames
            st.text_input("Title", key=keys.HISTORY_TITLE)
            st.form_submit_button("Rename", key="history.rename", on_click=_rename, args=(store, current.id))
        _exports(scope, conversation, current.title)
        if st.session_state.get(keys.HISTORY_CONFIRM_DELETE) == current.id:
            st.warning(f"Delete “{plain_markdown(current.title)}” for good?")
            yes, no = st.columns(2)
            yes.button(
                "Yes, delete", key="history.delete_yes", type="primary", on_click=_delete,
                args=(store, scope, current.id),
            )  # fmt: skip
            no.button(
                "Cancel", key="history.delete_no", on_click=st.session_state.pop,
                args=(keys.HISTORY_CONFIRM_DELETE, None),
            )  # fmt: skip
        else:
            st.button(
                "🗑 Delete conversation", key="history.delete", on_click=st.session_state.__setitem__,
                args=(keys.HISTORY_CONFIRM_DELETE, current.id),
            )  # fmt: skip


def _exports(scope: ChatScope, conversation: Conversation, title: str) -> None:
    # Each file is written only when its button is pressed: building all three on every rerun cost a long chat
    # half of its rerun time.
    snapshot = scope.snapshot(conversation, title)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "conversation"
    formats = (
        ("⬇️ JSON (messages list)", to_json, "json", "application/json"),
        ("⬇️ Markdown", to_markdown, "md", "text/markdown"),
        ("⬇️ Python script (openai SDK)", to_python, "py", "text/x-python"),
    )
    for label, write, suffix, mime in formats:
        st.download_button(
            label, lambda write=write: write(snapshot), f"{stem}.{suffix}", mime, key=f"export.{suffix}",
            on_click="ignore",  # a download changes nothing on the page: no rerun
        )  # fmt: skip


def import_box(page: str) -> None:
    """Import a conversation exported as JSON; it opens on its own page."""
    store = storage()
    if store is None:
        return
    imported = st.session_state.pop(keys.HISTORY_IMPORTED_NOTE, None)
    if imported is not None:  # said on the run that opens it (a toast before a rerun is lost)
        st.toast(imported, icon="📥")
    box = fold("📥 Import a conversation", keys.HISTORY_IMPORT_OPEN)
    if box is not None:
        with box:
            _import(store, page)


def _import(store: Store, page: str) -> None:
    upload = st.file_uploader("Import a conversation (JSON)", type=["json"], key=keys.HISTORY_IMPORT)
    refused = st.session_state.get(keys.HISTORY_IMPORT_ERROR)
    if upload is None or (refused and refused[0] != upload.file_id):
        st.session_state.pop(keys.HISTORY_IMPORT_ERROR, None)
    if upload is None:
        return
    if st.session_state.get(keys.HISTORY_IMPORTED) == upload.file_id:
        if refused and refused[0] == upload.file_id:
            show_error(refused[1])
        return
    st.session_state[keys.HISTORY_IMPORTED] = upload.file_id
    try:
        conversation_id = save_import(store, owner(), parse_import(upload.getvalue()), page)
    except ChatError as error:
        st.session_state[keys.HISTORY_IMPORT_ERROR] = (upload.file_id, error)
        show_error(error)
        return
    request_open(conversation_id)
    st.session_state[keys.HISTORY_IMPORTED_NOTE] = f"Imported “{upload.name}” as a new conversation, opened here."
    st.rerun()
