"""Upgrading an old database in place, and a chat that survives a failing database."""

import sqlite3

import pytest
import sqlalchemy as sa

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.store import MIGRATIONS, SCHEMA_VERSION, Store, make_engine


def test_a_first_version_database_upgrades_and_keeps_its_data(database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO schema_version (version) VALUES (1)")
        MIGRATIONS[0](conn)
        conn.exec_driver_sql(
            "INSERT INTO conversations VALUES ('c-1', 'visitor-a', 'tutor', 'Math', 'Fractions', 1.0, 2.0)"
        )
        conn.exec_driver_sql("INSERT INTO messages VALUES ('c-1', 0, 'user', 'What is 1/2 + 1/4?', 'complete', 1.5)")
    store = Store(engine)
    assert store.schema_version() == 1
    assert store.migrate() == SCHEMA_VERSION
    summary, conversation = store.load("c-1", "visitor-a")
    assert (summary.title, summary.page, summary.thread, summary.settings) == ("Fractions", "tutor", "Math", {})
    assert [(e.role, e.content, e.meta) for e in conversation.entries] == [("user", "What is 1/2 + 1/4?", {})]
    conversation.add_reply("3/4", "complete", meta={"finish_reason": "stop"})
    store.save("visitor-a", conversation)
    assert store.load("c-1", "visitor-a")[1].entries[1].meta == {"finish_reason": "stop"}
    engine.dispose()


def sqlite_store(tmp_path):
    path = tmp_path / "chats.sqlite3"
    store = Store(make_engine(f"sqlite:///{path}"))
    store.migrate()
    return store, path


def started_conversation(store):
    conversation = Conversation(id=store.create("visitor-a", "chatbot", "Helpful assistant", "Hi"))
    conversation.add_user("Hi")
    store.save("visitor-a", conversation)
    conversation.add_reply("Hello!", "complete")
    return conversation


def test_a_locked_database_fails_clearly_and_catches_up_once_free(tmp_path):
    store, path = sqlite_store(tmp_path)
    conversation = started_conversation(store)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(ChatError) as caught:
        store.save("visitor-a", conversation)
    assert caught.value.kind == "storage"
    assert "locked" in caught.value.message
    assert conversation.unsaved
    blocker.rollback()
    blocker.close()
    store.save("visitor-a", conversation)
    assert [e.content for e in store.load(conversation.id, "visitor-a")[1].entries] == ["Hi", "Hello!"]


def test_a_read_only_database_connection_fails_clearly(tmp_path):
    store, path = sqlite_store(tmp_path)
    conversation = started_conversation(store)
    read_only = Store(sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
    with pytest.raises(ChatError) as caught:
        read_only.save("visitor-a", conversation)
    assert caught.value.kind == "storage"
    assert "read-only" in caught.value.message
    assert conversation.unsaved
    store.save("visitor-a", conversation)
    assert not conversation.unsaved


def test_a_corrupt_database_file_fails_clearly(tmp_path):
    path = tmp_path / "chats.sqlite3"
    path.write_bytes(b"this is not a database " * 400)
    with pytest.raises(ChatError) as caught:
        Store(make_engine(f"sqlite:///{path}")).migrate()
    assert caught.value.kind == "storage"
    assert "damaged" in caught.value.message


def test_an_unreachable_server_fails_clearly():
    from chat_core.providers.local_server import free_port

    store = Store(make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"))
    with pytest.raises(ChatError) as caught:
        store.list("visitor-a")
    assert "cannot be reached" in caught.value.message
