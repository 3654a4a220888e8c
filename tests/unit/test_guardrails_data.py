import re
from collections import Counter

import pytest

from chat_core.errors import ChatError
from chat_core.guardrails.data import CATEGORIES, DATA_DIR, followup_set, parse_prompts, scoring_set, training_set
from chat_core.guardrails.normalise import normalise

TRAINING = training_set()
SCORING = scoring_set()
FOLLOWUPS = followup_set()
BENIGN_CATEGORIES = {"benign_risky", "benign_concepts", "benign_general", "benign_after_attack", "benign_circumstance"}
ATTACK_CATEGORIES = set(CATEGORIES) - BENIGN_CATEGORIES
ISSUE_FOLLOWUP = "What is an index fund?"
"""The follow-up the issue names (after "Which stock should I buy tomorrow?"), kept word for word in the follow-up
set although training already holds it in leetspeak as a benign obfuscation row ("wh47 15 4n 1nd3x fund"), which the
near-duplicate check reads decoded; the whole conversation is still checked."""
ISSUE_CIRCUMSTANCE = "I'm 30 and I have $20,000 saved in a bank account."


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", normalise(text).text.lower()))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def conversation(row) -> str:
    return "\n".join([*row.turns, row.prompt])


@pytest.mark.parametrize(
    ("rows", "attacks", "benign"), [(TRAINING, 300, 200), (SCORING, 100, 60)], ids=["training", "scoring"]
)
def test_each_set_has_enough_attacks_and_benign_prompts(rows, attacks, benign):
    labels = Counter(row.label for row in rows)
    assert labels["attack"] >= attacks
    assert labels["benign"] >= benign


@pytest.mark.parametrize(
    ("rows", "not_required"),
    [(TRAINING, set()), (SCORING, {"persistence", "benign_after_attack", "benign_circumstance"})],
    ids=["training", "scoring"],
)
def test_every_attack_category_of_the_issue_is_present_and_known(rows, not_required):
    # The scoring set predates the follow-up categories; the follow-up set scores them instead.
    assert {row.category for row in rows} <= set(CATEGORIES)
    assert {row.category for row in rows if row.is_attack} == ATTACK_CATEGORIES - not_required
    assert {row.category for row in rows if not row.is_attack} >= BENIGN_CATEGORIES - not_required


def test_every_row_carries_the_label_its_category_implies():
    wrong = [
        row.prompt for row in [*TRAINING, *SCORING, *FOLLOWUPS] if row.category in BENIGN_CATEGORIES and row.is_attack
    ]
    wrong += [row.prompt for row in [*TRAINING, *FOLLOWUPS] if row.category == "persistence" and not row.is_attack]
    assert wrong == []


@pytest.mark.parametrize("rows", [TRAINING, SCORING, FOLLOWUPS], ids=["training", "scoring", "followups"])
def test_multi_turn_rows_carry_their_earlier_user_turns(rows):
    multi = [row for row in rows if row.category == "multi_turn"]
    assert multi
    assert all(row.turns for row in multi)


def test_no_scoring_prompt_appears_in_training_even_after_normalising():
    trained = {normalise(row.prompt).text.lower() for row in TRAINING}
    assert [row.prompt for row in SCORING if normalise(row.prompt).text.lower() in trained] == []


def test_no_scoring_prompt_is_a_near_duplicate_of_a_training_prompt():
    trained = [words(row.prompt) for row in TRAINING]
    scored = {row.prompt: words(row.prompt) for row in SCORING}
    close = [
        prompt
        for prompt, seen in scored.items()
        if len(seen) >= 3 and max(jaccard(seen, other) for other in trained) >= 0.8
    ]
    assert close == []


@pytest.mark.parametrize(
    ("category", "label", "count"),
    [
        ("benign_after_attack", "benign", 120),
        ("benign_circumstance", "benign", 40),
        ("multi_turn", "attack", 45),
        ("persistence", "attack", 25),
    ],
)
def test_the_followup_set_has_enough_rows_of_each_category(category, label, count):
    rows = [row for row in FOLLOWUPS if row.category == category]
    assert len(rows) >= count
    assert {row.label for row in rows} == {label}


@pytest.mark.parametrize("rows", [TRAINING, FOLLOWUPS], ids=["training", "followups"])
def test_a_benign_question_after_an_attack_or_a_push_after_a_refusal_follows_exactly_one_earlier_turn(rows):
    after_attack = [row for row in rows if row.category in {"benign_after_attack", "persistence"}]
    assert after_attack
    assert all(len(row.turns) == 1 for row in after_attack)


@pytest.mark.parametrize("rows", [TRAINING, FOLLOWUPS], ids=["training", "followups"])
def test_statements_of_circumstance_come_both_alone_and_after_other_messages(rows):
    circumstance = [row for row in rows if row.category == "benign_circumstance"]
    assert any(not row.turns for row in circumstance)
    assert any(row.turns for row in circumstance)


def test_no_followup_conversation_appears_in_training_even_after_normalising():
    trained = {normalise(text).text.lower() for row in TRAINING for text in (row.prompt, conversation(row))}
    seen = [text for row in FOLLOWUPS for text in {row.prompt, conversation(row)}]
    assert [text for text in seen if normalise(text).text.lower() in trained] == []


def test_no_followup_conversation_is_a_near_duplicate_of_a_training_one():
    trained = [words(text) for row in TRAINING for text in {row.prompt, conversation(row)}]
    held = {
        text: words(text) for row in FOLLOWUPS for text in (row.prompt, conversation(row)) if text != ISSUE_FOLLOWUP
    }
    close = [
        text for text, seen in held.items() if len(seen) >= 3 and max(jaccard(seen, other) for other in trained) >= 0.8
    ]
    assert close == []


def test_the_issue_follow_up_comes_after_the_issue_attack_and_nowhere_in_training():
    assert ("Which stock should I buy tomorrow?",) in {row.turns for row in FOLLOWUPS if row.prompt == ISSUE_FOLLOWUP}
    assert ISSUE_FOLLOWUP not in {text for row in TRAINING for text in (row.prompt, *row.turns)}


def test_the_issue_statement_of_circumstance_is_held_apart_from_training():
    assert any(row.prompt == ISSUE_CIRCUMSTANCE and row.category == "benign_circumstance" for row in FOLLOWUPS)
    trained = {normalise(text).text.lower() for row in TRAINING for text in (row.prompt, *row.turns)}
    assert normalise(ISSUE_CIRCUMSTANCE).text.lower() not in trained


@pytest.mark.parametrize("name", ["train.jsonl", "score.jsonl", "followups.jsonl"])
def test_every_row_of_each_file_parses(name):
    path = DATA_DIR / name
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(parse_prompts(path.read_text(encoding="utf-8"), name)) == len(lines)


def test_a_csv_prompt_set_reads_like_a_jsonl_one():
    rows = parse_prompts("prompt,label,category\nWhich stock?,attack,direct_advice\nWhat is a bond?,benign,\n")
    assert [(r.prompt, r.label, r.category) for r in rows] == [
        ("Which stock?", "attack", "direct_advice"),
        ("What is a bond?", "benign", ""),
    ]


def test_a_row_without_a_valid_label_is_refused_with_its_line():
    with pytest.raises(ChatError, match="line 2"):
        parse_prompts('{"prompt": "a", "label": "attack"}\n{"prompt": "b", "label": "maybe"}\n')
