"""A throwaway PostgreSQL server on loopback, started from Debian's binaries for the tests."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from chat_core.providers.local_server import free_port


def postgres_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL server binaries, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def require_postgres_bin() -> Path:
    """The PostgreSQL server binaries; without them a test is skipped locally and fails in CI."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; .ci/run must install Debian's postgresql package")
        pytest.skip("no PostgreSQL server binaries here (apt-get install postgresql)")
    return bin_dir


class PostgresServer:
    """initdb into a temporary folder, then pg_ctl start on a free port; stop removes everything."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="chat-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; returns once it accepts connections."""
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-m", "immediate",
            "-l", str(self.root / "log"), action,
        )  # fmt: skip

    def halt(self) -> None:
        """Stop the server as a crash would (immediate mode), keeping its data for `resume`."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start the server again on its data and port; returns once it accepts connections."""
        self._pg_ctl("start")

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for one database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
