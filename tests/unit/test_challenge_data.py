"""The challenge's data: the held-apart attack set in Gandalf's categories, and the secret classifier's training
rows, which must not hold it (not equal after normalising, not sharing 80% of its words)."""

import json
import re
from collections import Counter

import pytest

from chat_core.challenge.card import KINDS
from chat_core.challenge.checks import ATTACK_SET, SECRET_TRAINING_SET, secret_training_set
from chat_core.guardrails.data import read_prompts
from chat_core.guardrails.normalise import normalise

ATTACKS = [json.loads(line) for line in ATTACK_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
TRAINED = secret_training_set()


def words(text):
    return frozenset(re.findall(r"\w+", normalise(text).text.lower()))


def jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 1.0


def test_the_attack_set_holds_at_least_80_prompts_in_every_gandalf_category():
    counts = Counter(row["category"] for row in ATTACKS)
    assert len(ATTACKS) >= 80
    assert set(counts) == set(KINDS)
    assert min(counts.values()) >= 8


def test_the_attack_set_holds_each_prompt_once():
    seen = [normalise(row["prompt"]).text.lower() for row in ATTACKS]
    assert len(seen) == len(set(seen))


def test_no_attack_appears_in_what_the_classifier_learns_even_after_normalising():
    learned = {normalise(row.prompt).text.lower() for row in TRAINED}
    assert [row["prompt"] for row in ATTACKS if normalise(row["prompt"]).text.lower() in learned] == []


def test_no_attack_is_a_near_duplicate_of_a_training_row():
    learned = [words(row.prompt) for row in TRAINED]
    close = [
        row["prompt"]
        for row in ATTACKS
        if len(words(row["prompt"])) >= 3 and max(jaccard(words(row["prompt"]), other) for other in learned) >= 0.8
    ]
    assert close == []


@pytest.mark.parametrize("label", ["attack", "benign"])
def test_the_secret_training_rows_hold_both_labels(label):
    assert sum(row.label == label for row in read_prompts(SECRET_TRAINING_SET)) >= 70
