"""The presenter's demo questions through the turn runner and the real offline layers, in any order: the attacks
are stopped, and every harmless question reaches the model with no blocked exchange in its request."""

import itertools

import pytest

from chat_core.conversation import Conversation
from chat_core.guardrails.demo import DEMO_QUESTIONS
from chat_core.guardrails.layers import OFFLINE_LAYERS, build_layers
from chat_core.providers.client import ChatProvider
from chat_core.turn import Turn, TurnSpec
from tests.support.scripted_server import Step

HARMLESS_REPLY = "Spreading money over many companies lowers the risk of any single one."
BENIGN = [q.text for q in DEMO_QUESTIONS if q.should_pass]
STOPPED = [q.text for q in DEMO_QUESTIONS if not q.should_pass]
ORDERS = {
    "as listed": [q.text for q in DEMO_QUESTIONS],
    "reversed": [q.text for q in reversed(DEMO_QUESTIONS)],
    "attacks first": STOPPED + BENIGN,
    "alternating": [q for pair in itertools.zip_longest(STOPPED, BENIGN) for q in pair if q],
}


@pytest.mark.parametrize("order", ORDERS)
def test_the_demo_in_any_order_stops_the_attacks_and_never_resends_them(order, scripted, scripted_settings):
    scripted.enqueue(*[Step(text=HARMLESS_REPLY) for _ in BENIGN])
    settings = scripted_settings()
    setup = build_layers(OFFLINE_LAYERS)
    provider = ChatProvider(settings)
    conversation = Conversation()
    for question in ORDERS[order]:
        spec = TurnSpec(settings, system=setup.system, guard=setup.guard)
        Turn(spec, conversation, question, connect=lambda: provider).run()

    replies = conversation.entries[1::2]
    stopped = [
        entry.content
        for entry, reply in zip(conversation.entries[::2], replies, strict=True)
        if reply.status == "blocked"
    ]
    assert stopped == [text for text in ORDERS[order] if text in STOPPED]
    assert [body["messages"][-1]["content"] for body in scripted.history] == [
        text for text in ORDERS[order] if text in BENIGN
    ]
    blocked_texts = {*STOPPED, *(reply.content for reply in replies if reply.status == "blocked")}
    for body in scripted.history:
        assert not blocked_texts & {message["content"] for message in body["messages"]}
