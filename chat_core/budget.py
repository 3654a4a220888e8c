"""Fitting a request into the model's context window: the oldest turns go first, several at a time.

When the history stops fitting, the oldest turns are dropped until it fills only part of the room (`REFILL`), not
just until it fits. The turns after that keep the same beginning, so a server that caches the prompt's prefix (the
embedded llama.cpp server, OpenAI's prompt caching) reuses it instead of reading the whole prompt again every turn.
The cut depends only on the conversation, so the same history always gives the same request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.errors import ChatError
from chat_core.messages import Message
from chat_core.tokens import REPLY_PRIMER, EstimateCounter

REFILL = 0.5
"""After a trim, the kept history and the request's fixed part fill at most this share of the room."""


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
    """Keep the system prompt, examples and question; drop the oldest history, several turns at once, until it fits.

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
    fixed_tokens = sum(fixed_cost) + REPLY_PRIMER
    start = stable_start(history, history_cost, fixed_tokens, question_cost, limit)
    total = must + sum(history_cost[start:])
    kept = list(history[start:])
    return Budget(
        messages=[*fixed, *kept, question],
        message_tokens=[*fixed_cost, *history_cost[start:], question_cost],
        dropped=list(range(start)),
        prompt_tokens=total,
        limit=limit,
    )


def stable_start(
    history: Sequence[Message], cost: Sequence[int], fixed_tokens: int, question_cost: int, limit: int
) -> int:
    """Where the kept history begins: replays every earlier request of this conversation (each user turn was once
    the question), moving the cut only when a request did not fit, and then down to `REFILL` of the limit."""
    start, kept, refill = 0, 0, int(limit * REFILL)
    for index in range(len(history) + 1):
        last = index == len(history)
        if last or history[index]["role"] == "user":
            asked = question_cost if last else cost[index]
            if fixed_tokens + kept + asked > limit:
                while start < index and fixed_tokens + kept + asked > refill:
                    step = 2 if history[start]["role"] == "user" and start + 1 < index else 1
                    kept -= sum(cost[start : start + step])
                    start += step
        if not last:
            kept += cost[index]
    return start
