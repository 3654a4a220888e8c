"""The context window as chart data: tokens by part against the window, and the turns the budget left out."""

import pytest

from chat_core.lab.context import (
    EARLIER,
    EXAMPLES,
    FREE,
    LEFT_OUT,
    NEW,
    PARTS,
    REPLY,
    SYSTEM,
    context_picture,
    split_messages,
)
from chat_core.providers.client import ChatProvider
from chat_core.tokens import REPLY_PRIMER, EstimateCounter
from chat_core.turn import plan_turn
from tests.support.offline import offline_settings

counter = EstimateCounter()
EXAMPLES_PAIRS = (("2+2?", "4"), ("3+3?", "6"))
SYSTEM_TEXT = "You are a terse math tutor."


def settings(window: int, reply: int):
    return offline_settings(context_window=window, max_tokens=reply)


def history(turns: int) -> list[dict]:
    messages = []
    for number in range(turns):
        messages += [
            {"role": "user", "content": f"Question {number}: " + "q" * 90},
            {"role": "assistant", "content": f"Answer {number}: " + "a" * 90},
        ]
    return messages


def picture(window: int, reply: int, turns: int, question: str = "And 4+4?"):
    chosen = settings(window, reply)
    earlier = history(turns)
    plan = plan_turn(
        chosen, ChatProvider(chosen), system=SYSTEM_TEXT, examples=EXAMPLES_PAIRS, history=earlier, user_text=question
    )
    return context_picture(plan.inspector_view(), earlier, counter, example_messages=4), earlier


def cost(*texts: str) -> int:
    return sum(counter.count_message({"role": "user", "content": text}) for text in texts)


def test_every_part_gets_its_own_tokens_and_the_parts_fill_the_window_exactly():
    shown, earlier = picture(window=4096, reply=256, turns=2)
    assert [part for part, _ in shown.parts] == list(PARTS)
    assert shown.tokens(SYSTEM) == cost(SYSTEM_TEXT)
    assert shown.tokens(EXAMPLES) == cost("2+2?", "4", "3+3?", "6")
    assert shown.tokens(EARLIER) == cost(*(m["content"] for m in earlier))
    assert shown.tokens(NEW) == cost("And 4+4?") + REPLY_PRIMER
    assert shown.tokens(REPLY) == 256
    assert sum(tokens for _, tokens in shown.parts) == shown.context_window == 4096
    assert shown.tokens(FREE) == 4096 - 256 - shown.prompt_tokens
    assert shown.left_out == ()


def test_the_turns_the_budget_left_out_come_with_their_token_costs():
    shown, earlier = picture(window=300, reply=64, turns=3)
    kept_turns = shown.tokens(EARLIER) // cost(earlier[0]["content"])
    assert 0 < len(shown.left_out) == len(earlier) - kept_turns
    assert [t.position for t in shown.left_out] == list(range(len(shown.left_out)))
    assert [t.tokens for t in shown.left_out] == [counter.count_message(m) for m in earlier[: len(shown.left_out)]]
    assert shown.left_out[0].label == "Turn 1 (user)"
    assert shown.left_out[0].preview.startswith("Question 0: qqq") and shown.left_out[0].preview.endswith("…")
    assert shown.prompt_tokens <= 300 - 64
    assert "did not fit and were left out" in shown.caption()


def test_chart_rows_stack_the_sent_parts_and_draw_each_left_out_turn_beside_them():
    shown, _ = picture(window=300, reply=64, turns=3)
    rows = shown.rows()
    sent = [row for row in rows if row["bar"] == "Sent"]
    dropped = [row for row in rows if row["bar"] == "Left out"]
    assert [(row["part"], row["tokens"]) for row in sent] == list(shown.parts)
    assert [row["order"] for row in sent] == list(range(len(PARTS)))
    assert [(row["part"], row["turn"], row["tokens"]) for row in dropped] == [
        (LEFT_OUT, turn.label, turn.tokens) for turn in shown.left_out
    ]


def test_the_example_count_comes_from_the_inspector_view_when_not_given():
    chosen = settings(4096, 256)
    plan = plan_turn(
        chosen, ChatProvider(chosen), system=SYSTEM_TEXT, examples=EXAMPLES_PAIRS, history=[], user_text="Hi"
    )
    assert context_picture(plan.inspector_view(), [], counter).tokens(EXAMPLES) == cost("2+2?", "4", "3+3?", "6")


@pytest.mark.parametrize(
    ("roles", "examples", "expected"),
    [
        (["system", "user", "assistant", "user"], 2, {SYSTEM: [0], EXAMPLES: [1, 2], EARLIER: [], NEW: [3]}),
        (["user", "assistant", "user"], 0, {SYSTEM: [], EXAMPLES: [], EARLIER: [0, 1], NEW: [2]}),
        (["user"], 0, {SYSTEM: [], EXAMPLES: [], EARLIER: [], NEW: [0]}),
    ],
    ids=["system-and-examples", "history-only", "question-only"],
)
def test_a_request_splits_into_its_parts(roles, examples, expected):
    messages = [{"role": role, "content": "x"} for role in roles]
    assert {part: list(positions) for part, positions in split_messages(messages, examples).items()} == expected
