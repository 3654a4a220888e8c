"""Stop keeps what was shown: the runner records and saves exactly the text the audience read, marked as stopped; it
takes effect at once whatever the server is doing, and the stopped reply leaves the queue of waiting replies."""

from __future__ import annotations

import pytest

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.queue import ReplyQueue
from chat_core.saving import save_conversation
from chat_core.turn import Chunk, Running, Turn, TurnSpec
from tests.reliability.conftest import OWNER, SCOPE, shown_entries, stored_entries
from tests.support.scripted_server import Step
from tests.support.waiting import wait_for


def test_stop_records_and_saves_the_partial_reply_as_shown(scripted, scripted_settings, store):
    scripted.enqueue(Step(text="tick ", chunks=1, forever=True, delay=0.01))
    settings = scripted_settings()
    provider = ChatProvider(settings)
    conversation = Conversation()
    turn = Turn(
        TurnSpec(settings),
        conversation,
        "Count for me",
        connect=lambda: provider,
        save=lambda c: save_conversation(store, OWNER, c, SCOPE),
    )
    shown = ""
    for event in turn.events():
        if isinstance(event, Chunk):
            shown += event.text
            if shown.count("tick") == 3:
                turn.cancel()
    assert shown == "tick tick tick "
    assert shown_entries(conversation) == [("user", "Count for me", "complete"), ("assistant", shown, "stopped")]
    assert stored_entries(store, conversation) == shown_entries(conversation)


SERVER_STILL_READING = 20.0
"""Seconds the server waits before anything of its reply: far longer than any bound below, so a Stop that waited for
the server fails."""
STOP_BOUND = 5.0
"""How long a stopped turn may take to end; the server still says nothing for much longer."""
BEFORE_THE_FIRST_WORD = [
    pytest.param(Step(text="late", chunks=1, delay=SERVER_STILL_READING), id="headers-then-silence"),
    pytest.param(Step(text="late", hang=SERVER_STILL_READING), id="no-answer-at-all"),
]


def started(settings, conversation: Conversation, text: str, store, queue: ReplyQueue | None = None) -> Running:
    """A turn on the real store, running in a thread of its own, once its request has reached the server."""
    turn = Turn(
        TurnSpec(settings), conversation, text, connect=lambda: ChatProvider(settings),
        save=lambda c: save_conversation(store, OWNER, c, SCOPE), queue=queue,
    )  # fmt: skip
    return Running(turn).start()


@pytest.mark.parametrize("server", BEFORE_THE_FIRST_WORD)
def test_stop_before_the_first_word_ends_the_reply_at_once_whatever_the_server_is_doing(
    scripted, scripted_settings, store, server
):
    scripted.enqueue(server)
    conversation = Conversation()
    running = started(scripted_settings(max_retries=0), conversation, "A long question", store)
    wait_for(lambda: scripted.history, "the request to reach the server")
    running.cancel()
    assert running.join(timeout=STOP_BOUND), "Stop waited for the server"
    assert shown_entries(conversation) == [("user", "A long question", "complete"), ("assistant", "", "stopped")]
    assert stored_entries(store, conversation) == shown_entries(conversation)


def test_a_stopped_reply_leaves_the_queue_at_once_and_the_reply_behind_it_moves_up(scripted, scripted_settings, store):
    slow = Step(text="late", chunks=1, delay=SERVER_STILL_READING)
    scripted.enqueue(slow, slow)
    settings, queue = scripted_settings(max_retries=0), ReplyQueue()
    first = started(settings, Conversation(), "First", store, queue)
    wait_for(lambda: len(scripted.history) == 1, "the first request to reach the server")
    second = started(settings, Conversation(), "Second", store, queue)
    wait_for(lambda: len(scripted.history) == 2, "the second request to reach the server")
    assert (first.turn.replies_ahead(), second.turn.replies_ahead(), len(queue)) == (0, 1, 2)
    first.cancel()
    assert first.join(timeout=STOP_BOUND), "Stop waited for the server"
    assert (second.turn.replies_ahead(), len(queue)) == (0, 1)
    second.cancel()
    assert second.join(timeout=STOP_BOUND)
    assert len(queue) == 0
