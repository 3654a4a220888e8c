"""The token estimate used when a server's tokenizer is unknown must overcount real English chat text."""

from __future__ import annotations

from pathlib import Path

import pytest

from chat_core.lab.examples import BUILT_IN_SETS
from chat_core.prompts import FINANCE_EXPLAINER, FINANCE_GUARDRAIL_PROMPT, PERSONAS
from chat_core.tokens import EstimateCounter, VocabularyCounter

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_SETS = ("Python", "Data science", "Geography")
"""The built-in example sets in English prose; the Math set is mostly digits (see DIGITS below)."""


def english_corpus() -> dict[str, str]:
    """Realistic English a chat carries: the app's own prompts and examples, and its Markdown documentation."""
    corpus = {f"persona {p.name}": p.system_prompt for p in PERSONAS.values()}
    corpus["finance guardrail"] = FINANCE_GUARDRAIL_PROMPT
    corpus["finance explainer"] = FINANCE_EXPLAINER
    for name in ENGLISH_SETS:
        example_set = BUILT_IN_SETS[name]
        corpus[f"examples {name}"] = "\n".join([example_set.system, *(q + "\n" + a for q, a in example_set.examples)])
    corpus["README"] = (ROOT / "README.md").read_text()
    corpus["how a turn works"] = (ROOT / "docs" / "how-a-turn-works.md").read_text()
    return corpus


CORPUS = english_corpus()


@pytest.fixture(scope="module")
def vocabulary(model_path) -> VocabularyCounter:
    return VocabularyCounter(str(model_path))


@pytest.mark.parametrize("name", CORPUS)
def test_the_estimate_overcounts_each_english_text_of_the_corpus(vocabulary, name):
    text = CORPUS[name]
    assert EstimateCounter().count_text(text) >= vocabulary.count_text(text)


def test_the_estimate_overcounts_a_whole_request_of_the_corpus(vocabulary):
    messages = [{"role": "user", "content": text} for text in CORPUS.values()]
    assert EstimateCounter().count_messages(messages) >= vocabulary.count_messages(messages)
