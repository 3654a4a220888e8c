import re
from collections import Counter

import pytest

from chat_core.errors import ChatError
from chat_core.guardrails.data import CATEGORIES, parse_prompts, scoring_set, training_set
from chat_core.guardrails.normalise import normalise

TRAINING = training_set()
SCORING = scoring_set()


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", normalise(text).text.lower()))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@pytest.mark.parametrize(
    ("rows", "attacks", "benign"), [(TRAINING, 300, 200), (SCORING, 100, 60)], ids=["training", "scoring"]
)
def test_each_set_has_enough_attacks_and_benign_prompts(rows, attacks, benign):
    labels = Counter(row.label for row in rows)
    assert labels["attack"] >= attacks
    assert labels["benign"] >= benign


@pytest.mark.parametrize("rows", [TRAINING, SCORING], ids=["training", "scoring"])
def test_every_attack_category_of_the_issue_is_present_and_known(rows):
    assert {row.category for row in rows} <= set(CATEGORIES)
    attack_categories = {row.category for row in rows if row.is_attack}
    assert attack_categories == set(CATEGORIES) - {"benign_risky", "benign_concepts", "benign_general"}
    assert any(row.category == "benign_risky" for row in rows)


@pytest.mark.parametrize("rows", [TRAINING, SCORING], ids=["training", "scoring"])
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


def test_a_csv_prompt_set_reads_like_a_jsonl_one():
    rows = parse_prompts("prompt,label,category\nWhich stock?,attack,direct_advice\nWhat is a bond?,benign,\n")
    assert [(r.prompt, r.label, r.category) for r in rows] == [
        ("Which stock?", "attack", "direct_advice"),
        ("What is a bond?", "benign", ""),
    ]


def test_a_row_without_a_valid_label_is_refused_with_its_line():
    with pytest.raises(ChatError, match="line 2"):
        parse_prompts('{"prompt": "a", "label": "attack"}\n{"prompt": "b", "label": "maybe"}\n')
