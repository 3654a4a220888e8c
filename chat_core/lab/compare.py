"""Two configurations, one question: both requests, and what differs between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chat_core.lab.context import EARLIER, EXAMPLES, NEW, SYSTEM, split_messages
from chat_core.lab.examples import ExampleSet
from chat_core.messages import Example, Message
from chat_core.providers.client import ChatProvider
from chat_core.settings import Settings
from chat_core.turn import TurnPlan, plan_turn

_MESSAGE_PARTS = (SYSTEM, EXAMPLES, EARLIER, NEW)


@dataclass(frozen=True)
class Configuration:
    """One column of a comparison: the prompt, and the knobs that override the page's settings (None: keep)."""

    label: str
    system: str | None = None
    examples: tuple[Example, ...] = field(default_factory=tuple)
    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    example_set: str | None = None
    """The name of the example set the examples came from, for feedback."""

    @classmethod
    def from_example_set(cls, label: str, example_set: ExampleSet, **knobs: object) -> Configuration:
        """A column that sends an example set's system message and examples."""
        return cls(label, example_set.system, tuple(example_set.examples), example_set=example_set.name, **knobs)

    def without_examples(self, label: str) -> Configuration:
        """The same column, zero-shot: the system message and knobs kept, the examples dropped."""
        return Configuration(label, self.system, (), self.model, self.temperature, self.max_tokens, None)

    def settings_for(self, base: Settings) -> Settings:
        """The page's settings with this column's knobs applied."""
        knobs = {"model": self.model, "temperature": self.temperature, "max_tokens": self.max_tokens}
        return base.with_overrides(**{name: value for name, value in knobs.items() if value is not None})


@dataclass(frozen=True)
class Difference:
    """One way two requests differ: a parameter, or a part of the messages."""

    part: str
    left: object
    right: object

    def describe(self) -> str:
        """The difference in a few words."""
        if self.part == EXAMPLES:
            return f"{EXAMPLES}: {_pairs(self.left)} vs {_pairs(self.right)}" + (
                ", different text" if len(self.left) == len(self.right) else ""
            )
        if self.part in _MESSAGE_PARTS:
            left, right = _text(self.left), _text(self.right)
            return f"{self.part}: {left} vs {right}" if "none" in (left, right) else f"{self.part}: different text"
        return f"{self.part}: {self.left!r} vs {self.right!r}"


@dataclass(frozen=True)
class Comparison:
    """The two planned requests of a side-by-side view, and how they differ."""

    left: TurnPlan
    right: TurnPlan
    differences: tuple[Difference, ...]

    def summary(self) -> str:
        """One sentence for the page: what the two columns change."""
        if not self.differences:
            return "The two requests are identical."
        if len(self.differences) == 1:
            return f"The requests differ only in one place. {self.differences[0].describe()}."
        return "The requests differ in: " + "; ".join(d.describe() for d in self.differences) + "."


def diff_requests(
    left_body: Mapping[str, object], right_body: Mapping[str, object], left_examples: int, right_examples: int
) -> tuple[Difference, ...]:
    """What differs between two request bodies: each parameter, then system, examples, earlier turns, new message.

    `left_examples` and `right_examples` are how many messages of each body are examples.
    """
    differences = []
    for name in sorted((set(left_body) | set(right_body)) - {"messages"}):
        if left_body.get(name) != right_body.get(name):
            differences.append(Difference(name, left_body.get(name), right_body.get(name)))
    left_messages, right_messages = left_body["messages"], right_body["messages"]
    left_parts = split_messages(left_messages, left_examples)
    right_parts = split_messages(right_messages, right_examples)
    for part in _MESSAGE_PARTS:
        left = [left_messages[i] for i in left_parts[part]]
        right = [right_messages[i] for i in right_parts[part]]
        if left != right:
            differences.append(Difference(part, left, right))
    return tuple(differences)


def plan_comparison(
    settings: Settings,
    provider: ChatProvider,
    left: Configuration,
    right: Configuration,
    user_text: str,
    history: Sequence[Message] = (),
) -> Comparison:
    """Both requests for one question (with the same earlier turns), built by the turn runner's planner."""
    plans = [
        plan_turn(
            config.settings_for(settings),
            provider,
            system=config.system,
            examples=config.examples,
            history=history,
            user_text=user_text,
        )
        for config in (left, right)
    ]
    differences = diff_requests(
        plans[0].request.body(), plans[1].request.body(), 2 * len(left.examples), 2 * len(right.examples)
    )
    return Comparison(plans[0], plans[1], differences)


def _pairs(messages: Sequence[Message]) -> str:
    count = len(messages) // 2
    return "none" if not count else f"{count} pair{'s' if count != 1 else ''}"


def _text(messages: Sequence[Message]) -> str:
    return "none" if not messages else "set"
