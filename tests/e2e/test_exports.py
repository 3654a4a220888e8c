"""What the history's export buttons download in the browser: the exact messages sent plus the reply, a readable
transcript, a script that runs; with an API key set, no trace of it in any file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, running_app, send, wait_until_idle
from tests.reliability.test_secrets import CANARY_KEY, leaks
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser

QUESTION = "What is a canary? **not bold**"
REPLY = "A small *yellow* bird."


@pytest.fixture(scope="module")
def keyed_app(scripted_model, tmp_path_factory) -> Iterator[str]:
    """The app on the scripted server with a canary API key set."""
    overrides = {
        "OPENAI_BASE_URL": scripted_model.base_url, "OPENAI_API_KEY": CANARY_KEY, "CHAT_MODEL": "scripted-model",
        "CHAT_MAX_RETRIES": "0",
    }  # fmt: skip
    with running_app(tmp_path_factory.mktemp("keyed-app"), **overrides) as base_url:
        yield base_url


@pytest.fixture
def downloads(page: Page, keyed_app, scripted) -> dict[str, str]:
    """One turn, then each export button pressed: the downloaded files' names and texts, by extension."""
    scripted.enqueue(Step(text=REPLY, chunks=4))
    open_chat(page, f"{keyed_app}/Chatbot")
    send(page, QUESTION)
    expect(conversation(page).nth(1)).to_contain_text("yellow", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Rename, export or delete this conversation").click()
    files = {}
    for label in ("JSON (messages list)", "Markdown", "Python script (openai SDK)"):
        button = sidebar.get_by_role("button", name=label)
        expect(button).to_be_visible(timeout=UI_TIMEOUT)
        with page.expect_download(timeout=UI_TIMEOUT) as pressed:
            button.click()
        download = pressed.value
        files[download.suggested_filename.rsplit(".", 1)[1]] = download.path().read_text(encoding="utf-8")
    return files


def test_the_downloads_hold_the_conversation_and_no_trace_of_the_key(downloads, scripted):
    assert sorted(downloads) == ["json", "md", "py"]
    sent = scripted.history[-1]["messages"]
    document = json.loads(downloads["json"])
    assert document["messages"] == [*sent, {"role": "assistant", "content": REPLY}], "the exact list, and the reply"
    assert document["metadata"]["statuses"] == ["complete", "complete"]
    assert QUESTION in downloads["md"] and REPLY in downloads["md"]
    compile(downloads["py"], "export.py", "exec")
    assert json.dumps(QUESTION)[1:-1] in downloads["py"] and "OPENAI_API_KEY" in downloads["py"]
    for suffix, text in downloads.items():
        assert not leaks(text), f"the API key is in the {suffix} export"
