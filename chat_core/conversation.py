"""A conversation as the page shows it: role messages plus how each reply ended, on the branch of its tree that is
shown, with every other version kept."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from chat_core import tree
from chat_core.errors import ChatError
from chat_core.messages import Message
from chat_core.tree import tree_error

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


def new_message_id() -> str:
    """An id for a new message, unique within its conversation (and beyond)."""
    return uuid.uuid4().hex


@dataclass(eq=False)
class Entry:
    """One message on screen: its role and text, and for replies their status, error and figures; its place in the
    tree (its id and its parent's) and in the order the conversation's messages were written (`position`)."""

    role: str
    content: str
    status: str = "complete"
    error: dict | None = None
    meta: dict = field(default_factory=dict)
    id: str = field(default_factory=new_message_id)
    parent: str | None = None
    position: int | None = None

    @property
    def note(self) -> str:
        """The caption shown under a reply that did not finish normally."""
        return STATUS_NOTES.get(self.status, "")


@dataclass
class Conversation:
    """One thread: `entries` is the branch shown (the path to the active leaf, what the model is sent), `others` the
    messages of every other branch; nothing a regenerate or an edit replaces is dropped.

    Messages are numbered in the order they were written (`Entry.position`); `synced` counts those the database holds
    and `saved_leaf` is the active leaf it holds, so a save that failed is redone later. `stored` counts the messages
    the database held after this tab last wrote or read them: when it holds another number, another tab has written
    to the conversation since.
    """

    entries: list[Entry] = field(default_factory=list)
    id: str | None = None
    synced: int = 0
    stored: int = 0
    others: list[Entry] = field(default_factory=list)
    saved_leaf: str | None = None
    left: dict[str, str] = field(default_factory=dict, repr=False)
    """{version id: the leaf shown when the page last moved away from that version}: moving back returns there."""
    origin: dict | None = None
    """Where a conversation continued from another's message came from: its `conversation`, `message` and `title`."""
    retry: Entry | None = field(default=None, repr=False)
    """A question rewound for Regenerate: asked again as it was, it is the same question with a new reply."""
    _versions: tuple[int, dict] = field(default=(-1, {}), repr=False)
    _rewound_from: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Entries given as a plain list (an import, a test, the inspector's slice) form one path, written in order.
        for index, entry in enumerate(self.entries):
            if entry.position is None:
                entry.position = index
                entry.parent = self.entries[index - 1].id if index else None

    @property
    def size(self) -> int:
        """How many messages the conversation holds, on every branch."""
        return len(self.entries) + len(self.others)

    @property
    def leaf(self) -> str | None:
        """The id of the last message shown: the active leaf."""
        return self.entries[-1].id if self.entries else None

    @property
    def unsaved(self) -> bool:
        """Whether the database is behind what the page shows."""
        return self.synced < self.size or self.saved_leaf != self.leaf

    def messages(self) -> list[Entry]:
        """Every message on every branch, in the order they were written."""
        return sorted([*self.entries, *self.others], key=lambda entry: entry.position)

    def unsaved_messages(self) -> list[Entry]:
        """The messages written since the last save."""
        return [entry for entry in self.messages() if entry.position >= self.synced]

    def off_path(self) -> int:
        """How many messages are on other branches (not sent to the model)."""
        return len(self.others)

    def branch_note(self) -> str | None:
        """What the inspector says of a conversation with other branches: the model knows only the path it is sent."""
        if not self.others:
            return None
        shown, other = len(self.entries), len(self.others)
        return (
            f"The model is sent the active path only: {shown} message{'s' * (shown != 1)}; "
            f"{other} more exist{'s' * (other == 1)} on other branches."
        )

    def mark_saved(self) -> None:
        """Everything shown is now in the database."""
        self.synced = self.stored = self.size
        self.saved_leaf = self.leaf

    def take_in(self, written: Sequence[Entry]) -> int:
        """Make room for what another tab wrote meanwhile (`written`: every message the database holds): its messages
        join the other branches and this tab's unsaved ones are numbered after them, so the two tabs' turns become
        sibling branches of one conversation, with this tab's still shown. Returns how many messages it took in."""
        known = {entry.id for entry in self.messages()}
        mine = self.unsaved_messages()
        theirs = [entry for entry in written if entry.id not in known]
        self.others.extend(theirs)
        for position, entry in enumerate(mine, start=len(written)):
            entry.position = position
        self.synced = self.stored = len(written)
        return len(theirs)

    def continued_from(self, entry: Entry, title: str) -> tuple[Conversation, str | None]:
        """A new conversation holding copies of the path shown up to a message, recording where it came from. From a
        reply, the path ends with it; from a question, the path ends before it and its text is returned, to ask it
        there again."""
        if entry not in self.entries:
            raise tree_error("That message is not on the branch shown.")
        question = entry.content if entry.role == "user" else None
        upto = self.entries.index(entry) + (question is None)
        copies = [
            Entry(e.role, e.content, status=e.status, error=e.error, meta=dict(e.meta)) for e in self.entries[:upto]
        ]
        return Conversation(copies, origin={"conversation": self.id, "message": entry.id, "title": title}), question

    def forget_saved(self) -> None:
        """Treat the conversation as never saved, so the next save writes all of it under a new id."""
        self.id, self.synced, self.stored, self.saved_leaf = None, 0, 0, None

    def version_of(self, entry: Entry) -> tuple[int, int]:
        """Which version of its message an entry is, and of how many: (2, 3) reads `‹ 2/3 ›`."""
        if not self.others:
            return 1, 1
        size, known = self._versions
        if size != self.size:  # versions change only when messages are added
            known = tree.versions(self.messages())
            self._versions = (self.size, known)
        return known.get(entry.id, (1, 1))

    def switch(self, entry: Entry, step: int) -> None:
        """Show the version `step` away from this message (-1: the previous), with its branch as it was left (the
        newest of it, the first time)."""
        leaf = self.leaf
        self.show_branch(tree.switched(self.messages(), entry.id, step, self.left))
        if leaf is not None:
            self.left[entry.id] = leaf

    def show_branch(self, leaf: str | None) -> None:
        """Make the path to `leaf` the branch shown (None: none); the rest stays on other branches."""
        everything = self.messages()
        path = tree.path_to(everything, leaf)
        on_path = {entry.id for entry in path}
        self.entries, self.others = path, [entry for entry in everything if entry.id not in on_path]
        self.retry, self._rewound_from = None, None

    def _add(self, entry: Entry) -> Entry:
        self._rewound_from = None
        entry.parent, entry.position = self.leaf, self.size
        self.entries.append(entry)
        return entry

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
        """Record the user's message (before the model is called, so it is never lost); the question rewound for
        Regenerate, asked again as it was, is that question again, to get a sibling reply."""
        retry, self.retry = self.retry, None
        if retry is not None and retry.content == text and retry.parent == self.leaf and retry in self.others:
            self.others.remove(retry)
            self.entries.append(retry)
            self._rewound_from = None
            return retry
        return self._add(Entry("user", text))

    def add_reply(self, text: str, status: str, meta: dict | None = None) -> Entry:
        """Record a reply as it ended: complete, cut at the limit, incomplete or stopped."""
        return self._add(Entry("assistant", text, status=status, meta=meta or {}))

    def add_failure(self, error: ChatError, partial_text: str = "") -> Entry:
        """Record a failed reply, keeping any text that had arrived."""
        return self._add(
            Entry(
                "assistant",
                partial_text,
                status="error",
                error={"message": error.message, "hint": error.hint, "kind": error.kind},
            )
        )

    def last_user_text(self) -> str | None:
        """The most recent user message, if any."""
        for entry in reversed(self.entries):
            if entry.role == "user":
                return entry.content
        return None

    def rewind_to_last_user(self) -> str | None:
        """Step back to just before the last question, keeping it and what followed on their branch; return its text
        for resending (as it was: a sibling reply; edited: a sibling question)."""
        for index in range(len(self.entries) - 1, -1, -1):
            if self.entries[index].role == "user":
                question = self.entries[index]
                # Moving back to this question returns to the reply shown before the rewinds (one or several).
                self._rewound_from = self._rewound_from or self.leaf
                self.left[question.id] = self._rewound_from
                self.others.extend(self.entries[index:])
                del self.entries[index:]
                self.retry = question
                return question.content
        return None

    def clear(self) -> None:
        """Show no message; every one stays on its branch."""
        self.show_branch(None)


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
