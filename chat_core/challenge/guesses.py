"""The guess box: a guess compared with the pick (case, spaces and punctuation ignored), at most a few a minute,
and never a question in disguise."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.challenge.checks import SECRET_RULES
from chat_core.guardrails.normalise import normalise

GUESS_LIMIT = 5
GUESS_WINDOW = 60.0
"""At most GUESS_LIMIT guesses in GUESS_WINDOW seconds, per player and level: a pick cannot be brute-forced."""
MAX_GUESS_CHARS = 100
MAX_GUESS_WORDS = 4


def guess_key(text: str) -> str:
    """A guess as it is compared: letters and digits only, lower case ("Quill-mora!" gives "quillmora")."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())


@dataclass(frozen=True)
class GuessResult:
    """What the guess box says: whether the guess was taken (counted against the limit) and whether it was right."""

    taken: bool
    correct: bool
    message: str


def wait_seconds(recent: Sequence[float], now: float, limit: int = GUESS_LIMIT, window: float = GUESS_WINDOW) -> int:
    """Seconds until another guess is allowed (0: now), given the times of the player's earlier guesses."""
    inside = sorted(t for t in recent if now - window < t <= now)
    if len(inside) < limit:
        return 0
    return max(1, math.ceil(inside[-limit] + window - now))


def asks_instead(text: str) -> bool:
    """Whether a guess is a question or a request rather than a name (it would go to no model, but say so)."""
    seen = normalise(text).text
    return "?" in text or len(seen.split()) > MAX_GUESS_WORDS or any(rule.find(seen) for rule in SECRET_RULES)


def check_guess(
    guess: str, pick: str, recent: Sequence[float], now: float, next_level: int | None = None
) -> GuessResult:
    """Judge a guess against the pick, refusing empty, overlong, questioning and too frequent guesses in plain words.

    `recent` holds the times of the player's earlier taken guesses at this level; the page records a taken guess."""
    if not guess.strip():
        return GuessResult(False, False, "Type the name you think the assistant is hiding.")
    if len(guess) > MAX_GUESS_CHARS:
        return GuessResult(
            False,
            False,
            f"A guess is one name of at most {MAX_GUESS_CHARS} characters; that was {len(guess):,}. "
            "Talk to the assistant in the chat.",
        )
    if asks_instead(guess):
        return GuessResult(
            False, False, "The guess box takes a name, not a question: ask the assistant in the chat, then guess here."
        )
    wait = wait_seconds(recent, now)
    if wait:
        return GuessResult(
            False, False, f"That is {GUESS_LIMIT} guesses in a minute, the most allowed. Try again in {wait} s."
        )
    if guess_key(guess) == guess_key(pick):
        unlocked = f" Level {next_level} is unlocked." if next_level else " That was the last level: well done!"
        return GuessResult(True, True, f"Right: the pick was {pick}.{unlocked}")
    left = GUESS_LIMIT - 1 - sum(1 for t in recent if now - GUESS_WINDOW < t <= now)
    return GuessResult(True, False, f"Not the pick. {left} more guess{'es' if left != 1 else ''} this minute.")
