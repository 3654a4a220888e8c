"""PostgreSQL restarted, or down for a turn, while the app runs: the chat goes on, what could not be saved is said
plainly, and once the server is back everything shown is stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chat_core.conversation import Conversation
from chat_core.store import Store, make_engine
from tests.reliability.conftest import shown_entries, stored_entries
from tests.reliability.test_database_deleted import chat
from tests.support.postgres import PostgresServer, require_postgres_bin


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, to restart without disturbing the others."""
    server = PostgresServer(require_postgres_bin()).start()
    yield server
    server.stop()


@pytest.fixture
def store(own_postgres) -> Iterator[Store]:
    engine = make_engine(own_postgres.url())
    store = Store(engine)
    store.migrate()
    yield store
    engine.dispose()


def test_a_postgresql_restart_between_turns_goes_unnoticed(take_turn, store, own_postgres, scripted,
                                                           scripted_settings):  # fmt: skip
    settings, conversation = scripted_settings(max_retries=0), Conversation()
    chat(take_turn, settings, scripted, conversation, "one?")
    own_postgres.halt()
    own_postgres.resume()
    taken = chat(take_turn, settings, scripted, conversation, "two?")
    assert taken.turn.save_problem is None, taken.turn.save_problem
    assert stored_entries(store, conversation) == shown_entries(conversation)
    assert len(shown_entries(conversation)) == 4


def test_a_turn_while_postgresql_is_down_is_said_and_saved_once_it_is_back(take_turn, store, own_postgres, scripted,
                                                                           scripted_settings):  # fmt: skip
    settings, conversation = scripted_settings(max_retries=0), Conversation()
    chat(take_turn, settings, scripted, conversation, "one?")
    own_postgres.halt()
    try:
        down = chat(take_turn, settings, scripted, conversation, "two?")
        assert down.turn.save_problem is not None and down.turn.save_problem.kind == "storage"
        assert "Traceback" not in down.turn.save_problem.message
        assert conversation.unsaved
    finally:
        own_postgres.resume()
    back = chat(take_turn, settings, scripted, conversation, "three?")
    assert back.turn.save_problem is None
    assert stored_entries(store, conversation) == shown_entries(conversation)
    assert [content for _, content, _ in stored_entries(store, conversation)][2:4] == ["two?", "Answer to two?"]
