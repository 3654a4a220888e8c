"""Helpful replies shown instead of a blocked one: the concept behind the question, and where real advice comes from."""

from __future__ import annotations

import re

from chat_core.guardrails.language import ENGLISH, REFUSALS

ADVISER = (
    "For a decision about your own money, a licensed financial adviser (a fiduciary, paid a fee rather than "
    "commission) can look at your whole situation."
)

OPENING = "I can't tell you what to buy or sell, but I can explain the idea behind your question."

CONCEPTS: tuple[tuple[str, re.Pattern, str], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE), text)
    for name, pattern, text in (
        (
            "price predictions",
            r"\b(?:predict|prediction|target|will\s+\w+\s+(?:go|rise|hit|reach|fall)|where\s+will|how\s+high|moon|double|10x)",
            "Nobody can reliably predict where a price will be next week or next year: prices move on news "
            "that nobody has yet. That is why forecasts and price targets are often wrong, and why long-term "
            "investors focus on what they can control: costs, diversification and time in the market.",
        ),
        (
            "asset allocation",
            r"\b(?:percent|%|allocat|split|portfolio|weights?|rebalanc|how\s+much)",
            "How money is split between shares, bonds and cash is called asset allocation. It depends on when "
            "you need the money and how much of a fall you could live through (your risk tolerance): money "
            "needed soon usually sits in safer assets, money for decades can ride out more ups and downs.",
        ),
        (
            "crypto risk",
            r"\b(?:crypto|bitcoin|btc|ethereum|eth|coin|doge|token|solana|xrp)",
            "Cryptocurrencies are very volatile: falls of more than half in a year have happened several times. "
            "A common rule of thumb is to only put in money you could lose entirely, after an emergency fund "
            "and debts are taken care of.",
        ),
        (
            "instructions",
            r"\b(?:instructions?|prompt|rules?|developer\s+mode|DAN|override|ignore)\b",
            "The assistant's rules are part of how this lab works and do not change mid-conversation. Ask about "
            "any finance idea (interest, inflation, diversification, index funds, budgeting) and it will explain it.",
        ),
        (
            "picking stocks",
            r".",
            "Instead of a pick, here is the idea professionals start from: diversification. Owning many companies "
            "(for example through a broad, low-cost index fund) means no single company's bad news can sink you, "
            "and most professional stock pickers fail to beat such a fund over the long run.",
        ),
    )
)
"""The first concept whose pattern matches the question is explained; the last matches anything."""


def redirect_for(text: str, *, extraction: bool = False, language: str = ENGLISH) -> str:
    """An educational reply for a blocked question, in the asker's language: the concept behind it (in English,
    explained in full), then where personal advice comes from."""
    if language in REFUSALS:
        advice, instructions = REFUSALS[language]
        return instructions if extraction else advice
    if extraction:
        return (
            "I can't share my instructions, but I'm happy to say what I do: I explain finance ideas in plain "
            "language (interest, inflation, diversification, budgeting) without recommending investments."
        )
    for _name, pattern, explanation in CONCEPTS:
        if pattern.search(text):
            return f"{OPENING} {explanation} {ADVISER}"
    raise AssertionError("the last concept matches any text")
