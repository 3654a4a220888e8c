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


def version_5_database(engine, conversations: dict[str, list[tuple[str, str, str]]]) -> None:
    """A database as schema version 5 wrote it: linear conversations of (role, content, status) by id."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO schema_version (version) VALUES (5)")
        for step in MIGRATIONS[:5]:
            step(conn)
        for number, (conversation_id, rows) in enumerate(conversations.items()):
            conn.execute(
                sa.text(
                    "INSERT INTO conversations (id, owner, page, thread, title, created_at, updated_at)"
                    " VALUES (:id, 'visitor-a', 'chatbot', 'Helpful assistant', :id, :at, :at)"
                ),
                {"id": conversation_id, "at": float(number)},
            )
            insert = sa.text(
                "INSERT INTO messages (conversation_id, position, role, content, status, created_at)"
                " VALUES (:conversation, :position, :role, :content, :status, 1.0)"
            )
            for position, (role, content, status) in enumerate(rows):
                conn.execute(
                    insert,
                    {"conversation": conversation_id, "position": position, "role": role, "content": content,
                     "status": status},
                )  # fmt: skip


OLD_CONVERSATIONS = {
    "c-long": [
        ("user", "What is 1/2 + 1/4?", "complete"), ("assistant", "3/4", "complete"),
        ("user", "And “1/3 + 1/6”? ünïcode", "complete"), ("assistant", "1/2, cut", "stopped"),
        ("user", "Thanks", "complete"),
    ],
    "c-one": [("user", "Only a question", "complete")],
    "c-empty": [],
}  # fmt: skip


def test_a_version_5_database_becomes_one_path_per_conversation_losing_nothing(database_url):
    engine = make_engine(database_url)
    version_5_database(engine, OLD_CONVERSATIONS)
    count = "SELECT COUNT(*) FROM messages"
    texts = "SELECT conversation_id, position, content FROM messages ORDER BY conversation_id, position"
    with engine.connect() as conn:
        before = (conn.exec_driver_sql(count).scalar(), conn.exec_driver_sql(texts).all())
    store = Store(engine)
    assert store.migrate() == SCHEMA_VERSION == 9
    with engine.connect() as conn:
        assert (conn.exec_driver_sql(count).scalar(), conn.exec_driver_sql(texts).all()) == before
    for conversation_id, rows in OLD_CONVERSATIONS.items():
        conversation = store.load(conversation_id, "visitor-a")[1]
        assert [(e.role, e.content, e.status) for e in conversation.entries] == rows
        assert conversation.others == []
        assert [e.parent for e in conversation.entries] == [None, *(e.id for e in conversation.entries)][: len(rows)]
    conversation = store.load("c-long", "visitor-a")[1]
    conversation.add_reply("You're welcome.", "complete")
    store.save("visitor-a", conversation)
    conversation.add_user(conversation.rewind_to_last_user())
    conversation.add_reply("Any time.", "complete")
    store.save("visitor-a", conversation)
    reopened = store.load("c-long", "visitor-a")[1]
    assert [e.content for e in reopened.entries][-2:] == ["Thanks", "Any time."]
    assert reopened.version_of(reopened.entries[-1]) == (2, 2) and reopened.size == 7
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
