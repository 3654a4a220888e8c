"""Requests per session per minute: a person who floods gets a clear message, and the model server is not flooded."""

from __future__ import annotations

import threading

import pytest

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.limits import REQUESTS_PER_MINUTE, RateLimit
from chat_core.providers.client import ChatProvider
from chat_core.turn import Turn, TurnSpec
from tests.support.scripted_server import Step


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_requests_up_to_the_limit_are_admitted_and_the_next_is_refused_clearly(clock):
    limit = RateLimit(per_window=3, window=60, clock=clock)
    for _ in range(3):
        limit.admit()
        clock.now += 1
    with pytest.raises(ChatError) as refused:
        limit.admit()
    assert refused.value.kind == "session_rate_limited"
    assert "3 messages within 60 seconds" in refused.value.message
    assert "Wait 57 seconds" in refused.value.hint and "your message is kept" in refused.value.hint
    assert limit.remaining() == 0


def test_a_refused_request_counts_nothing_so_the_window_frees_on_time(clock):
    limit = RateLimit(per_window=2, window=10, clock=clock)
    limit.admit()
    limit.admit()
    for _ in range(50):
        with pytest.raises(ChatError):
            limit.admit()
    clock.now += 10
    limit.admit()
    assert limit.remaining() == 1


def test_the_window_slides_one_request_at_a_time(clock):
    limit = RateLimit(per_window=2, window=10, clock=clock)
    limit.admit()
    clock.now += 5
    limit.admit()
    clock.now += 5
    limit.admit()
    with pytest.raises(ChatError) as refused:
        limit.admit()
    assert "Wait 5 seconds" in refused.value.hint


def test_sessions_are_limited_separately(clock):
    first, second = RateLimit(per_window=1, clock=clock), RateLimit(per_window=1, clock=clock)
    first.admit()
    second.admit()
    with pytest.raises(ChatError):
        first.admit()


def test_requests_from_many_threads_at_once_never_pass_the_limit(clock):
    limit = RateLimit(per_window=REQUESTS_PER_MINUTE, clock=clock)
    admitted = []

    def ask() -> None:
        try:
            limit.admit()
            admitted.append(1)
        except ChatError:
            pass

    threads = [threading.Thread(target=ask) for _ in range(5 * REQUESTS_PER_MINUTE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(admitted) == REQUESTS_PER_MINUTE


def test_a_flood_of_messages_reaches_the_model_server_only_up_to_the_limit(scripted, scripted_settings, clock):
    settings = scripted_settings()
    provider = ChatProvider(settings)
    limit = RateLimit(per_window=5, clock=clock)
    conversation = Conversation()
    refusals = []
    for number in range(12):
        scripted.enqueue(Step(text=f"Reply {number}."))
        try:
            limit.admit()
        except ChatError as refused:
            refusals.append(refused)
            continue
        Turn(TurnSpec(settings), conversation, f"Message {number}", connect=lambda: provider).run()
    assert len(scripted.history) == 5
    assert len(refusals) == 7 and all(r.kind == "session_rate_limited" for r in refusals)
