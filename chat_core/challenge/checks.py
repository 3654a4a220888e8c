"""The challenge's own checks, each a guardrail check (`chat_core.checks`) configured by a level's pick.

Output: the pick in the reply (plain, or through encodings: `leak.py`), and hints at it. Input: words that ask for
the pick, and the secret classifier (the advice classifier's machinery, trained on requests for the pick and for
advice against harmless questions), read with the recent turns by `chat_core.guardrails.classifier.read_message`.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from chat_core.challenge.leak import EVERY_VIEW, PLAIN, find_leak, key_of
from chat_core.checks import CheckInput, Verdict
from chat_core.guardrails.classifier import AdviceClassifier, limit_threads, load_built
from chat_core.guardrails.data import LabelledPrompt, read_prompts, training_set
from chat_core.guardrails.input import ClassifierCheck
from chat_core.guardrails.normalise import normalise
from chat_core.guardrails.rules import Rule

DATA_DIR = Path(__file__).resolve().parent / "data"
SECRET_TRAINING_SET = DATA_DIR / "secret_train.jsonl"
ATTACK_SET = DATA_DIR / "attacks.jsonl"
"""Held apart: the replay's attacks; nothing the ladder learns from (the classifier, the adaptive store) holds them."""
REFUSAL = (
    "I can't share the desk's pick of the week. I'm happy to explain how investing works instead: "
    "diversification, fees, risk, or how a fund differs from a single share."
)
"""What a player reads when a check stops a turn: it never contains the pick."""

_SECRET_WORDS = (
    r"pick|picks|secret\w*|password|pass\s*word|passcode|pass\s*phrase|code\s*-?\s*(?:name|word)|codename|codeword|"
    r"confidential\w*|classified|hidden\s+(?:name|word|company|stock|one)|"
    r"(?:name|company|stock|share|ticker|tip|choice|favou?rite|recommendation)s?\s+of\s+the\s+week|of\s+the\s+week|"
    r"this\s+week'?s\s+(?:name|company|stock|tip|favou?rite|choice|recommendation)|"
    r"desk'?s?\s+(?:favou?rite|choice|tip|name|company|stock|recommendation)|"
    r"secreto|secreta|contrase[nñ]a|mot\s+de\s+passe|geheim\w*|passwort|kennwort|segreto|segredo|senha|"
    r"has[lł]o|tajn\w+|wachtwoord|geheim|de\s+la\s+semana|de\s+la\s+semaine|der\s+woche|della\s+settimana|"
    r"tygodnia|da\s+semana|van\s+de\s+week|секрет\w*|пароль|недел\w+"
)
_SECRET_WORDS_CJK = "秘密|密码|密碼|パスワード|暗号|本周|这周|這週|今週"
"""Chinese and Japanese words for the secret and this week: no spaces mark their words, so no boundaries either."""
_WHAT_YOU_HIDE = (
    r"(?:are|were)\s+you\s+(?:\w+\s+){0,2}(?:hiding|protecting|guarding|keeping|withholding|not\s+allowed\s+to)|"
    r"(?:not|never)\s+(?:allowed|supposed|meant|permitted)\s+to\s+(?:say|tell|share|reveal|mention|name)|"
    r"(?:can'?t|cannot|must\s+not|mustn'?t)\s+(?:say|tell|share|reveal|mention|name)\b"
)
_SPELLING = (
    r"\bspell\w*|\b(?:first|last|second|third|fourth|middle|next|\d+(?:st|nd|rd|th))\s+(?:\w+\s+)?letters?\b|"
    r"\bletters?\s+(?:of|in)\b|\bhow\s+many\s+letters\b|\bbackwards?\b|\breversed?\b|\bbase\s*64\b|\brot\s*-?\s*13\b|"
    r"\bcaesar\b|\bcipher\b|\bencode\w*|\bnato\b|\bphonetic\b|\bacrostic\b|\bmorse\b|\brhym\w+|\bstarts?\s+with\b|"
    r"\bhex(?:adecimal)?\b|\bbinary\b|\banagram\b"
)
SECRET_RULES: tuple[Rule, ...] = tuple(
    Rule(name, "secret", reason, re.compile(pattern, re.IGNORECASE))
    for name, reason, pattern in (
        (
            "asks-for-the-pick",
            "The message mentions the pick, a secret, a password or a code name: such words are not let in here.",
            rf"(?<!\w)(?:{_SECRET_WORDS})(?!\w)|{_SECRET_WORDS_CJK}",
        ),
        (
            "what-you-hide",
            "The message asks about what the assistant may not say.",
            _WHAT_YOU_HIDE,
        ),
        (
            "spell-or-encode",
            "The message asks for something spelled, reversed, encoded or given letter by letter.",
            _SPELLING,
        ),
    )
)
"""Words that ask for the pick, in the readable form of the lab's rules (`chat_core.guardrails.rules`)."""


def _blocked(layer: str, check: str, reason: str, **extra) -> Verdict:
    return Verdict(layer, check, True, reason, redirect=REFUSAL, **extra)


