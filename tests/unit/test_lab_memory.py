"""The memory walkthrough's claims hold for the requests the app really builds."""

from chat_core.conversation import Conversation
from chat_core.lab.memory import MEMORY_WALKTHROUGH
from chat_core.providers.client import ChatProvider
from chat_core.turn import plan_turn
from tests.support.offline import offline_settings

TELL, ASK = (step.type_this for step in MEMORY_WALKTHROUGH[:2])


def plan(conversation: Conversation, text: str, window: int = 4096):
    settings = offline_settings(context_window=window, max_tokens=64)
    return plan_turn(
        settings,
        ChatProvider(settings),
        system="Be brief.",
        examples=(),
        history=conversation.history(),
        user_text=text,
    )


def test_the_walkthrough_tells_a_name_asks_it_back_inspects_then_sees_turns_dropped():
    assert [step.title for step in MEMORY_WALKTHROUGH] == [
        "Tell the bot your name",
        "Ask it back",
        "Open the request inspector",
        "Watch the oldest turns drop",
    ]
    assert "Ada" in TELL and MEMORY_WALKTHROUGH[3].type_this == ASK


def test_asking_it_back_resends_the_turn_with_the_name():
    conversation = Conversation()
    conversation.add_user(TELL)
    conversation.add_reply("Nice to meet you, Ada!", "complete")
    sent = plan(conversation, ASK).request.messages
    assert [m["content"] for m in sent] == ["Be brief.", TELL, "Nice to meet you, Ada!", ASK]


def test_a_long_chat_drops_the_turn_with_the_name_first():
    conversation = Conversation()
    conversation.add_user(TELL)
    conversation.add_reply("Nice to meet you, Ada!", "complete")
    for number in range(4):
        conversation.add_user(f"Tell me a long story, part {number}. " + "x" * 200)
        conversation.add_reply("Once upon a time " + "y" * 200, "complete")
    planned = plan(conversation, ASK, window=600)
    assert planned.budget.dropped[:2] == [0, 1]
    assert TELL not in [m["content"] for m in planned.request.messages]
