"""One challenge turn through the app's shared turn runner, and the attempt it makes: what the page and the replay
command line both run."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from chat_core.challenge.leak import leaked
from chat_core.challenge.levels import level, level_setup
from chat_core.conversation import Conversation, Entry
from chat_core.guardrails.layers import LayerSetup
from chat_core.guardrails.scorecard import blocked_by
from chat_core.providers.client import ChatProvider
from chat_core.settings import Settings
from chat_core.turn import Turn, TurnSpec


@dataclass(frozen=True)
class Attempt:
    """One message a player sent at a level, what they read back, who stopped it and whether the pick leaked."""

    level: int
    prompt: str
    reply: str
    blocked_by: str
    """"none", or the layer that stopped the turn: system (the model refused), input, output or judge."""
    leaked: bool
    check: str = ""
    reason: str = ""
    category: str = ""
    created_at: float = 0.0
    id: str = ""
    room_id: str | None = None

    def as_row(self) -> dict:
        """The attempt as plain data (a replay row, a stored attempt)."""
        return asdict(self)


def challenge_turn(
    number: int,
    conversation: Conversation,
    user_text: str,
    settings: Settings,
    connect: Callable[[], ChatProvider],
    *,
    env: Mapping[str, str] | None = None,
    adaptive=None,
    setup: LayerSetup | None = None,
    **turn_options,
) -> Turn:
    """A turn of the challenge at level `number`, run by the shared turn runner with the level's system prompt and
    checks (`turn_options`: the runner's save, checkpoint, leave and queue). Iterate its events or `run()` it; a
    message over the length limit raises ChatError before anything is recorded."""
    setup = setup or level_setup(number, env, adaptive=adaptive)
    spec = TurnSpec(settings, system=setup.system, guard=setup.guard)
    return Turn(spec, conversation, user_text, connect=connect, **turn_options)


def attempt_of(number: int, prompt: str, entry: Entry, category: str = "") -> Attempt:
    """The attempt a finished turn made: the reply as the player read it, judged by the leak detector."""
    layer, check, reason = blocked_by(entry)
    return Attempt(
        number,
        prompt,
        entry.content,
        layer,
        leaked(entry.content, level(number).pick),
        check,
        reason,
        category,
        time.time(),
    )


def play(
    number: int,
    prompt: str,
    settings: Settings,
    connect: Callable[[], ChatProvider],
    *,
    setup: LayerSetup | None = None,
    category: str = "",
) -> tuple[Attempt, Entry]:
    """One prompt against one level as a fresh conversation: the attempt, and the recorded reply (whose
    `meta["withheld"]` holds what an output check kept back)."""
    entry = challenge_turn(number, Conversation(), prompt, settings, connect, setup=setup).run()
    return attempt_of(number, prompt, entry, category), entry
