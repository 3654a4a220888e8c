"""When and where a conversation is written: create or save, after "not found", after an outage, on import."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chat_core.catalog import CHAT_PAGES, DEFAULT_CHAT_PAGE
from chat_core.checkpoints import LEFT, Checkpoint, writer_id
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.exports import Imported, Snapshot
from chat_core.messages import Example, example_messages, system_message
from chat_core.prompts import CUSTOM_PERSONA, PERSONAS
from chat_core.settings import Settings
from chat_core.store import Store, conflict_error, title_from

LOCAL_EXPORT_URL = "http://127.0.0.1:8000/v1"
"""The address an exported script uses for the embedded model (its real port changes on every start)."""
JOIN_ATTEMPTS = 3
"""How many times a save that met another tab's turns is retried beside them before it is reported."""
NEW_CHAT = "new"
"""The `c=` value of a page whose conversation was cleared: a reload starts it empty again."""


@dataclass(frozen=True)
class ChatScope:
    """Which conversation a page shows and what every request in it starts with."""

    page: str
    thread: str
    system: str | None = None
    examples: Sequence[Example] = ()
    settings: Settings | None = None

    def remembered(self) -> dict:
        """What a saved conversation keeps of its settings (never the API key)."""
        settings = self.settings
        kept = {"thread": self.thread}
        if settings is not None:
            kept.update(model=settings.model, temperature=settings.temperature, max_tokens=settings.max_tokens)
            if settings.provider == "compatible":
                kept["base_url"] = settings.base_url
            if settings.provider == "local":
                kept["base_url"], kept["local_model"] = LOCAL_EXPORT_URL, True
        if self.page == "chatbot" and self.thread == CUSTOM_PERSONA:
            kept["system"] = self.system or ""
        return kept

    def snapshot(self, conversation: Conversation, title: str) -> Snapshot:
        """The conversation with its fixed messages, for export."""
        fixed = [system_message(self.system)] if self.system and self.system.strip() else []
        return Snapshot(
            title, self.page, self.thread, fixed + example_messages(self.examples), conversation, self.remembered()
        )


def page_address(conversation: Conversation, cleared: bool) -> str | None:
    """The `c=` a page's address carries, so a reload shows what the page shows: the conversation from the moment its
    first question is saved (a reload during its first reply comes back to it), a cleared thread's empty one, or none
    (the thread's latest)."""
    if conversation.id:
        return conversation.id
    return NEW_CHAT if cleared else None


def new_title(conversation: Conversation) -> str:
    """What a new conversation is titled after: its first question; a continued one, its origin's title, marked."""
    if conversation.origin:
        return f"{title_from(conversation.origin['title'], 48)} (continued)"
    return next((e.content for e in conversation.entries if e.role == "user"), "New chat")


def save_conversation(
    store: Store | None, owner: str, conversation: Conversation, scope: ChatScope | None
) -> ChatError | None:
    """Write what is new in a conversation, creating it on its first message; returns what went wrong, if anything.

    Makes no Streamlit call, so it can run at the end of a reply whose page has moved on. `scope` is None when
    only an existing conversation's missed messages are written. A conversation deleted elsewhere ("not found")
    is forgotten by id so the next save writes it again as a new one; after an outage, it stays unsaved and the
    next save catches up. When another tab wrote to it first, this tab's turns are saved beside its as sibling
    branches of the same conversation, so nobody's turns are lost.
    """
    new = conversation.id is None
    if store is None or not conversation.unsaved or (new and (scope is None or not conversation.entries)):
        return None
    remembered = scope.remembered() if scope else None
    try:
        if new:
            title = new_title(conversation)
            conversation.id = store.create(owner, scope.page, scope.thread, title, remembered, conversation.origin)
        store.save(owner, conversation, remembered)
    except ChatError as error:
        if error.kind == "not_found":
            conversation.forget_saved()
        if error.kind == "conflict":
            return _join(store, owner, conversation, remembered)
        return error
    return None


def save_checkpoint(store: Store | None, owner: str, conversation: Conversation, text: str, left: bool = False) -> None:
    """Keep a streaming reply's text so far beside its saved conversation; best effort (the reply's own save reports
    a failing database). `left`: its page stopped drawing it, so it opens as interrupted unless recorded first."""
    if store is None or conversation.id is None or conversation.unsaved:
        return
    checkpoint = Checkpoint(conversation.size, text, LEFT if left else writer_id(), time.time())
    with contextlib.suppress(ChatError):
        store.write_checkpoint(owner, conversation.id, checkpoint)


def _join(store: Store, owner: str, conversation: Conversation, remembered: dict | None) -> ChatError:
    """Save this tab's turns beside those another tab wrote meanwhile, as sibling branches of the same conversation,
    and say so; a writer that keeps winning the race is retried a few times, then reported."""
    for _ in range(JOIN_ATTEMPTS):
        try:
            _, stored = store.load(conversation.id, owner)
            written = [entry for entry in stored.messages() if entry.position < stored.synced]
            conversation.take_in(written)
            store.save(owner, conversation, remembered)
        except ChatError as error:
            if error.kind == "conflict":
                continue
            return error
        return ChatError(
            "Another tab added to this conversation meanwhile, so your new message starts a second branch of it.",
            "Nothing was lost: both tabs' messages are in this conversation. To see the other tab's, use ‹ › under "
            "your message (it shows 2/2).",
            kind="conflict",
        )
    return conflict_error()


def catch_up(store: Store | None, owner: str, threads: Mapping[str, Mapping[str, Conversation]]) -> list[ChatError]:
    """Write the messages a failing database missed, for every page's threads; returns the failures."""
    problems = []
    for page, by_thread in threads.items():
        for thread, conversation in by_thread.items():
            if not conversation.unsaved:
                continue
            scope = None if conversation.id is not None else ChatScope(page, thread)
            problem = save_conversation(store, owner, conversation, scope)
            if problem is not None:
                problems.append(problem)
    return problems


def retitle_after_edit(store: Store, owner: str, conversation: Conversation, old_text: str, new_text: str) -> None:
    """When the first question is edited, the title follows it, unless the owner gave the conversation another."""
    first = next((e for e in conversation.entries if e.role == "user"), None)
    if conversation.id is None or first is None or first.content != old_text:
        return
    summary, _ = store.load(conversation.id, owner)
    if summary.title == title_from(old_text) and new_text.strip():
        store.rename(conversation.id, owner, title_from(new_text))


@dataclass(frozen=True)
class Landing:
    """Where an imported conversation goes: a page, one of its threads, and the settings it keeps."""

    page: str
    thread: str
    remembered: dict


def import_landing(imported: Imported, current_page: str | None) -> Landing:
    """The page and thread an import opens in: its own when this app has them, else the current page's first."""
    page = CHAT_PAGES.get(imported.page) or CHAT_PAGES.get(current_page or "") or CHAT_PAGES[DEFAULT_CHAT_PAGE]
    thread = page.thread_or_first(imported.thread)
    remembered = dict(imported.settings)
    if page.key == "chatbot" and imported.system and imported.thread not in PERSONAS:
        thread, remembered["system"] = CUSTOM_PERSONA, imported.system
    return Landing(page.key, thread, remembered)


def save_import(store: Store, owner: str, imported: Imported, current_page: str | None) -> str:
    """Store an imported conversation as a new one of the owner's; returns its id."""
    landing = import_landing(imported, current_page)
    conversation = imported.conversation
    conversation.id = store.create(owner, landing.page, landing.thread, imported.title, landing.remembered)
    store.save(owner, conversation)
    return conversation.id
