"""What a check on a turn decides, and the shapes of the checks the turn runner calls.

An input check sees the user's message before the model does; an output check sees the reply
as it grows and when it ends. Each returns a `Verdict` that says, in plain words, why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

from chat_core.messages import Message

LAYERS = ("system", "input", "output", "judge")
"""Where a turn can be stopped: the model refusing by itself, or one of the app's checks."""
LAYER_NAMES = {"system": "System prompt", "input": "Input check", "output": "Output check", "judge": "Judge"}


@dataclass(frozen=True)
class Verdict:
    """One check's decision on one turn, with its reasons."""

    layer: str
    check: str
    blocked: bool
    reason: str
    """Plain words for an audience: which rule, or the classifier's score against its threshold."""
    score: float | None = None
    threshold: float | None = None
    decoded: str | None = None
    """The text after an obfuscation was undone, when that is what the check saw."""
    neighbours: tuple[str, ...] = ()
    """The closest labelled examples, when the check is a classifier."""
    redirect: str | None = None
    """A helpful reply to show instead, when the check blocks."""
    millis: float | None = None

    def summary(self) -> str:
        """The verdict in one line of plain words, for an audience."""
        outcome = "blocked" if self.blocked else "passed"
        line = f"{LAYER_NAMES.get(self.layer, self.layer)} {outcome}: {self.reason}"
        if self.score is not None and self.threshold is not None:
            line += f" (score {self.score:.2f} against threshold {self.threshold:.2f})"
        return line

    def as_dict(self) -> dict:
        """The verdict as plain data, for storage and the inspector."""
        data = asdict(self)
        data["neighbours"] = list(self.neighbours)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Verdict:
        """A verdict read back from storage."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["neighbours"] = tuple(known.get("neighbours") or ())
        return cls(**known)


@dataclass(frozen=True)
class CheckInput:
    """What a check sees: the new message, the turns before it, and the system prompt in force."""

    user_text: str
    history: Sequence[Message] = field(default_factory=tuple)
    system: str | None = None


class InputCheck(Protocol):
    """Decides on the user's message before the model sees it."""

    name: str

    def __call__(self, turn: CheckInput) -> Verdict: ...


class OutputCheck(Protocol):
    """Decides on a reply, partial while it streams (`final` False) and whole at the end."""

    name: str

    def __call__(self, turn: CheckInput, reply: str, *, final: bool) -> Verdict: ...


@dataclass(frozen=True)
class Guard:
    """The checks a turn runs, in order, at the runner's named places."""

    input: Sequence[InputCheck] = ()
    output: Sequence[OutputCheck] = ()
    layers: tuple[str, ...] = ()
    """The guardrail layers this guard stands for, recorded with each reply so its verdicts are drawn as they ran."""

    def __bool__(self) -> bool:
        return bool(self.input or self.output)


NO_GUARD = Guard()
