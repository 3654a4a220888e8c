"""The context window as chart data: what a request spends its tokens on, and the turns the budget left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chat_core.messages import Message
from chat_core.tokens import EstimateCounter

SYSTEM = "System message"
EXAMPLES = "Examples"
EARLIER = "Earlier turns"
NEW = "New message"
REPLY = "Reply budget"
FREE = "Free"
LEFT_OUT = "Left out"
PARTS = (SYSTEM, EXAMPLES, EARLIER, NEW, REPLY, FREE)
"""The parts of a context window, in the order they fill it (and a chart stacks them)."""
SENT_BAR = "Sent"
LEFT_OUT_BAR = "Left out"
PREVIEW_CHARS = 60


def split_messages(messages: Sequence[Message], example_messages: int) -> dict[str, range]:
    """Which positions of a request's messages are the system message, examples, earlier turns and new message.

    A request ends with the new message, as `plan_turn` builds it.
    """
    system = 1 if messages and messages[0]["role"] == "system" else 0
    examples_end = system + example_messages
    last = len(messages) - 1
    return {
        SYSTEM: range(0, system),
        EXAMPLES: range(system, examples_end),
        EARLIER: range(examples_end, last),
        NEW: range(last, len(messages)),
    }


def reply_budget(body: Mapping[str, object]) -> int:
    """The reply tokens a request body keeps free, whichever name the server wants for it."""
    value = body.get("max_tokens", body.get("max_completion_tokens", 0))
    return int(value) if isinstance(value, int | float) else 0


@dataclass(frozen=True)
class LeftOutTurn:
    """A turn of the conversation the budget did not send, and what it would have cost."""

    position: int
    """Its index in the conversation's history (0 is the first message)."""
    role: str
    tokens: int
    preview: str

    @property
    def label(self) -> str:
        """A short name for the chart: which turn, who said it."""
        return f"Turn {self.position + 1} ({self.role})"


@dataclass(frozen=True)
class ContextPicture:
    """A request's tokens by part against the context window, and the turns left out of it."""

    context_window: int
    parts: tuple[tuple[str, int], ...]
    left_out: tuple[LeftOutTurn, ...]

    def tokens(self, part: str) -> int:
        """Tokens one part takes."""
        return dict(self.parts)[part]

    @property
    def prompt_tokens(self) -> int:
        """Tokens the sent messages take (the reply budget and free room aside)."""
        return sum(tokens for part, tokens in self.parts if part not in (REPLY, FREE))

    def rows(self) -> list[dict]:
        """Rows for a stacked bar chart: the sent request by part, then each left-out turn beside it."""
        sent = [
            {"bar": SENT_BAR, "part": part, "order": order, "tokens": tokens, "turn": ""}
            for order, (part, tokens) in enumerate(self.parts)
        ]
        dropped = [
            {"bar": LEFT_OUT_BAR, "part": LEFT_OUT, "order": len(PARTS), "tokens": turn.tokens, "turn": turn.label}
            for turn in self.left_out
        ]
        return sent + dropped

    def caption(self) -> str:
        """One sentence under the chart: how full the window is and what was left out."""
        text = (
            f"{self.prompt_tokens:,} of {self.context_window:,} tokens are the request; "
            f"{self.tokens(REPLY):,} are kept for the reply."
        )
        if self.left_out:
            cost = sum(turn.tokens for turn in self.left_out)
            count = len(self.left_out)
            text += (
                f" The {count} oldest message{'s' if count != 1 else ''} ({cost:,} tokens) did not fit and were "
                "left out: the model no longer sees them. Once the history overflows, the app drops enough of it "
                "to fill half the room, so the next turns start the same way and the server reuses what it read."
            )
        return text


def context_picture(
    view: Mapping[str, object],
    history: Sequence[Message],
    counter: EstimateCounter,
    example_messages: int | None = None,
) -> ContextPicture:
    """Chart data from a TurnPlan's inspector view and the conversation's history before the new message.

    The reply's opening tokens (the chat template's primer) count with the new message, so the parts add up
    to exactly the context window.
    """
    body = view["body"]
    messages = body["messages"]
    costs = list(view["message_tokens"])
    if example_messages is None:
        example_messages = int(view.get("example_messages", 0))
    sections = split_messages(messages, example_messages)
    spent = {part: sum(costs[i] for i in positions) for part, positions in sections.items()}
    spent[NEW] += int(view["prompt_tokens"]) - sum(costs)
    reply = reply_budget(body)
    window = int(view["token_limit"]) + reply
    parts = [*spent.items(), (REPLY, reply), (FREE, max(0, window - reply - int(view["prompt_tokens"])))]
    left_out = tuple(
        LeftOutTurn(
            index,
            history[index]["role"],
            counter.count_message(history[index]),
            _preview(history[index]["content"]),
        )
        for index in view["dropped"]
    )
    return ContextPicture(window, tuple(parts), left_out)


def _preview(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"