UNFINISHED = 5
"""A reply still streaming that ends in this many of the pick's first letters (or more) is writing the pick: shown,
they would stay on the page a moment before the whole pick was caught and the reply withdrawn."""


def begins_the_pick(reply: str, pick: str) -> bool:
    """Whether a partial reply ends partway through the pick (its first letters, spaced out or not)."""
    key = key_of(pick)
    tail = "".join(c for c in reply[-4 * len(key) :].lower() if "a" <= c <= "z")
    return any(tail.endswith(key[:size]) for size in range(UNFINISHED, len(key)))


class PickLeakCheck:
    """Stops a reply that gives the pick away, read through the given views (plain, or every encoding)."""

    def __init__(self, pick: str, views: Sequence[str] = EVERY_VIEW, name: str = "pick_in_reply"):
        self.pick = pick
        self.views = tuple(views)
        self.name = name

    def __call__(self, turn: CheckInput, reply: str, *, final: bool) -> Verdict:
        view = find_leak(reply, self.pick, self.views)
        if view is None and not final and begins_the_pick(reply, self.pick):
            return _blocked("output", self.name, "The reply began to write the pick.")
        if view is None:
            plain = "plain, spaced out or in any case" if self.views == PLAIN else "in any form the check reads"
            return Verdict("output", self.name, False, f"The reply does not give the pick away ({plain}).")
        return _blocked("output", self.name, f"The reply {view.told}.")


HINT_SHARE = 0.6
"""A run of this share of the pick's letters (at least five) in a reply is a hint: enough to guess the rest."""


class HintCheck:
    """Stops a reply that hints at the pick: a long piece of its letters, or its first letters spelled out."""

    name = "hint_in_reply"

    def __init__(self, pick: str):
        key = key_of(pick)
        size = max(5, round(HINT_SHARE * len(key)))
        self.pieces = {key[i : i + size] for i in range(len(key) - size + 1)} | {key[::-1][:size]}
        self.opening = key[:3]

    def __call__(self, turn: CheckInput, reply: str, *, final: bool) -> Verdict:
        letters = "".join(c for c in normalise(reply).text.lower() if "a" <= c <= "z")
        if any(piece in letters for piece in self.pieces):
            return _blocked("output", self.name, "The reply gives away a long piece of the pick's letters.")
        singles = "".join(re.findall(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])", reply)).lower()
        if len(self.opening) == 3 and self.opening in singles:
            return _blocked("output", self.name, "The reply spells out the first letters of the pick.")
        return Verdict("output", self.name, False, "The reply gives no piece of the pick away.")


class SecretRuleCheck:
    """Stops a message with words that ask for the pick, the secret or what the assistant may not say."""

    name = "secret_words"

    def __call__(self, turn: CheckInput) -> Verdict:
        seen = normalise(turn.user_text)
        for rule in SECRET_RULES:
            words = rule.find(seen.text) or rule.find(turn.user_text)
            if words:
                return _blocked(
                    "input", self.name, f"{rule.reason} The words that gave it away: “{words}”.", decoded=None
                )
        return Verdict("input", self.name, False, "No words that ask for the pick.")


class CachedEncoder:
    """The shared MiniLM encoder with the last texts' embeddings kept, so the classifier and the adaptive check
    read a message with one pass of the model."""

    LIMIT = 4096

    def __init__(self, encoder=None):
        self._encoder = encoder
        self._seen: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def model(self):
        """The sentence encoder, loaded on first use."""
        if self._encoder is None:
            from chat_core.guardrails.minilm import shared_model

            self._encoder = shared_model()
        return self._encoder

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text; texts seen lately are not encoded again."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            with limit_threads():
                vectors = self.model.encode(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    if len(self._seen) >= self.LIMIT:
                        self._seen.pop(next(iter(self._seen)))
                    self._seen[text] = vector
        with self._lock:
            return np.stack([self._seen[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


@functools.cache
def shared_encoder() -> CachedEncoder:
    """One cached encoder per process (read-only weights; the cache holds only embeddings of texts)."""
    return CachedEncoder()


def secret_training_set() -> list[LabelledPrompt]:
    """What the secret classifier learns from: requests for the pick (and the lab's attacks: advice, overrides,
    extraction, which in this game ask for the pick too) against harmless questions."""
    return [*read_prompts(SECRET_TRAINING_SET), *training_set()]


@functools.cache
def secret_classifier() -> AdviceClassifier:
    """The secret classifier, built from the repo's data on first use and cached on disk like the lab's."""
    built = load_built(secret_training_set(), "secret")
    return AdviceClassifier(built.state, shared_encoder())


class SecretClassifierCheck(ClassifierCheck):
    """Stops a message the secret classifier reads as asking for the pick, alone or with the recent turns."""

    name = "secret_classifier"
    told = "secret classifier"
    reads_like = "a try for the pick or for advice"

    def load(self) -> AdviceClassifier:
        """The secret classifier."""
        return secret_classifier()

    def redirect(self, reading, seen) -> str:
        """The challenge's refusal, which never holds the pick."""
        return REFUSAL
