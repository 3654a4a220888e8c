"""The presenter's prepared questions hold in any order: a benign one is never stopped, whatever came before it."""

import itertools

import pytest

from chat_core.checks import CheckInput
from chat_core.guardrails.data import LabelledPrompt
from chat_core.guardrails.demo import DEMO_QUESTIONS
from chat_core.guardrails.layers import build_layers
from chat_core.guardrails.scorecard import history_for

INPUT_CHECKS = build_layers("input").guard.input
BENIGN = [q.text for q in DEMO_QUESTIONS if q.should_pass]
STOPPED = [q.text for q in DEMO_QUESTIONS if not q.should_pass]


def stopped_by_input(text: str, earlier: list[str]) -> bool:
    turn = CheckInput(text, history_for(LabelledPrompt(text, "benign", turns=tuple(earlier))))
    return any(check(turn).blocked for check in INPUT_CHECKS)


def test_the_demo_list_has_benign_blunt_and_sneaky_questions():
    assert {q.kind for q in DEMO_QUESTIONS} == {"benign", "blunt", "sneaky"}
    assert "What is an index fund?" in BENIGN


@pytest.mark.parametrize("question", BENIGN)
def test_a_benign_demo_question_alone_passes_the_input_check(question):
    assert not stopped_by_input(question, [])


@pytest.mark.parametrize("question", STOPPED)
def test_every_blunt_or_sneaky_demo_question_is_stopped(question):
    assert stopped_by_input(question, [])


@pytest.mark.parametrize(("attack", "question"), list(itertools.product(STOPPED, BENIGN)))
def test_a_benign_demo_question_right_after_an_attack_passes(attack, question):
    assert not stopped_by_input(question, [attack])


@pytest.mark.parametrize("order", ["as listed", "reversed", "attacks first", "alternating"])
def test_the_whole_demo_in_any_order_stops_exactly_the_attacks(order):
    questions = {
        "as listed": [q.text for q in DEMO_QUESTIONS],
        "reversed": [q.text for q in reversed(DEMO_QUESTIONS)],
        "attacks first": STOPPED + BENIGN,
        "alternating": [q for pair in itertools.zip_longest(STOPPED, BENIGN) for q in pair if q],
    }[order]
    stopped = [text for i, text in enumerate(questions) if stopped_by_input(text, questions[:i])]
    assert stopped == [text for text in questions if text in STOPPED]
