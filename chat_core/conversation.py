"""A conversation as the page shows it: role messages plus how each reply ended."""

from __future__ import annotations

from dataclasses import dataclass, field

from chat_core.errors import ChatError
from chat_core.messages import Message

STATUS_NOTES = {
    "complete": "",
    "length": "Cut at the max reply tokens limit.",
    "incomplete": "Incomplete: the server stopped sending before the reply finished.",
    "stopped": "Stopped before the reply finished.",
    "interrupted": (
        "Interrupted: the page was reloaded or closed, or the app stopped, while this reply was being written; "
        "regenerate to try again."
    ),
    "error": "Failed before the reply finished.",
    "blocked": "Blocked by a guardrail check.",
    "empty": "The model sent an empty reply; regenerate to try again.",
}
"""The caption under a reply, by how it ended."""


@dataclass
class Entry:
    """One message on screen: its role and text, and for replies their status, error and figures."""

    role: str
    content: str
    status: str = "complete"
    error: dict | None = None
    meta: dict = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The caption shown under a reply that did not finish normally."""
        return STATUS_NOTES.get(self.status, "")


@dataclass
class Conversation:
    """The ordered entries of one thread, with the edits a chat page offers.

    `synced` counts the leading entries already in the database; `truncate_to` marks where a
    rewind cut entries that the database still holds. Both let a save that failed be redone later.
    `stored` counts the messages the database held after this tab last wrote or read them: when the database
    holds another number, another tab has written to the conversation since.
    """

    entries: list[Entry] = field(default_factory=list)
    id: str | None = None
    synced: int = 0
    truncate_to: int | None = None
    stored: int = 0

    @property
    def unsaved(self) -> bool:
        """Whether the database is behind what the page shows."""
        return self.truncate_to is not None or self.synced < len(self.entries)

    def mark_saved(self) -> None:
        """Everything shown is now in the database."""
        self.synced = self.stored = len(self.entries)
        self.truncate_to = None

    def forget_saved(self) -> None:
        """Treat the conversation as never saved, so the next save writes all of it under a new id."""
        self.id, self.synced, self.truncate_to, self.stored = None, 0, None, 0

    def _cut(self, index: int) -> None:
        del self.entries[index:]
        if self.synced > index:  # the database holds entries from here on (and synced <= any earlier cut)
            self.truncate_to = index
            self.synced = index

    def history(self, *, blocked: bool = True) -> list[Message]:
        """The turns resent to the model: every reply with text, and every question that got one; without
        `blocked`, leaving out each exchange a guardrail blocked (what the model itself is sent).

        A question whose reply failed or was stopped before any text is not resent: it would stand next to the
        following question as two user turns in a row, which some chat templates refuse and none explain. A blocked
        question never reached the model (or its reply was withdrawn): resent, with the explanation shown instead,
        a small model copies that explanation into the answers to harmless questions after it.
        """
        entries = self.entries if blocked else _without_blocked(self.entries)
        turns = [e for e in entries if e.content.strip()]
        kept = [
            e for i, e in enumerate(turns) if e.role != "user" or (i + 1 < len(turns) and turns[i + 1].role != "user")
        ]
        return [{"role": e.role, "content": e.content} for e in kept]

    def add_user(self, text: str) -> Entry:
        """Record the user's message (before the model is called, so it is never lost)."""
        entry = Entry("user", text)
        self.entries.append(entry)
        return entry

    def add_reply(self, text: str, status: str, meta: dict | None = None) -> Entry:
        """Record a reply as it ended: complete, cut at the limit, incomplete or stopped."""
        entry = Entry("assistant", text, status=status, meta=meta or {})
        self.entries.append(entry)
        return entry

    def add_failure(self, error: ChatError, partial_text: str = "") -> Entry:
        """Record a failed reply, keeping any text that had arrived."""
        entry = Entry(
            "assistant",
            partial_text,
            status="error",
            error={"message": error.message, "hint": error.hint, "kind": error.kind},
        )
        self.entries.append(entry)
        return entry

    def last_user_text(self) -> str | None:
        """The most recent user message, if any."""
        for entry in reversed(self.entries):
            if entry.role == "user":
                return entry.content
        return None

    def rewind_to_last_user(self) -> str | None:
        """Drop the last user message and everything after it; return its text for resending."""
        for index in range(len(self.entries) - 1, -1, -1):
            if self.entries[index].role == "user":
                text = self.entries[index].content
                self._cut(index)
                return text
        return None

    def clear(self) -> None:
        """Forget every entry."""
        self._cut(0)


def _without_blocked(entries: list[Entry]) -> list[Entry]:
    """The entries without each reply a guardrail blocked and the question it answered."""
    kept: list[Entry] = []
    for entry in entries:
        if entry.role == "assistant" and entry.status == "blocked":
            if kept and kept[-1].role == "user":
                kept.pop()
            continue
        kept.append(entry)
    return kept
