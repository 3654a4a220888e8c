"""Names of investments in a sentence: listed companies, tickers, and other proper names (funds, coins, new firms).

Company names come from `pytickersymbols`, a maintained package that ships the members of twenty stock indices
(S&P 500 and 600, NASDAQ 100, Dow Jones, FTSE 100, DAX, CAC 40, Nikkei 225, EURO STOXX 50 and others), offline.
A coin or a fund is rarely in such a list, so any other proper name counts too: a capitalised word that is not an
ordinary English word (not among the sentence encoder's most common word pieces).
"""

from __future__ import annotations

import functools
import re

LEGAL_SUFFIXES = re.compile(
    r"[,\s]+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Company|Co\.?|plc|PLC|AG|SE|SA|S\.A\.|N\.V\.|NV|Ltd\.?|Limited|"
    r"Holdings?|Group|Class\s+[A-C]|ADR|& Co\.?|KGaA|Oyj|AB|ASA|A/S|REIT)\b\.?",
)
NOT_TICKERS = frozenset(
    (
        "AI",
        "API",
        "APR",
        "APY",
        "CD",
        "CEO",
        "CFO",
        "CPI",
        "EPS",
        "ESG",
        "ETF",
        "ETFS",
        "EU",
        "EUR",
        "FAQ",
        "FDIC",
        "GBP",
        "GDP",
        "HSA",
        "I",
        "II",
        "III",
        "IPO",
        "IRA",
        "IRS",
        "NAV",
        "OK",
        "P/E",
        "PE",
        "REIT",
        "ROI",
        "SEC",
        "TV",
        "UK",
        "US",
        "USA",
        "USD",
        "VAT",
    )
)
"""Upper-case abbreviations of finance and everyday writing that are not tickers."""
_TICKER = re.compile(r"\$[A-Z]{1,5}\b|\b[A-Z]{2,5}\b")
_CAPITALISED = re.compile(r"(?<![\w'])(?:[^\W\d_][^\W\d_&'.-]*[^\W\d_]|[a-z]+[A-Z][^\W\d_]+)(?![\w])")
_SUFFIX = re.compile(r"['’](?:s|d|ll|re|ve|m)$")
_LETTERS = re.compile(r"[^\W\d_]+")
RARE_WORD = 10_000
"""Words past this place in the encoder's vocabulary (roughly, by frequency) are rare enough to be names."""
_COMMON_ENDINGS = ("ing", "s", "ly", "tion", "sion", "ment", "ness", "ity", "ism", "ance", "ence")
"""Endings of ordinary English nouns, adverbs and verb forms ("Diversification", "Rebalancing", "Historically")."""


def short_name(name: str) -> str:
    """A company's name without its legal suffixes: "Tesla, Inc." gives "Tesla"."""
    short = name.strip()
    while True:
        stripped = LEGAL_SUFFIXES.sub("", short).strip(" ,.")
        if stripped == short:
            return short
        short = stripped


@functools.cache
def listed_companies() -> frozenset[str]:
    """Listed companies' names, whole and short ("Apple Inc.", "Apple"), and a first word that names only one
    company and is no English word ("Nestlé" of "Nestlé S.A."), from pytickersymbols."""
    from pytickersymbols import PyTickerSymbols

    whole: set[str] = set()
    firsts: dict[str, int] = {}
    for stock in PyTickerSymbols().get_all_stocks():
        short = short_name(stock["name"])
        whole |= {stock["name"].strip(), short}
        first = short.split()[0].strip(",.") if short.split() else ""
        firsts[first] = firsts.get(first, 0) + 1
    known = _vocabulary()
    unique_firsts = {
        word for word, count in firsts.items() if count == 1 and len(word) >= 4 and word.lower() not in known
    }
    return frozenset(name for name in whole | unique_firsts if len(name) >= 2)


@functools.cache
def _company_pattern() -> re.Pattern:
    names = sorted(listed_companies(), key=len, reverse=True)
    return re.compile(r"(?<![\w$])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


@functools.cache
def _vocabulary() -> dict[str, int]:
    from chat_core.guardrails.minilm import shared_model

    return {word: index for word, index in shared_model().tokenizer.get_vocab().items() if word.isalpha()}


def common_word(word: str) -> bool:
    """Whether a word is among the encoder's most common English word pieces ("This", "Return", "Gold")."""
    place = _vocabulary().get(_SUFFIX.sub("", word).lower())
    return place is not None and place < RARE_WORD


def ordinary_word(word: str) -> bool:
    """Whether a capitalised word that opens a sentence is an ordinary English word rather than a name: a common
    one, or a long one with an ordinary ending ("Diversification", "Rebalanced", "Stocks")."""
    plain = _SUFFIX.sub("", word).lower()
    if len(plain) > 5 and plain.endswith(_COMMON_ENDINGS):
        return True
    if len(plain) > 6 and plain.endswith("ed"):
        return True
    return common_word(word)


def names_in(sentence: str) -> list[str]:
    """The names of companies, funds, coins or tickers a sentence mentions, in the order they appear.

    Besides listed companies and tickers: two or more capitalised words in a row ("Canadian National Railway"),
    a capitalised word inside the sentence that is not a common word ("Solana", "Vanguard"), and a sentence's
    first word when it is no ordinary word ("Bitcoin is the coin to buy")."""
    text = sentence.replace("*", "").replace("_", " ")
    found = [m.group() for m in _company_pattern().finditer(text)]
    found += [m.group().lstrip("$") for m in _TICKER.finditer(text) if m.group().lstrip("$") not in NOT_TICKERS]
    words = [m for m in _CAPITALISED.finditer(text) if _capitalised(m.group())]
    first = next((m for m in _LETTERS.finditer(text)), None)
    for index, match in enumerate(words):
        word = match.group()
        if _SUFFIX.sub("", word) == "I" or word.upper() in NOT_TICKERS:
            continue
        in_a_row = any(
            0 <= other < len(words) and _adjacent(words[min(index, other)], words[max(index, other)], text)
            for other in (index - 1, index + 1)
        )
        opens = first is not None and match.start() == first.start()
        if in_a_row or not (ordinary_word(word) if opens else common_word(word)):
            found.append(word)
    return list(dict.fromkeys(found))


def _capitalised(word: str) -> bool:
    return word[0].isupper() or any(c.isupper() for c in word[1:])


def _adjacent(left: re.Match, right: re.Match, text: str) -> bool:
    return text[left.end() : right.start()] == " "
