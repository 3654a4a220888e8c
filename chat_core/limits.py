"""How often one session may ask the model: a sliding window of requests per minute, checked before each call."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from chat_core.errors import ChatError

REQUESTS_PER_MINUTE = 20
"""More than a person types and reads in a minute; a flood (a stuck key, a script) is stopped before the model."""


@dataclass
class RateLimit:
    """The requests one session may send per window; call `admit()` before each model call."""

    per_window: int = REQUESTS_PER_MINUTE
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _admitted: deque[float] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self) -> None:
        """Count one request now, or raise a clear ChatError saying when to send again (a refusal counts nothing)."""
        with self._lock:
            now = self.clock()
            while self._admitted and now - self._admitted[0] >= self.window:
                self._admitted.popleft()
            if len(self._admitted) >= self.per_window:
                wait = math.ceil(self.window - (now - self._admitted[0]))
                raise ChatError(
                    f"That is {self.per_window} messages within {self.window:g} seconds, the most this app takes "
                    "from one visitor.",
                    f"Wait {wait} second{'s' if wait != 1 else ''}, then send again; your message is kept.",
                    kind="session_rate_limited",
                    retryable=True,
                )
            self._admitted.append(now)

    def remaining(self) -> int:
        """Requests this session may still send in the current window."""
        with self._lock:
            now = self.clock()
            return self.per_window - sum(1 for at in self._admitted if now - at < self.window)
