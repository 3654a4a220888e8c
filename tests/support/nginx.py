"""deploy/nginx.conf in front of app processes on loopback, for the scaling tests and the room benchmark."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chat_core.providers.local_server import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def nginx_binary() -> str | None:
    """Debian's nginx, when installed (scripts/system-deps.sh installs it)."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def proxy_config(folder: Path, port: int, upstreams: list[str]) -> Path:
    """deploy/nginx.conf pointed at loopback: its listen address, its two app processes, files in `folder`."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = re.findall(r"^\s*server app\d:8501;\n", text, flags=re.MULTILINE)
    if len(servers) != len(upstreams):
        raise ValueError("deploy/nginx.conf names one upstream server per app process")
    for line, upstream in zip(servers, upstreams, strict=True):
        text = text.replace(line, f"        server {upstream};\n", 1)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace(
        "worker_processes auto;", f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;"
    )
    temp = "".join(
        f"    {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", f"http {{\n    access_log off;\n{temp}", 1)
    # Which process answered, so a test can pick a route to each (not in the shipped file: it names internals).
    text = text.replace("location / {\n", "location / {\n            add_header X-Upstream $upstream_addr always;\n", 1)
    path = folder / "nginx.conf"
    path.write_text(text)
    return path


@contextmanager
def running_proxy(binary: str, folder: Path, upstreams: list[str]) -> Iterator[str]:
    """nginx in front of these loopback upstreams ("127.0.0.1:port"), its files in `folder`; its URL, once it answers.
    Stopped after."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = proxy_config(folder, port, upstreams)
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None:
                    raise RuntimeError((folder / "error.log").read_text()) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not answer within {START_SECONDS} s") from None
                time.sleep(0.1)
        yield url
    finally:
        stop_process(process, grace=10)
