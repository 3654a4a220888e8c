"""Fitting a request into the model's context window: the oldest turns go first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.errors import ChatError
from chat_core.messages import Message
from chat_core.tokens import REPLY_PRIMER, EstimateCounter


@dataclass(frozen=True)
class Budget:
    """What fits: the messages to send, their token costs, and the history turns left out."""

    messages: list[Message]
    message_tokens: list[int]
    dropped: list[int]
    prompt_tokens: int
    limit: int


def fit_to_budget(
    fixed: Sequence[Message],
    history: Sequence[Message],
    question: Message,
    *,
    context_window: int,
    reply_tokens: int,
    counter: EstimateCounter,
) -> Budget:
    """Keep the system prompt, examples and question; drop the oldest history until the rest fits.

    `dropped` lists indexes into `history`. A user turn and the assistant reply after it go together,
    so the model never sees an answer without its question.
    """
    limit = context_window - reply_tokens
    fixed_cost = [counter.count_message(m) for m in fixed]
    question_cost = counter.count_message(question)
    history_cost = [counter.count_message(m) for m in history]
    must = sum(fixed_cost) + question_cost + REPLY_PRIMER
    if must > limit:
        raise ChatError(
            f"This message needs about {must:,} tokens with the prompt, but the model can take {limit:,} "
            f"(a {context_window:,}-token window less {reply_tokens:,} kept for the reply).",
            "Shorten the message or the system prompt, or lower the max reply tokens in the sidebar.",
            kind="context_too_long",
        )
    start = 0
    total = must + sum(history_cost)
    while total > limit and start < len(history):
        step = 2 if history[start]["role"] == "user" and start + 1 < len(history) else 1
        total -= sum(history_cost[start : start + step])
        start += step
    kept = list(history[start:])
    return Budget(
        messages=[*fixed, *kept, question],
        message_tokens=[*fixed_cost, *history_cost[start:], question_cost],
        dropped=list(range(start)),
        prompt_tokens=total,
        limit=limit,
    )
