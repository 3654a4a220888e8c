"""A reply as it streams, written aside now and then, so a reply cut off by a crash is still found and marked.

While a reply streams, its text so far is kept in the database as a checkpoint, with who writes it (host, process id
and the process's start time) and when. The finished reply replaces the checkpoint. A checkpoint still there when the
conversation is opened again belongs to a reply that never finished: once its writer is gone (same host, process
ended), has not written for `STALE_AFTER` seconds (another host), or left it (its page went away mid-reply: a reload,
a closed tab), it is shown as an interrupted reply.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHECKPOINT_EVERY = 1.0
"""Seconds between two writes of a streaming reply's checkpoint."""
STALE_AFTER = 30.0
"""A checkpoint its writer has not touched for this long is taken as abandoned, wherever the writer runs."""
LEFT = "left"
"""The writer of a checkpoint whose page stopped drawing the reply before it ended, and never came back to record it:
nobody will finish that reply."""


@dataclass(frozen=True)
class Checkpoint:
    """A streaming reply's text so far, where it will stand in the conversation, and who writes it when."""

    position: int
    content: str
    writer: str
    updated_at: float


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None when it is gone or unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@cache
def writer_id() -> str:
    """This process, as a checkpoint names its writer: host, process id and start time (a reused id differs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid()) or ''}"


def writer_alive(writer: str) -> bool | None:
    """Whether the process that wrote a checkpoint still runs; None when it ran on another host (cannot tell)."""
    parts = writer.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid, started = parts
    if host != socket.gethostname():
        return None
    if not Path("/proc").is_dir():
        return _signal_alive(int(pid))
    now = _started(int(pid))
    return now is not None and (not started or now == started)


def _signal_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(checkpoint: Checkpoint, now: float | None = None) -> bool:
    """Whether a checkpoint's reply will never finish: its writer left it or ended, or has written nothing for
    `STALE_AFTER`."""
    if checkpoint.writer == LEFT:
        return True
    now = time.time() if now is None else now
    if now - checkpoint.updated_at > STALE_AFTER:
        return True
    return writer_alive(checkpoint.writer) is False
