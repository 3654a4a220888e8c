"""The slow runs (`make soak`): an app process the test owns outright, to kill it or to watch its memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from chat_core.providers.local_server import free_port, stop_process
from chat_core.store import Store, make_engine
from tests.e2e.conftest import (  # noqa: F401 (the browser fixtures, shared with the browser tests)
    ROOT,
    _wait_until_healthy,
    app_environment,
    browser,
    browser_type_launch_args,
)
from tests.support.scripted_server import ScriptedServer


@dataclass
class AppProcess:
    """`streamlit run app.py` as a process this test can kill or measure."""

    process: subprocess.Popen
    base_url: str
    database_url: str

    def rss_kib(self) -> int:
        """The app's resident memory, in KiB, as the operating system counts it."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line")

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def store(self) -> Store:
        """The app's database, opened from outside."""
        store = Store(make_engine(self.database_url))
        store.ensure_ready()
        return store


@contextmanager
def app_process(folder: Path, **overrides: str) -> Iterator[AppProcess]:
    """Start the app on a free port with its own database in `folder`; stop it after unless it was killed."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = app_environment(folder, **overrides)
    log = folder / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, base_url, log)
        yield AppProcess(process, base_url, env["CHAT_DATABASE_URL"])
    finally:
        stop_process(process, grace=30)


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    yield server
    server.stop()


def scripted_overrides(server: ScriptedServer) -> dict[str, str]:
    """The app pointed at a scripted server, without retries."""
    return {
        "OPENAI_BASE_URL": server.base_url,
        "CHAT_MODEL": "scripted-model",
        "CHAT_MAX_RETRIES": "0",
        "CHAT_RETRY_BACKOFF": "0",
    }
