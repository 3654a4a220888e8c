"""Stopping the embedded model's server ends the operating-system process, not only the app's handle on it."""

from __future__ import annotations

import os
from pathlib import Path

from chat_core.providers.local_server import LocalModelServer


def process_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie, as the operating system sees it."""
    status = Path(f"/proc/{pid}/status")
    try:
        state = next(line for line in status.read_text().splitlines() if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError):
        return False
    return " Z " not in state and "zombie" not in state


def test_stop_ends_the_model_servers_process(model_path):
    server = LocalModelServer(model_path, context=512)
    server.ensure_running()
    process = server.process
    assert process_alive(process.pid)
    try:
        server.stop()
        assert not process_alive(process.pid), "the model server's process outlived stop()"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_second_stop_is_harmless_and_the_next_start_is_a_new_process(model_path):
    server = LocalModelServer(model_path, context=512)
    server.ensure_running()
    first = server.process.pid
    server.stop()
    server.stop()
    server.ensure_running()
    try:
        assert server.process.pid != first and process_alive(server.process.pid)
        assert os.getpid() != server.process.pid
    finally:
        second = server.process
        server.stop()
        assert not process_alive(second.pid)
