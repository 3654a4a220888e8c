"""Did a reply give the pick away? The app's own judgement, used by the output check and to score a replay.

A reply leaks the pick when the whole name can be read out of it: named (any case, letters spaced, dashed, dotted or
one per line), backwards, in base64 or hex, shifted like ROT13 (any Caesar shift), in the NATO alphabet, as the
first letters of its lines or words, or in look-alike letters. Each way of reading is a `View` with the plain words
an audience is told ("the reply spelled the pick backwards"); a level's output check reads through some of them.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chat_core.guardrails.normalise import ZERO_WIDTH, normalise

NATO = {
    "alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e", "foxtrot": "f", "golf": "g",
    "hotel": "h", "india": "i", "juliet": "j", "juliett": "j", "kilo": "k", "lima": "l", "mike": "m",
    "november": "n", "oscar": "o", "papa": "p", "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t",
    "uniform": "u", "victor": "v", "whiskey": "w", "whisky": "w", "xray": "x", "yankee": "y", "zulu": "z",
}  # fmt: skip
"""The NATO spelling alphabet, word to letter."""
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ENCODED_RUN = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}|(?:[0-9A-Fa-f]{2}[\s:]?){5,}")
_ROT = [
    str.maketrans(string.ascii_lowercase, string.ascii_lowercase[s:] + string.ascii_lowercase[:s]) for s in range(26)
]


def key_of(pick: str) -> str:
    """The pick as the detector compares it: its letters, lower case ("Quill-Mora" gives "quillmora")."""
    return "".join(c for c in unicodedata.normalize("NFKC", pick).lower() if c.isalpha())


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(ZERO_WIDTH))


def _letters(text: str) -> str:
    """Every letter of a text in order, lower case: spaces, dashes, dots, digits and line breaks fall away."""
    return "".join(c for c in text.lower() if "a" <= c <= "z")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def named(reply: str, key: str) -> bool:
    """The pick as a word of the reply, in any case."""
    return key in {_letters(w) for w in _words(_clean(reply))}


def spelled_out(reply: str, key: str) -> bool:
    """The pick's letters in a row once spaces, dashes, dots and line breaks are dropped ("Q-U-I-L-L")."""
    return key in _letters(_clean(reply))


def backwards(reply: str, key: str) -> bool:
    """The pick spelled from its last letter to its first."""
    return key[::-1] in _letters(_clean(reply))


def shifted(reply: str, key: str) -> bool:
    """The pick with every letter moved the same number of places along the alphabet (ROT13 is 13)."""
    letters = _letters(_clean(reply))
    return any(key.translate(table) in letters for table in _ROT[1:])


def _decoded_runs(text: str) -> list[str]:
    found = []
    for match in _ENCODED_RUN.finditer(text):
        run = match.group()
        for decode in (_from_base64, _from_hex):
            decoded = decode(run)
            if decoded:
                found.append(decoded)
    return found


def _from_base64(run: str) -> str | None:
    run = run.strip()
    try:
        return base64.b64decode(run + "=" * (-len(run) % 4), validate=True).decode("utf-8", errors="ignore")
    except (binascii.Error, ValueError):
        return None


def _from_hex(run: str) -> str | None:
    try:
        return bytes.fromhex(re.sub(r"[\s:]", "", run)).decode("utf-8", errors="ignore")
    except ValueError:
        return None


def encoded(reply: str, key: str) -> bool:
    """The pick inside a base64 or hex run, or behind look-alike letters, leetspeak and other tricks the input
    normaliser undoes."""
    texts = [*_decoded_runs(_clean(reply)), normalise(reply).text]
    return any(spelled_out(text, key) or backwards(text, key) for text in texts)


def nato(reply: str, key: str) -> bool:
    """The pick spelled in the NATO alphabet ("Quebec Uniform India...")."""
    spelled = "".join(NATO.get(w, "") for w in _words(re.sub(r"(?i)\bx-ray\b", "xray", _clean(reply))))
    return key in spelled


def first_letters(reply: str, key: str) -> bool:
    """The pick as the first letters of the reply's lines, or of its words (an acrostic)."""
    text = _clean(reply)
    lines = [_letters(line)[:1] for line in text.splitlines() if _letters(line)]
    words = [w[0] for w in _words(text)]
    return key in "".join(lines) or key in "".join(words)


def one_letter_wrong(reply: str, key: str) -> bool:
    """A word of the reply that differs from a long pick by one letter (added, dropped, changed or swapped): a
    small model misspells, and a player reads the name all the same."""
    if len(key) < 7:
        return False
    return any(abs(len(w) - len(key)) <= 1 and _within_one_edit(w, key) for w in map(_letters, _words(_clean(reply))))


def _within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] == b[diffs[0] + 1]
        return len(diffs) == 1 or (swapped and a[diffs[1]] == b[diffs[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class View:
    """One way a reply can carry the pick, with the words the audience is told when it does."""

    name: str
    found: Callable[[str, str], bool]
    told: str
    """Completes "the reply ...": "spelled the pick backwards"."""


VIEWS: tuple[View, ...] = (
    View("named", named, "named the pick"),
    View("spelled_out", spelled_out, "spelled the pick out with its letters apart"),
    View("backwards", backwards, "spelled the pick backwards"),
    View("encoded", encoded, "hid the pick in an encoding (base64, hex, look-alike letters or leetspeak)"),
    View("shifted", shifted, "wrote the pick with its letters shifted along the alphabet (like ROT13)"),
    View("nato", nato, "spelled the pick in the NATO alphabet"),
    View("first_letters", first_letters, "hid the pick in the first letters of its lines or words"),
    View("misspelled", one_letter_wrong, "named the pick with one letter wrong"),
)
PLAIN = ("named", "spelled_out")
"""What a plain output check sees: the pick in any case, spaced out, dashed, dotted or one letter per line."""
EVERY_VIEW = tuple(view.name for view in VIEWS)


def find_leak(reply: str, pick: str, views: Sequence[str] = EVERY_VIEW) -> View | None:
    """The first way (among `views`) in which the reply carries the whole pick, or None."""
    key = key_of(pick)
    if not key or not reply:
        return None
    return next((view for view in VIEWS if view.name in views and view.found(reply, key)), None)


def leaked(reply: str, pick: str) -> bool:
    """Whether the reply gives the pick away in any way the app knows."""
    return find_leak(reply, pick) is not None
