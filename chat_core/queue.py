"""Replies waiting for a model server that answers one request at a time: how many are ahead of each."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReplyQueue:
    """Tickets in the order replies were asked for; a ticket leaves when its reply has ended, however it ended.

    One queue per model server, shared by every session of the app process (the server queues requests itself;
    this only counts them so a waiting person can be told their place).

    A stopped reply leaves at once, though the embedded server may still be reading its prompt (it cannot be
    interrupted there; it lets the request go at its first token): the queue counts replies someone waits for, so
    the next reply waits for that leftover work without being told of it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self._waiting: dict[int, None] = {}

    def join(self) -> int:
        """Take a ticket for a reply about to be requested."""
        with self._lock:
            ticket = next(self._numbers)
            self._waiting[ticket] = None
            return ticket

    def leave(self, ticket: int) -> None:
        """The reply for this ticket has ended (leaving twice is harmless)."""
        with self._lock:
            self._waiting.pop(ticket, None)

    def ahead(self, ticket: int) -> int:
        """How many replies asked for earlier have not ended yet."""
        with self._lock:
            return sum(1 for other in self._waiting if other < ticket)

    def __len__(self) -> int:
        with self._lock:
            return len(self._waiting)

    @contextmanager
    def place(self) -> Iterator[int]:
        """A ticket held for the duration of a reply."""
        ticket = self.join()
        try:
            yield ticket
        finally:
            self.leave(ticket)


def waiting_note(ahead: int) -> str | None:
    """What a person waiting for the model is told: how many replies are ahead of theirs, or nothing."""
    if ahead <= 0:
        return None
    replies = "reply" if ahead == 1 else "replies"
    return f"Waiting: {ahead} {replies} ahead of yours. The model answers one request at a time."
