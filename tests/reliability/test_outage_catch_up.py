"""Catching up after a database outage, also for a conversation the database already held before it failed."""

from __future__ import annotations

from pathlib import Path

from chat_core.conversation import Conversation
from chat_core.saving import ChatScope, catch_up, save_conversation
from chat_core.store import Store, make_engine
from tests.reliability.conftest import OWNER, SCOPE, shown_entries, stored_entries


def one_turn(conversation: Conversation, question: str) -> None:
    conversation.add_user(question)
    conversation.add_reply(f"Reply to {question}", "complete")


def break_database(path: Path) -> Path:
    """Put garbage where the database was, its write-ahead log moved away with it; return where the real files went."""
    kept = path.parent / "kept"
    kept.mkdir()
    for part in path.parent.glob(f"{path.name}*"):
        part.rename(kept / part.name)
    path.write_bytes(b"not a database " * 500)
    return kept


def restore_database(path: Path, kept: Path) -> None:
    """Put the real database back, with its write-ahead log, as a restore from a backup does."""
    for part in path.parent.glob(f"{path.name}*"):
        part.unlink()
    for part in kept.iterdir():
        part.replace(path.parent / part.name)


def test_a_conversation_saved_before_an_outage_catches_up_once_the_database_is_back(tmp_path):
    path = tmp_path / "chats.sqlite3"
    store = Store(make_engine(f"sqlite:///{path}"))
    store.migrate()
    conversation = Conversation()
    one_turn(conversation, "Before the outage")
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    threads = {SCOPE.page: {SCOPE.thread: conversation}}

    kept = break_database(path)
    one_turn(conversation, "During the outage")
    problem = save_conversation(store, OWNER, conversation, SCOPE)
    assert problem is not None and problem.kind == "storage"
    assert conversation.unsaved
    assert [p.kind for p in catch_up(store, OWNER, threads)] == ["storage"]

    restore_database(path, kept)
    assert catch_up(store, OWNER, threads) == []
    assert not conversation.unsaved
    assert stored_entries(store, conversation) == shown_entries(conversation)
    assert len(store.list(OWNER)) == 1, "catching up continues the conversation, it does not start another"


def test_catching_up_leaves_conversations_that_are_already_saved_untouched(store):
    saved = Conversation()
    one_turn(saved, "Already saved")
    assert save_conversation(store, OWNER, saved, ChatScope("tutor", "Math")) is None
    before = store.list(OWNER)[0].updated_at
    assert catch_up(store, OWNER, {"tutor": {"Math": saved}}) == []
    assert store.list(OWNER)[0].updated_at == before
