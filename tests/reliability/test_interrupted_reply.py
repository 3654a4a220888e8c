"""A process killed mid-reply, or a page that left it (a reload, a closed tab): the reply is found when the
conversation is opened again, marked interrupted with the text shown so far, and the conversation goes on from there;
a page that comes back records it as stopped instead."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.saving import save_checkpoint, save_conversation
from chat_core.store import Store, reply_checkpoints
from chat_core.turn import Chunk, Turn, TurnSpec
from tests.reliability.conftest import OWNER, SCOPE, stored_entries
from tests.support.scripted_server import ScriptedServer, Step
from tests.support.waiting import wait_for

WAIT = 30.0


def checkpoint_text(store: Store) -> str:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(reply_checkpoints.c.content)).scalar() or ""


def checkpoints(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(reply_checkpoints)).scalar()


@pytest.fixture
def killed_mid_reply(store: Store, database_url: str, scripted: ScriptedServer):
    """A turn in its own process, SIGKILLed once its checkpoint holds some of the reply; the conversation's id."""
    scripted.enqueue(Step(text="tick ", chunks=1, forever=True, delay=0.05))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.turn_process", database_url, scripted.base_url, OWNER, "Count, please."]
    )
    try:
        wait_for(lambda: "tick tick" in checkpoint_text(store), "the reply's checkpoint")
        conversation_id = store.list(OWNER)[0].id
        _, alive = store.load(conversation_id, OWNER)
        assert [e.role for e in alive.entries] == ["user"], "a reply still being written is not shown as interrupted"
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)
    finally:
        process.kill()
    return conversation_id


def test_a_reply_cut_by_a_killed_process_is_shown_interrupted_with_its_text(store, killed_mid_reply):
    _, conversation = store.load(killed_mid_reply, OWNER)
    question, reply = conversation.entries
    assert (question.role, question.content, question.status) == ("user", "Count, please.", "complete")
    assert reply.role == "assistant" and reply.status == "interrupted"
    assert reply.content.startswith("tick tick") and set(reply.content.split()) == {"tick"}
    assert "Interrupted" in reply.note


def test_the_interrupted_reply_is_saved_once_and_the_conversation_goes_on(store, killed_mid_reply, take_turn, scripted,
                                                                          scripted_settings):  # fmt: skip
    _, conversation = store.load(killed_mid_reply, OWNER)
    interrupted = conversation.entries[1].content
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    assert checkpoints(store) == 0, "the saved reply replaces its checkpoint"
    assert stored_entries(store, conversation) == [
        ("user", "Count, please.", "complete"),
        ("assistant", interrupted, "interrupted"),
    ]
    scripted.enqueue(Step(text="Done."))
    take_turn(scripted_settings(max_retries=0), conversation, "Go on.")
    sent = scripted.history[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == interrupted
    assert [status for _, _, status in stored_entries(store, conversation)] == [
        "complete", "interrupted", "complete", "complete",
    ]  # fmt: skip


def test_a_finished_reply_leaves_no_checkpoint_behind(store, scripted, scripted_settings):
    scripted.enqueue(Step(text="one two three four five", chunks=5, delay=0.3))
    settings, conversation, written = scripted_settings(max_retries=0), Conversation(), []

    def checkpoint(conversation: Conversation, shown: str) -> None:
        save_checkpoint(store, OWNER, conversation, shown)
        written.append(checkpoint_text(store))

    turn = Turn(
        TurnSpec(settings), conversation, "Five words?", connect=lambda: ChatProvider(settings),
        save=lambda c: save_conversation(store, OWNER, c, SCOPE), checkpoint=checkpoint,
    )  # fmt: skip
    assert turn.run().status == "complete"
    assert written[0] == "" and len(written) >= 2 and written[-1].startswith("one"), written
    assert checkpoints(store) == 0, "the finished reply replaced its checkpoint"
    _, loaded = store.load(conversation.id, OWNER)
    assert [(e.content, e.status) for e in loaded.entries] == [
        ("Five words?", "complete"), ("one two three four five", "complete"),
    ]  # fmt: skip


@pytest.fixture
def left_mid_reply(store, scripted, scripted_settings) -> Turn:
    """A turn whose reader (a page's run) stopped after three words and left the reply, as a page does."""
    scripted.enqueue(Step(text="tick ", chunks=1, forever=True, delay=0.01))
    settings = scripted_settings(max_retries=0)
    turn = Turn(
        TurnSpec(settings), Conversation(), "Count, please.", connect=lambda: ChatProvider(settings),
        save=lambda c: save_conversation(store, OWNER, c, SCOPE),
        checkpoint=lambda c, shown: save_checkpoint(store, OWNER, c, shown),
        leave=lambda c, shown: save_checkpoint(store, OWNER, c, shown, left=True),
    )  # fmt: skip
    events = turn.events()
    for event in events:
        if isinstance(event, Chunk) and turn.shown.count("tick") == 3:
            break
    events.close()
    return turn


def test_a_reply_its_page_left_opens_interrupted_with_the_text_shown(store, left_mid_reply):
    _, reopened = store.load(left_mid_reply.conversation.id, OWNER)
    assert [(e.role, e.content, e.status) for e in reopened.entries] == [
        ("user", "Count, please.", "complete"), ("assistant", "tick tick tick ", "interrupted"),
    ]  # fmt: skip


def test_a_left_reply_its_page_comes_back_to_is_recorded_stopped_once(store, left_mid_reply):
    left_mid_reply.settle()
    left_mid_reply.settle()
    assert checkpoints(store) == 0, "the recorded reply replaces its checkpoint"
    assert stored_entries(store, left_mid_reply.conversation) == [
        ("user", "Count, please.", "complete"), ("assistant", "tick tick tick ", "stopped"),
    ]  # fmt: skip
