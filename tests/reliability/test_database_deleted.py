"""The SQLite file deleted while the app runs: it is made again and the conversation saved into it, whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chat_core.conversation import Conversation
from chat_core.store import Store, make_engine
from tests.reliability.conftest import shown_entries, stored_entries
from tests.support.scripted_server import Step


@pytest.fixture
def sqlite_file(tmp_path) -> Path:
    return tmp_path / "chats.sqlite3"


@pytest.fixture
def database_url(sqlite_file) -> str:
    return f"sqlite:///{sqlite_file}"


def chat(take_turn, settings, scripted, conversation: Conversation, *questions: str):
    """Take one turn per question against the scripted server; returns the last turn."""
    for question in questions:
        scripted.enqueue(Step(text=f"Answer to {question}"))
        taken = take_turn(settings, conversation, question)
        assert taken.entry.status == "complete"
    return taken


def test_a_deleted_sqlite_file_is_made_again_and_the_whole_conversation_saved_into_it(
    take_turn, store, sqlite_file, scripted, scripted_settings
):
    settings, conversation = scripted_settings(max_retries=0), Conversation()
    chat(take_turn, settings, scripted, conversation, "one?")
    for leftover in sqlite_file.parent.glob(f"{sqlite_file.name}*"):
        os.remove(leftover)
    taken = chat(take_turn, settings, scripted, conversation, "two?")
    assert taken.turn.save_problem is None
    assert sqlite_file.exists(), "the deleted database file was made again"
    fresh = Store(make_engine(f"sqlite:///{sqlite_file}"))
    assert stored_entries(fresh, conversation) == shown_entries(conversation)
    assert [content for _, content, _ in stored_entries(fresh, conversation)] == [
        "one?", "Answer to one?", "two?", "Answer to two?",
    ]  # fmt: skip
