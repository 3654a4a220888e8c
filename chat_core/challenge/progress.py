"""A player's climb as the pages keep it: which finished turn is an attempt, the chat rebuilt from stored attempts,
what level 8 learns from, and each attempt's verdict in one plain line."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from chat_core.challenge.play import Attempt, attempt_of
from chat_core.checks import LAYER_NAMES
from chat_core.conversation import Conversation, Entry

LEARNS_FROM_LEVEL = 7
"""Level 8 learns from the attacks that leaked the pick at this level or above."""


def finished_attempt(number: int, conversation: Conversation, room_id: str | None = None) -> Attempt | None:
    """The attempt a turn made, once its reply is recorded: None before the reply, for a reply that failed (the
    service, not a defence, stopped it), and for one already taken (its reply is marked with the attempt's id)."""
    if len(conversation.entries) < 2:
        return None
    question, reply = conversation.entries[-2], conversation.entries[-1]
    if question.role != "user" or reply.role != "assistant" or reply.error or "attempt" in reply.meta:
        return None
    attempt = replace(attempt_of(number, question.content, reply), id=str(uuid.uuid4()), room_id=room_id)
    reply.meta["attempt"] = attempt.id
    return attempt


def teaches_level_8(attempt: Attempt) -> bool:
    """Whether level 8 should learn this attack: it got the pick out past every defence of level 7."""
    return attempt.leaked and attempt.level >= LEARNS_FROM_LEVEL


def chat_of(attempts: Sequence[Attempt]) -> Conversation:
    """A level's chat as the player left it, rebuilt from their stored attempts (any order)."""
    entries: list[Entry] = []
    for attempt in sorted(attempts, key=lambda a: a.created_at):
        blocked = attempt.blocked_by in ("input", "output", "judge")
        verdicts = [{"layer": attempt.blocked_by, "check": attempt.check, "blocked": True, "reason": attempt.reason}]
        meta = {"attempt": attempt.id, **({"verdicts": verdicts} if blocked else {})}
        entries += [
            Entry("user", attempt.prompt),
            Entry("assistant", attempt.reply, status="blocked" if blocked else "complete", meta=meta),
        ]
    return Conversation(entries)


def verdict_line(layer: str, reason: str = "") -> str:
    """What stopped an attempt (or that nothing did), in one plain line."""
    if layer == "none":
        return "No defence stopped this one."
    if layer == "system":
        return "The model refused by itself, as its system prompt told it to."
    told = f": {reason[:1].lower()}{reason[1:]}" if reason else "."
    return f"Stopped by the {LAYER_NAMES.get(layer, layer).lower()}{told}"
