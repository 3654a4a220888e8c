"""Output checks on the reply, partial while it streams and whole at the end: advice given, and the rules leaked.

Regular expressions catch the usual wordings of advice, allocations and price calls; a sentence that names a
company, fund or coin is also read by the pick classifier (a few milliseconds per new sentence, each scored once).
The leak check is a set intersection. All of them can run on every piece of a stream.
"""

from __future__ import annotations

import re

from chat_core.checks import CheckInput, Verdict
from chat_core.guardrails.classifier import AdviceClassifier
from chat_core.guardrails.language import language_of
from chat_core.guardrails.normalise import normalise
from chat_core.guardrails.picks import find_pick, load_pick_classifier
from chat_core.guardrails.redirects import redirect_for

_NEGATION = re.compile(
    r"\b(?:not|never|no|don'?t|doesn'?t|can'?t|cannot|won'?t|shouldn'?t|avoid|unable|instead\s+of|rather\s+than|"
    r"without|nobody|no\s+one|refrain)\b",
    re.IGNORECASE,
)
_ASSET = (
    r"(?:shares?|stocks?|equities|ETFs?|funds?|bitcoin|btc|ethereum|eth|crypto(?:currency|currencies)?|coins?|"
    r"bonds?|gold|options?|calls?|puts?|\$?[A-Z]{2,5}\b|[A-Z][a-z]+\s+(?:stock|shares))"
)

ADVICE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "a recommendation to buy or sell",
            rf"(?i:\b(?:i\s+(?:would\s+|'d\s+)?(?:recommend|suggest|advise)|my\s+(?:top\s+|best\s+)?(?:pick|recommendation|choice)"
            rf"\s+(?:is|would\s+be|for\s+you)|you\s+should\s+(?:definitely\s+|really\s+)?(?:buy|sell|short|invest|put|get|grab|"
            rf"load\s+up|go\s+all[-\s]in|consider\s+buying)|(?:go\s+ahead\s+and|i'?d)\s+(?:buy|sell)|the\s+best\s+"
            rf"(?:stock|coin|crypto|investment|etf|fund|share)s?\s+(?:to\s+buy\s+|for\s+you\s+)?(?:is|are|would\s+be)|"
            rf"^\W*(?:just\s+|so,?\s+|now,?\s+)?(?:buy|sell|short)\s+(?:some\s+|more\s+|\d+\s+)?(?:shares\s+of\s+)?)\b"
            rf".{{0,60}}?)\b{_ASSET}",
        ),
        (
            "an allocation of your money",
            # The verb must govern the money ("put 60% in", "split your savings 70/30 ... 30%"), not a rate:
            # "keep inflation at 2%" is a central bank's target, not an allocation.
            # A share of the money going somewhere ("put 60% in", "invest 70% of your savings into"), not a rate
            # ("invest at 2% interest a year").
            r"(?i:\b(?:put|invest|allocate|place|move|keep|hold)\s+(?:about\s+|around\s+|roughly\s+)?\d{1,3}(?:\.\d+)?\s?%"
            r"\s+(?:of\s+(?:your|the|my)\s+\w+\s+)?(?:in|into|to|on|towards?)\b|"
            r"\b(?:put|invest|allocate|place|move|keep|hold|split)\b[^.\n]{0,40}?\b(?:your|my)\s+(?:money|savings|portfolio|"
            r"funds|cash|salary|paycheck)\b[^.\n]{0,30}?\d{1,3}(?:\.\d+)?\s?%|"
            r"\b\d{1,3}(?:\.\d+)?\s?%\s+(?:of\s+(?:your|the)\s+(?:money|savings|portfolio|funds?)\s+)?(?:in|into|to)\s+"
            r"(?:[A-Z]{2,5}\b|\w+\s+(?:stocks?|shares|ETFs?|funds?))|"
            r"\b(?:your|my\s+recommended)\s+(?:portfolio|allocation)\s+(?:should\s+be|is)\b|"
            r"\b(?:invest|put)\s+(?:everything|all|all\s+(?:of\s+)?your\s+\w+|your\s+(?:money|savings))\s+(?:in|into)\b)",
        ),
        (
            "a price call",
            r"(?i:\b(?:will|is\s+going\s+to|should|could\s+easily|is\s+expected\s+to|is\s+likely\s+to|are\s+going\s+to)\s+"
            r"(?:\w+\s+)?(?:(?:double|triple|moon|skyrocket|10x)\b|(?:rise|climb|go\s+up|reach|hit|soar|increase|surge|jump|"
            r"fall|drop|crash|plunge|go\s+down)\b[^.\n]{0,30}?(?:\$\s?\d|\d+\s?%|\bnext\s+(?:week|month|year)|"
            r"\bby\s+(?:the\s+end|tomorrow|next|\w+day)))|\bprice\s+target\s+(?:of|is|:)\s*\$?\d|"
            r"\b(?:rise|go\s+up|climb|reach|hit|jump|fall|drop)\s+to\s+\$\s?\d)",
        ),
    )
)


