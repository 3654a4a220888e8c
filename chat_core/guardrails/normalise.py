"""Undo the tricks that hide a message from a check: Unicode look-alikes, invisible characters, encodings."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass

ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
)
"""Characters that draw nothing, used to split a word so a check no longer sees it."""

TAG_BLOCK = range(0xE0000, 0xE0080)
"""Unicode tag characters: invisible copies of ASCII that some models still read."""

CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ɡ": "g", "һ": "h",
        "ԛ": "q", "ԝ": "w", "ʏ": "y", "ь": "b",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
        "χ": "x", "γ": "y", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
_CONFUSABLE_CHARS = frozenset(chr(c) for c in CONFUSABLES)

LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "|": "l"}
)

COMMON_WORDS = frozenset(
    [
        "a",
        "about",
        "all",
        "an",
        "and",
        "answer",
        "any",
        "are",
        "as",
        "at",
        "be",
        "best",
        "buy",
        "by",
        "can",
        "coin",
        "crypto",
        "do",
        "does",
        "for",
        "from",
        "give",
        "go",
        "how",
        "i",
        "if",
        "in",
        "invest",
        "investment",
        "is",
        "it",
        "me",
        "money",
        "my",
        "next",
        "not",
        "now",
        "of",
        "on",
        "or",
        "please",
        "price",
        "rules",
        "sell",
        "shares",
        "should",
        "so",
        "stock",
        "stocks",
        "system",
        "tell",
        "that",
        "the",
        "this",
        "to",
        "today",
        "tomorrow",
        "up",
        "us",
        "was",
        "week",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
"""Words so common in questions that their share tells readable English from scrambled text."""

_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[\s:]?){8,}(?![0-9A-Fa-f])")
_BINARY = re.compile(r"(?:[01]{8}\s?){4,}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){3,}")
_SPACED = re.compile(r"(?<![^\s])(?:[^\W_](?:[ .\-_*·]{1,3}|$)){4,}", re.UNICODE)
_LEET_WORD = re.compile(r"[A-Za-z0-9@$|]*[A-Za-z][A-Za-z0-9@$|]*")


@dataclass(frozen=True)
class Normalised:
    """The text a check should read, and the tricks that were undone to get it."""

    text: str
    undone: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether an obfuscation was found and undone."""
        return bool(self.undone)


def normalise(text: str) -> Normalised:
    """The text with Unicode tricks, invisible characters, look-alikes, leetspeak, spacing and encodings undone."""
    undone: list[str] = []

    def step(new: str, what: str) -> None:
        nonlocal text
        if new != text:
            undone.append(what)
            text = new

    step(_reveal_tags(text), "hidden tag characters revealed")
    step(text.translate(ZERO_WIDTH), "invisible zero-width characters removed")
    step(unicodedata.normalize("NFKC", text), "Unicode look-alike forms folded (NFKC)")
    step(_fold_homoglyphs(text), "Cyrillic/Greek look-alike letters replaced with Latin")
    step(_decode_payloads(text), "encoded text decoded")
    step(_join_spaced(text), "spaced-out letters joined")
    step(_unleet(text), "leetspeak (digits for letters) read as letters")
    rot13 = codecs.encode(text, "rot13")
    if english_share(rot13) >= 0.3 and english_share(rot13) > english_share(text) + 0.2:
        step(rot13, "ROT13 decoded")
    step(" ".join(text.split()), "")
    return Normalised(text, tuple(u for u in undone if u))


def _reveal_tags(text: str) -> str:
    return "".join(
        (chr(ord(c) - 0xE0000) if 0xE0020 <= ord(c) <= 0xE007E else "") if ord(c) in TAG_BLOCK else c for c in text
    )


def _fold_homoglyphs(text: str) -> str:
    words = text.split(" ")
    latin_words = sum(1 for w in words if re.search(r"[A-Za-z]", w))
    mostly_latin = latin_words >= len(words) / 2

    def fold(word: str) -> str:
        letters = [c for c in word if c.isalpha()]
        if not letters or not any(c in _CONFUSABLE_CHARS for c in letters):
            return word
        mixed = any("a" <= c.lower() <= "z" for c in letters)
        all_confusable = all(c in _CONFUSABLE_CHARS or "a" <= c.lower() <= "z" for c in letters)
        # A whole word of look-alikes is folded only inside Latin text, so real Russian or Greek stays as it is.
        return word.translate(CONFUSABLES) if mixed or (all_confusable and mostly_latin) else word

    return " ".join(fold(w) for w in words)


