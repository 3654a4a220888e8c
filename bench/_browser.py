"""What the browser benchmarks share: an app process of their own, Chromium, and a page clock watching the reply."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT

from chat_core.providers.local_server import free_port, stop_process
from tests.e2e.conftest import CHROMIUM_ARGS, DEBIAN_CHROMIUM, IDLE, _wait_until_healthy, app_environment
from tests.support.scripted_server import ScriptedServer, Step

REPLY_TIMEOUT = 180_000


@dataclass
class App:
    """A `streamlit run` process: its address and process id."""

    base_url: str
    pid: int
    started: float
    """time.monotonic() when the process was started."""


@contextmanager
def serve(folder: Path, script: str = "app.py", **overrides: str) -> Iterator[App]:
    """`streamlit run script` on a free loopback port with its own database in `folder`; stopped after."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = folder / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    started = time.monotonic()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=app_environment(folder, **overrides), stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield App(base_url, process.pid, started)
    finally:
        stop_process(process, grace=30)


def scripted_overrides(server: ScriptedServer) -> dict[str, str]:
    """The app pointed at a scripted server, without retries."""
    return {"OPENAI_BASE_URL": server.base_url, "CHAT_MODEL": "scripted-model", "CHAT_MAX_RETRIES": "0"}


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        options = {"args": CHROMIUM_ARGS}
        if DEBIAN_CHROMIUM.exists():
            options["executable_path"] = str(DEBIAN_CHROMIUM)
        browser = playwright.chromium.launch(**options)
        try:
            yield browser
        finally:
            browser.close()


class PerRequestScript:
    """A scripted server's steps made per request: each reply built from the request that asks for it."""

    def __init__(self, server: ScriptedServer, make: Callable[[dict], Step]):
        self._local = threading.local()
        server.steps = self
        server.on_request = lambda body: setattr(self._local, "step", make(body))

    def popleft(self) -> Step:
        return self._local.step

    def __bool__(self) -> bool:
        return True

    def clear(self) -> None:
        pass


def tokens(tag: str, count: int) -> str:
    """A reply of `count` distinct words, one per streamed chunk: `<tag>n0 <tag>n1 ...` (5+ characters each)."""
    width = len(str(count - 1))
    return "".join(f"{tag}n{i:0{width}d} " for i in range(count))


WATCH = """([tag, expected]) => {
  const pattern = new RegExp(tag + "n\\\\d+", "g");
  const state = window.__bench = {enter: null, first: null, last: null, settled: null, marks: []};
  const last = () => {
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    return messages.length ? messages[messages.length - 1].innerText : "";
  };
  const look = () => {
    if (state.enter === null) return;
    const now = performance.now();
    const count = (last().match(pattern) || []).length;
    const previous = state.marks.length ? state.marks[state.marks.length - 1][1] : 0;
    if (count > previous) {
      state.marks.push([now, count]);
      if (state.first === null) {  // seen at the frame that paints it
        state.first = now;
        requestAnimationFrame(() => { state.first = performance.now(); });
      }
      if (count >= expected && state.last === null) state.last = now;
    }
    const app = document.querySelector('[data-testid="stApp"]');
    if (state.last !== null && state.settled === null && app && app.dataset.testScriptState === "notRunning")
      state.settled = now;
  };
  document.addEventListener("keydown", e => { if (e.key === "Enter" && state.enter === null)
    state.enter = performance.now(); }, true);
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, characterData: true, attributes: true,
     attributeFilter: ["data-test-script-state"]});
}"""
"""Page-clock marks: Enter pressed, the first of the reply's words painted (the animation frame after it entered the
page), the last in the page, the run settled."""


@dataclass
class Seen:
    """What one reply looked like in the page, in seconds from Enter."""

    first: float
    last: float
    settled: float
    words: int
    rate: float
    """Words per second between the first and the last word visible."""
    text: str


def send_and_watch(page, text: str, tag: str, expected: int, timeout: int = REPLY_TIMEOUT) -> Callable[[], Seen]:
    """Press Enter on `text` in the chat input while watching for the reply's words; returns a call that waits
    until the page has settled and gives what it saw."""
    page.evaluate(WATCH, [tag, expected])
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")

    def wait() -> Seen:
        page.wait_for_function("() => window.__bench.settled !== null", timeout=timeout)
        page.wait_for_selector(IDLE, timeout=timeout)
        state = page.evaluate("window.__bench")
        enter, marks = state["enter"], state["marks"]
        first, last = (state["first"] - enter) / 1000, (state["last"] - enter) / 1000
        words = marks[-1][1]
        rate = (words - marks[0][1]) / max(last - first, 1e-9)
        shown = page.evaluate(
            "() => { const m = document.querySelectorAll('[data-testid=\"stChatMessage\"]');"
            " return m.length ? m[m.length - 1].innerText : ''; }"
        )
        return Seen(first, last, (state["settled"] - enter) / 1000, words, rate, shown)

    return wait


def open_page(page, url: str, timeout: int = REPLY_TIMEOUT) -> None:
    """Open a page and wait until its chat input shows and its run has ended."""
    page.goto(url, timeout=timeout)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)


def dump(value: object) -> str:
    """Figures as compact JSON, for the console."""
    return json.dumps(value, default=lambda o: round(o, 3) if isinstance(o, float) else str(o))