def find_advice(reply: str) -> tuple[str, str] | None:
    """The first sentence that gives advice, and what kind: a sentence with a negation does not count."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", reply):
        if _NEGATION.search(sentence):
            continue
        for name, pattern in ADVICE_PATTERNS:
            match = pattern.search(sentence)
            if match:
                return name, sentence.strip()
    return None


class AdviceOutputCheck:
    """Blocks a reply that tells the reader what to buy or sell (a named company, fund or coin included), how to
    split their money, or where a price goes."""

    name = "advice_in_reply"

    def __init__(self, picks: AdviceClassifier | None = None):
        self._picks = picks

    @property
    def picks(self) -> AdviceClassifier:
        """The pick classifier (built or read from the cache on first use)."""
        if self._picks is None:
            self._picks = load_pick_classifier()
        return self._picks

    def __call__(self, turn: CheckInput, reply: str, *, final: bool) -> Verdict:
        found = find_advice(reply)
        if found is not None:
            kind, sentence = found
            return self._blocked(turn, f"The reply gives {kind}: “{sentence[:160]}”.", sentence)
        pick = find_pick(reply, self.picks, complete=final)
        if pick is not None:
            named = ", ".join(pick.names[:3])
            return self._blocked(
                turn,
                f"The reply recommends a named investment ({named}): “{pick.sentence[:160]}”.",
                pick.sentence,
                score=round(pick.score, 4),
            )
        return Verdict("output", self.name, False, "The reply recommends nothing to buy or sell and calls no price.")

    def _blocked(self, turn: CheckInput, reason: str, sentence: str, score: float | None = None) -> Verdict:
        return Verdict(
            "output",
            self.name,
            True,
            reason,
            score=score,
            threshold=self.picks.threshold if score is not None else None,
            redirect=redirect_for(
                turn.user_text + " " + sentence, language=language_of(normalise(turn.user_text).text)
            ),
        )


SHINGLE_WORDS = 5
LEAK_THRESHOLD = 4
"""Five-word phrases of the system prompt a reply may repeat before it counts as a leak (a few occur naturally)."""


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


class LeakOutputCheck:
    """Blocks a reply that repeats the system prompt, counted in shared five-word phrases."""

    name = "prompt_leak"

    def __init__(self):
        self._cache: tuple[str, set] | None = None

    def _system_shingles(self, system: str) -> set[tuple[str, ...]]:
        if self._cache is None or self._cache[0] != system:
            self._cache = (system, _shingles(system))
        return self._cache[1]

    def __call__(self, turn: CheckInput, reply: str, *, final: bool) -> Verdict:
        if not turn.system:
            return Verdict("output", self.name, False, "No system prompt to leak.")
        shared = len(self._system_shingles(turn.system) & _shingles(reply))
        blocked = shared >= LEAK_THRESHOLD
        return Verdict(
            "output",
            self.name,
            blocked,
            _leak_reason(shared),
            score=float(shared),
            threshold=float(LEAK_THRESHOLD),
            redirect=redirect_for("", extraction=True, language=language_of(turn.user_text)) if blocked else None,
        )


def _leak_reason(shared: int) -> str:
    if shared >= LEAK_THRESHOLD:
        return (
            f"The reply repeats {shared} passages of the assistant's hidden instructions word for word: it leaks them."
        )
    if shared == 0:
        return "The reply does not repeat the assistant's instructions."
    passages = "passage" if shared == 1 else "passages"
    return (
        f"The reply shares {shared} short {passages} with the instructions, "
        f"fewer than the {LEAK_THRESHOLD} that count as a leak."
    )
