"""Many sessions writing at once to one SQLite file: every write lands, none is refused as "locked"."""

from __future__ import annotations

import sqlite3
import threading
import time

from chat_core.checkpoints import Checkpoint, writer_id
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.store import Store, make_engine

WRITERS = 16
TURNS = 15


def test_sixteen_sessions_saving_and_checkpointing_at_once_lose_nothing(tmp_path):
    store = Store(make_engine(f"sqlite:///{tmp_path / 'chats.sqlite3'}"))
    store.migrate()
    failures: list[ChatError] = []
    conversations: dict[int, Conversation] = {}
    start = threading.Barrier(WRITERS)

    def session(number: int) -> None:
        owner = f"visitor:{number}"
        conversation = conversations[number] = Conversation()
        conversation.id = store.create(owner, "chatbot", "Helpful assistant", f"chat {number}")
        start.wait()
        for turn in range(TURNS):
            try:
                conversation.add_user(f"{number}: question {turn}")
                store.save(owner, conversation)
                store.write_checkpoint(
                    owner, conversation.id, Checkpoint(len(conversation.entries), "Par", writer_id(), 0)
                )
                store.load(conversation.id, owner)
                conversation.add_reply(f"{number}: answer {turn}", "complete")
                store.save(owner, conversation)
            except ChatError as error:
                failures.append(error)
                return

    threads = [threading.Thread(target=session, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    for number, conversation in conversations.items():
        _, stored = store.load(conversation.id, f"visitor:{number}")
        assert len(stored.entries) == 2 * TURNS


def hold(path, begin: str, seconds: float, ready: threading.Event) -> threading.Thread:
    """Another connection that opens a transaction, reads, keeps it open for `seconds`, then ends it."""

    def run() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute(begin)
        other.execute("SELECT count(*) FROM messages").fetchall()
        ready.set()
        time.sleep(seconds)  # the other program's transaction, held open
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def saved_while(store: Store, path, begin: str, seconds: float) -> float:
    """Save a new message while another connection holds a transaction; returns how long the save took."""
    owner = "visitor:waiting"
    conversation = Conversation()
    conversation.id = store.create(owner, "chatbot", "Helpful assistant", "waiting")
    ready = threading.Event()
    other = hold(path, begin, seconds, ready)
    ready.wait(10)
    conversation.add_user("Saved while another connection holds the database.")
    started = time.monotonic()
    store.save(owner, conversation)
    took = time.monotonic() - started
    other.join()
    assert [e.content for e in store.load(conversation.id, owner)[1].entries] == [conversation.entries[0].content]
    return took


def test_a_long_read_elsewhere_does_not_hold_up_a_save(tmp_path):
    path = tmp_path / "chats.sqlite3"
    store = Store(make_engine(f"sqlite:///{path}"))
    store.migrate()
    assert saved_while(store, path, "BEGIN", seconds=3) < 1.5, "the save waited for a reader"


def test_a_save_waits_out_another_writer_that_holds_the_database_for_three_seconds(tmp_path):
    path = tmp_path / "chats.sqlite3"
    store = Store(make_engine(f"sqlite:///{path}"))
    store.migrate()
    assert saved_while(store, path, "BEGIN IMMEDIATE", seconds=3) >= 2
