"""Picks named in words: a reply's sentence that recommends a named company, fund or coin.

A sentence counts when it names one (see `names.py`) and the pick classifier, which learned from labelled
sentences (`data/picks_train.jsonl`: recommendations against neutral facts about the same names), reads it as a
recommendation. The classifier is the advice classifier's machinery (MiniLM meaning and TF-IDF n-grams, averaged,
the threshold chosen on out-of-fold scores) trained on these sentences instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chat_core.guardrails.classifier import AdviceClassifier, load_built
from chat_core.guardrails.data import DATA_DIR, LabelledPrompt
from chat_core.guardrails.language import surely_not_english
from chat_core.guardrails.names import names_in

PICKS_TRAINING_SET = DATA_DIR / "picks_train.jsonl"
PICKS_PROBE = DATA_DIR / "picks_score.jsonl"
"""Held apart: never used to train or to choose the threshold."""
PICK_LABELS = {"pick": "attack", "neutral": "benign"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class LabelledSentence:
    """A reply (one sentence or a few) and whether it recommends a named investment."""

    text: str
    label: str
    kind: str = ""


def read_sentences(path: Path) -> list[LabelledSentence]:
    """Labelled replies from a JSONL file of {"text", "label": "pick"|"neutral", "kind"}."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(LabelledSentence(raw["text"].strip(), raw["label"], raw.get("kind", "")))
    return rows


def as_prompts(rows: Sequence[LabelledSentence]) -> list[LabelledPrompt]:
    """Labelled sentences in the classifier's training shape: a pick is the class to stop."""
    return [LabelledPrompt(row.text, PICK_LABELS[row.label], row.kind) for row in rows]


def load_pick_classifier(folder: Path | None = None) -> AdviceClassifier:
    """The pick classifier, built from the repo's labelled sentences on first use and cached on disk."""
    return load_built(as_prompts(read_sentences(PICKS_TRAINING_SET)), "picks", folder, decides=names_an_investment)


def names_an_investment(row: LabelledPrompt) -> bool:
    """Whether the pick classifier would read this reply at all: some sentence of it is about a name."""
    return any(names for _, names in named_sentences(row.prompt))


def sentences(reply: str) -> list[str]:
    """A reply cut into sentences (and lines, for lists)."""
    return [part.strip() for part in _SENTENCE_END.split(reply) if part.strip()]


@dataclass(frozen=True)
class Pick:
    """A sentence that recommends a named investment, the names in it, and the classifier's score."""

    sentence: str
    names: tuple[str, ...]
    score: float


_REFERS_BACK = re.compile(
    r"\b(?:it|its|it's|them|they|those|these|this\s+one|that\s+one|there|some|the\s+dip)\b|"
    r"^\W*(?:(?:even\s+so|so|then|now),?\s+)?(?:buy|grab|get|sell|hold|load\s+up|stack|accumulate|pick\s+up)\b",
    re.IGNORECASE,
)


MIN_WORDS = 4
"""A shorter piece of text says too little for the classifier to read as a recommendation."""
# The classifier learned from English sentences: a reply in another language is left to the regular expressions
# and the leak check (its capitalised words are no sign of a name, and the encoder reads it as noise).


def named_sentences(reply: str, *, complete: bool = True) -> list[tuple[str, list[str]]]:
    """Each sentence with the names it is about: its own, or, when it points back ("I'd buy it"), the names of
    the sentence before that had some. With `complete` False (a reply still streaming), a last sentence that has
    not ended yet is left for later."""
    parts = sentences(reply)
    if not complete and parts and not reply.rstrip().endswith((".", "!", "?", ":")):
        parts = parts[:-1]
    found, last = [], []
    for sentence in parts:
        names = names_in(sentence)
        if names:
            last = names
        elif last and _REFERS_BACK.search(sentence):
            names = last
        found.append((sentence, names))
    return found


def find_pick(reply: str, classifier: AdviceClassifier, *, complete: bool = True) -> Pick | None:
    """The first sentence of the reply that is about a named investment and reads as a recommendation of it."""
    if surely_not_english(reply):
        return None
    named = [
        (sentence, names)
        for sentence, names in named_sentences(reply, complete=complete)
        if names and len(sentence.split()) >= MIN_WORDS
    ]
    if not named:
        return None
    scores = classifier.score([sentence for sentence, _ in named], neighbours=0)
    for (sentence, names), scored in zip(named, scores, strict=True):
        if scored.score >= classifier.threshold:
            return Pick(sentence, tuple(names), scored.score)
    return None
