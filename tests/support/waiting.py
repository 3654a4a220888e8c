"""Waiting for something a test cannot be told of (a request reaching a server, a row being written): polled, with a
bound, failing with what was awaited."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str, seconds: float = 30.0) -> T:
    """Poll `condition` until it returns something true, and return it; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:g} s for {what}")
        time.sleep(0.01)
