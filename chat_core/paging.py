"""How much of a long conversation a page draws: the latest messages, and earlier ones on demand.

Drawing is the only thing paged: the request to the model still carries the whole history the context budget keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

from chat_core.display import counted

LATEST = 50
"""Messages drawn when a conversation opens; each "show earlier" adds as many again."""


def first_shown(roles: Sequence[str], shown: int = LATEST) -> int:
    """The index of the first message to draw so that about `shown` of the latest are drawn.

    The window starts on a question, never on a reply whose question is hidden.
    """
    start = max(0, len(roles) - max(shown, 1))
    if 0 < start < len(roles) and roles[start] != "user" and roles[start - 1] == "user":
        start -= 1
    return start


def show_earlier(shown: int) -> int:
    """How many of the latest messages to draw after "show earlier messages"."""
    return max(shown, LATEST) + LATEST


def hidden_note(hidden: int) -> str:
    """The line above the drawn messages saying how many earlier ones are not drawn, and that the model has them."""
    noun = "message" if hidden == 1 else "messages"
    return (
        f"{hidden:,} earlier {noun} not shown here. The model is still sent the conversation, "
        "as far as its context window allows (see the request inspector)."
    )


def latest_exchange(roles: Sequence[str]) -> int:
    """The index where the latest exchange starts: the last question and what followed it (all of it when no
    message is a question)."""
    return next((index for index in range(len(roles) - 1, -1, -1) if roles[index] == "user"), 0)


def earlier_note(questions: int) -> str:
    """The label of the fold that holds the exchanges before the latest one."""
    return f"Earlier in this conversation ({counted(questions, 'question')})"
