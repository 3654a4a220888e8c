"""Doing something at most every so often: redrawing a streaming reply, writing its checkpoint."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pace:
    """The first call is due at once, then at most one every `every` seconds; what comes between waits for the next."""

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic):
        self.every, self.clock, self.last = every, clock, None

    def due(self) -> bool:
        """Whether to act now; counts the action when it is."""
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            return False
        self.last = now
        return True