def _decode_payloads(text: str) -> str:
    text = _BASE64.sub(lambda m: _readable(_try_base64(m.group())) or m.group(), text)
    text = _HEX.sub(lambda m: _readable(_try_hex(m.group())) or m.group(), text)
    text = _BINARY.sub(lambda m: _readable(_try_binary(m.group())) or m.group(), text)
    return _PERCENT.sub(lambda m: _readable(urllib.parse.unquote(m.group())) or m.group(), text)


def _try_base64(chunk: str) -> str | None:
    try:
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _try_hex(chunk: str) -> str | None:
    try:
        return bytes.fromhex(re.sub(r"[\s:]", "", chunk)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _try_binary(chunk: str) -> str | None:
    bits = re.sub(r"\s", "", chunk)
    try:
        return bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits) - 7, 8)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _readable(decoded: str | None) -> str | None:
    """Decoded bytes count only when they read as text: mostly letters and spaces, nothing unprintable."""
    if not decoded or any(not c.isprintable() for c in decoded):
        return None
    letters = sum(c.isalpha() or c.isspace() for c in decoded)
    return f" {decoded.strip()} " if letters / len(decoded) >= 0.75 and " " in decoded.strip() else None


def english_share(text: str) -> float:
    """The share of a text's words that are among the most common English question words."""
    words = re.findall(r"[^\W\d_]+", text.lower())  # whole words of any script: "działa" is not "dzia" + "a"
    return sum(w in COMMON_WORDS for w in words) / len(words) if words else 0.0


def _join_spaced(text: str) -> str:
    def join(match: re.Match) -> str:
        run = match.group()
        inner = re.findall(r"[^\W_]([ .\-_*·]+)(?=[^\W_])", run)
        if inner and max(set(inner), key=inner.count).strip():
            words = run.split()  # letters joined by dots or dashes: a space is a word break
        else:
            # Two or more spaces between letters mark a word break; one space sits inside a word.
            words = re.split(r"\s{2,}|\s*/\s*", run.strip())
        joined = [re.sub(r"[ .\-_*·]", "", w) for w in words]
        if len(joined) == 1 and len(joined[0]) > 3:
            joined = segment(joined[0])
        return " ".join(joined) + (" " if run.endswith(" ") else "")

    return _SPACED.sub(join, text)


def segment(blob: str) -> list[str]:
    """Split run-together words ("buystocknow") into the most likely words, using the common-word list."""
    lower = blob.lower()
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * len(lower)
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 12), end):
            piece = lower[start:end]
            cost = best[start][0] + (1.0 if piece in _SEGMENT_WORDS else 2.0 + 3.0 * len(piece))
            if cost < best[end][0]:
                best[end] = (cost, start)
    words, end = [], len(lower)
    while end > 0:
        start = best[end][1]
        words.append(blob[start:end])
        end = start
    known = sum(len(w) for w in words if w.lower() in _SEGMENT_WORDS)
    # A split that leaves most letters in unknown pieces is a guess; keep the word whole instead.
    return words[::-1] if known >= 0.7 * len(blob) else [blob]


def _unleet(text: str) -> str:
    words = _LEET_WORD.findall(text)
    mixed = [w for w in words if _is_leet(w, min_letters=2)]
    # In a message written in leetspeak even short all-digit words ("15" for "is") are letters.
    everywhere = len(mixed) >= 2 and len(mixed) >= 0.3 * len(words)

    def fix(match: re.Match) -> str:
        word = match.group()
        return word.translate(LEET) if _is_leet(word, min_letters=0 if everywhere else 2) else word

    return re.sub(r"[A-Za-z0-9@$|]+", fix, text)


def _is_leet(word: str, *, min_letters: int) -> bool:
    """A word mixing letters with look-alike digits; "$5,000" and "2025" stay numbers outside leetspeak text."""
    letters = sum(c.isalpha() for c in word)
    swaps = sum(c in "0134578@$|" for c in word)
    return bool(swaps) and letters + swaps == len(word) and letters >= min_letters and (letters or len(word) <= 2)


_SEGMENT_WORDS = COMMON_WORDS | frozenset(
    [
        "advice",
        "all-in",
        "allocate",
        "apple",
        "bitcoin",
        "bonds",
        "cash",
        "ethereum",
        "fund",
        "funds",
        "hidden",
        "hot",
        "ignore",
        "instructions",
        "into",
        "market",
        "pick",
        "portfolio",
        "previous",
        "prompt",
        "purchase",
        "recommend",
        "reveal",
        "savings",
        "shares",
        "short",
        "tip",
        "tips",
        "tesla",
        "their",
        "them",
        "then",
        "there",
        "they",
        "think",
        "time",
        "top",
        "want",
        "we",
        "would",
        "rich",
        "fast",
        "quick",
        "gain",
        "gains",
        "sure",
        "day",
        "month",
        "year",
    ]
)
