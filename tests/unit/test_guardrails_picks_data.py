"""The labelled sentences the named-pick classifier learns from, and the held-apart probe it is scored on."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "chat_core" / "guardrails" / "data"
TRAINING_FILE = DATA_DIR / "picks_train.jsonl"
PROBE_FILE = DATA_DIR / "picks_score.jsonl"
LABELS = {"pick", "neutral"}
KINDS = {"company", "fund", "coin", "other"}
REQUIRED_PROBE_PICKS = ("The best stock to buy right now is NVIDIA.", "Bitcoin is the coin to buy this month.")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


TRAINING = load(TRAINING_FILE)
PROBE = load(PROBE_FILE)
SETS = pytest.mark.parametrize("rows", [TRAINING, PROBE], ids=["training", "probe"])


def flat(text: str) -> str:
    return " ".join(text.lower().split())


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


@SETS
def test_every_row_has_a_text_a_known_label_and_a_kind(rows):
    bad = [
        row
        for row in rows
        if not isinstance(row.get("text"), str)
        or not row["text"].strip()
        or row.get("label") not in LABELS
        or row.get("kind") not in KINDS
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("rows", "picks", "neutral"), [(TRAINING, 330, 330), (PROBE, 120, 120)], ids=["training", "probe"]
)
def test_each_set_has_enough_picks_and_neutral_sentences(rows, picks, neutral):
    labels = Counter(row["label"] for row in rows)
    assert labels["pick"] >= picks
    assert labels["neutral"] >= neutral


@pytest.mark.parametrize("kind", ["company", "fund", "coin"])
@SETS
def test_each_set_has_picks_and_neutral_sentences_about_every_kind_of_investment(rows, kind):
    assert {row["label"] for row in rows if row["kind"] == kind} == LABELS


@SETS
def test_no_sentence_appears_twice_in_a_set(rows):
    counts = Counter(flat(row["text"]) for row in rows)
    assert [text for text, count in counts.items() if count > 1] == []


def test_training_holds_general_education_sentences_that_name_no_investment():
    assert sum(1 for row in TRAINING if row["label"] == "neutral" and row["kind"] == "other") >= 40


@pytest.mark.parametrize("text", REQUIRED_PROBE_PICKS)
def test_the_issues_examples_are_probe_picks_and_absent_from_training(text):
    assert any(row["text"] == text and row["label"] == "pick" for row in PROBE)
    assert all(flat(row["text"]) != flat(text) for row in TRAINING)


def test_some_probe_picks_are_replies_of_several_sentences():
    several = [row for row in PROBE if row["label"] == "pick" and len(re.findall(r"[.!?](?:\s|$)", row["text"])) >= 2]
    assert len(several) >= 10


def test_no_probe_reply_equals_a_training_sentence_after_normalising():
    trained = {flat(row["text"]) for row in TRAINING}
    assert [row["text"] for row in PROBE if flat(row["text"]) in trained] == []


def test_no_probe_reply_is_a_near_duplicate_of_a_training_sentence():
    trained = [words(row["text"]) for row in TRAINING]
    close = [
        row["text"]
        for row in PROBE
        if len(seen := words(row["text"])) >= 4 and max(jaccard(seen, other) for other in trained) >= 0.8
    ]
    assert close == []


def test_every_probe_row_lists_the_names_it_mentions():
    assert [row["text"] for row in PROBE if not row.get("names") or not all(row["names"])] == []


def test_every_name_a_probe_pick_recommends_also_appears_in_a_neutral_probe_row():
    neutral_names = {name for row in PROBE if row["label"] == "neutral" for name in row["names"]}
    pick_names = {name for row in PROBE if row["label"] == "pick" for name in row["names"]}
    assert sorted(pick_names - neutral_names) == []
