"""SIGKILL the app mid-reply and start it again: every completed message is there, and the cut reply, marked."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import REPLY_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.soak.conftest import app_process, scripted_overrides
from tests.support.scripted_server import Step

pytestmark = [pytest.mark.soak, pytest.mark.browser]


def owner_and_conversation(url: str) -> tuple[str, str]:
    query = parse_qs(urlparse(url).query)
    return f"visitor:{query['v'][0]}", query["c"][0]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        if any(line.split() == ["PPid:", str(pid)] for line in lines):
            found.append(int(status.parent.name))
    return found


def test_a_killed_app_keeps_every_completed_message_and_marks_the_cut_reply_interrupted(
    browser: Browser, scripted, tmp_path
):
    scripted.enqueue(Step(text="First answer."), Step(text="tick ", chunks=1, forever=True, delay=0.05))
    folder = tmp_path / "app"
    with app_process(folder, **scripted_overrides(scripted)) as app:
        page = browser.new_page()
        open_chat(page, f"{app.base_url}/Chatbot")
        send(page, "First question")
        expect(conversation(page).nth(1)).to_contain_text("First answer.", timeout=REPLY_TIMEOUT)
        wait_until_idle(page)
        send(page, "Second question")
        # Two seconds of ticks: the reply's checkpoint, written every second, holds some of them.
        expect(conversation(page).nth(3)).to_contain_text("tick " * 40, timeout=REPLY_TIMEOUT)
        url = page.url
        app.kill()
        page.close()
        owner, conversation_id = owner_and_conversation(url)
        _, stored = app.store().load(conversation_id, owner)
    kept = [(e.role, e.content, e.status) for e in stored.entries]
    assert kept[:3] == [
        ("user", "First question", "complete"),
        ("assistant", "First answer.", "complete"),
        ("user", "Second question", "complete"),
    ]
    # The reply's checkpoint outlived the killed process: it comes back marked interrupted, with its text.
    role, text, status = kept[3]
    assert (role, status) == ("assistant", "interrupted") and text.startswith("tick tick"), kept[3]

    scripted.enqueue(Step(text="Answered after the restart."))
    with app_process(folder, **scripted_overrides(scripted)) as restarted:
        page = browser.new_page()
        page.goto(f"{restarted.base_url}/{url.split('/', 3)[3]}")
        expect(conversation(page)).to_have_count(4, timeout=REPLY_TIMEOUT)
        expect(conversation(page).nth(2)).to_contain_text("Second question")
        expect(conversation(page).nth(3)).to_contain_text("tick tick")
        expect(conversation(page).nth(3)).to_contain_text("Interrupted")
        page.close()


def test_a_killed_app_leaves_no_model_server_behind(browser: Browser, tmp_path):
    with app_process(tmp_path / "local-app", CHAT_MAX_TOKENS="200") as app:
        page = browser.new_page()
        open_chat(page, f"{app.base_url}/Chatbot")
        send(page, "Tell me a long story about a lighthouse.")
        expect(conversation(page).nth(1)).to_contain_text(" ", timeout=REPLY_TIMEOUT)
        servers = [pid for pid in children_of(app.process.pid) if b"llama_cpp.server" in _cmdline(pid)]
        assert servers, "the embedded model's server runs as the app's child"
        app.kill()
        page.close()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in servers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in servers), "the model server outlived the killed app"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state
