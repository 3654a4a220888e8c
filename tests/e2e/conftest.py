"""Real-browser tests: Chromium drives `streamlit run app.py` started on a free loopback port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from chat_core.providers.local_server import free_port, stop_process
from tests.support.scripted_server import ScriptedServer

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APP_ENV = {"CHAT_TEMPERATURE": "0", "CHAT_SEED": "42", "CHAT_MAX_TOKENS": "32"}
STARTUP_SECONDS = 60
UI_TIMEOUT = 30_000
REPLY_TIMEOUT = 120_000
SETTLED = 5_000
SAID = '[data-testid="stText"], [data-testid="stMarkdown"]'
"""A message's text element: the user's as typed (st.text), a reply as Markdown; drawn first in the message."""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
NOT_IN_EXPANDER = ':not([data-testid="stExpander"] *)'
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, with Debian's Chromium when it is installed."""
    if not DEBIAN_CHROMIUM.exists():
        return browser_type_launch_args
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": str(DEBIAN_CHROMIUM), "args": args}


@pytest.fixture(scope="session")
def browser(launch_browser):
    """The browser for the session; without one the tests fail in CI and are skipped elsewhere."""
    try:
        launched = launch_browser()
    except PlaywrightError as error:
        reason = f"No browser could be launched: {error.message.strip().splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    yield launched
    launched.close()


def app_environment(folder: Path, **overrides: str) -> dict[str, str]:
    """The app's environment: no outside OpenAI or CHAT settings, no .env file, its own database, repeatable replies."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "CHAT_"))}
    own = {"CHAT_ENV_FILE": str(folder / "absent.env"), "CHAT_DATABASE_URL": f"sqlite:///{folder / 'chats.sqlite3'}"}
    return {**env, **own, **APP_ENV, **overrides}


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log: Path) -> None:
    """Poll the health endpoint until it answers "ok"; fail when the app exits or the deadline passes."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, OSError):
            pass
        try:
            code = process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with code {code} before answering:\n{log.read_text(errors='replace')}")
    pytest.fail(f"streamlit did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


@contextmanager
def running_app(folder: Path, **overrides: str) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port; yield its base URL, then stop it."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = folder / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    env = app_environment(folder, **overrides)
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, base_url, log)
        yield base_url
    finally:
        stop_process(process, grace=30)


@pytest.fixture(scope="session")
def local_app(tmp_path_factory) -> Iterator[str]:
    """The app answered by the embedded model, shared by the session."""
    with running_app(tmp_path_factory.mktemp("local-app")) as base_url:
        yield base_url


@pytest.fixture
def fresh_app(tmp_path) -> Iterator[str]:
    """An app process of its own, started for one test, answered by the embedded model."""
    with running_app(tmp_path / "fresh-app") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def scripted_model() -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible server shared by a module's tests."""
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scripted_app(scripted_model, tmp_path_factory) -> Iterator[str]:
    """The app pointed at the scripted server, without retries."""
    overrides = {
        "OPENAI_BASE_URL": scripted_model.base_url,
        "CHAT_MODEL": "scripted-model",
        "CHAT_MAX_RETRIES": "0",
        "CHAT_RETRY_BACKOFF": "0",
    }
    with running_app(tmp_path_factory.mktemp("scripted-app"), **overrides) as base_url:
        yield base_url


@pytest.fixture
def scripted(scripted_model) -> ScriptedServer:
    """The scripted server with an empty script and history for this test."""
    scripted_model.steps.clear()
    scripted_model.history.clear()
    return scripted_model


def wait_until_idle(page: Page) -> None:
    """Wait for the script run to finish; call it only after something that run adds has appeared."""
    page.wait_for_selector(IDLE, timeout=REPLY_TIMEOUT)


def open_chat(page: Page, url: str) -> None:
    """Open a chat page and wait until its run has finished."""
    page.goto(url)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def send(page: Page, text: str) -> None:
    """Type a message into the chat input and press Enter."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def conversation(page: Page) -> Locator:
    """The chat messages of the conversation, leaving out examples shown inside expanders."""
    return page.locator(f'[data-testid="stChatMessage"]{NOT_IN_EXPANDER}')


def expect_role(message: Locator, role: str) -> None:
    """Check who a chat message is from, by its avatar."""
    avatar = "stChatMessageAvatarUser" if role == "user" else "stChatMessageAvatarAssistant"
    expect(message.get_by_test_id(avatar)).to_have_count(1, timeout=UI_TIMEOUT)


def said(message: Locator) -> Locator:
    """A chat message's own text (as typed, or the reply), without its caption or the row of buttons under it."""
    return message.get_by_test_id("stChatMessageContent").locator(SAID).first


def expect_text(message: Locator) -> None:
    """Check that a chat message shows some non-blank text."""
    expect(message.get_by_test_id("stChatMessageContent")).to_have_text(re.compile(r"\S"), timeout=REPLY_TIMEOUT)


def choose_option(scope: Locator, label: str, option: str) -> None:
    """Pick an option of a selectbox, opening its list with the keyboard once scrolling has settled."""
    combobox = scope.get_by_role("combobox", name=label)
    combobox.scroll_into_view_if_needed(timeout=UI_TIMEOUT)
    combobox.focus(timeout=UI_TIMEOUT)
    combobox.page.evaluate(TWO_FRAMES)
    combobox.press("ArrowDown")
    combobox.page.get_by_role("option", name=option, exact=True).click(timeout=UI_TIMEOUT)


class _Trap(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.server.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def trap() -> Iterator[ThreadingHTTPServer]:
    """A loopback server that records every request it gets: `trap.requests`, `trap.url`."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Trap)
    server.requests, server.url = [], f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
