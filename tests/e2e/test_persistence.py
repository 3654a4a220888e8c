"""Conversations survive a reload and a restart, stay private, and are shared by app processes on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, running_app, send, wait_until_idle

pytestmark = pytest.mark.browser


def scripted_overrides(scripted_model, **more: str) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": scripted_model.base_url,
        "CHAT_MODEL": "scripted-model",
        "CHAT_MAX_RETRIES": "0",
        "CHAT_RETRY_BACKOFF": "0",
        **more,
    }


def chat_turn(page: Page, text: str, expected_messages: int) -> None:
    """Send a message and wait for its reply and the end of the run."""
    send(page, text)
    expect(conversation(page)).to_have_count(expected_messages, timeout=REPLY_TIMEOUT)
    expect(conversation(page).last.get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"\S"), timeout=REPLY_TIMEOUT
    )
    wait_until_idle(page)


def saved_url(page: Page) -> str:
    """The page's address once it carries the visitor and conversation ids."""
    expect(page).to_have_url(re.compile(r"[?&]c=[0-9a-f-]{36}"), timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]v=[A-Za-z0-9_-]{22,}"), timeout=UI_TIMEOUT)
    return page.url


def expect_conversation(page: Page, texts: list[str]) -> None:
    expect(conversation(page)).to_have_count(len(texts), timeout=REPLY_TIMEOUT)
    for message, text in zip(conversation(page).all(), texts, strict=True):
        expect(message.get_by_test_id("stChatMessageContent")).to_contain_text(text)


def history_entry(page: Page, title: str):
    return page.get_by_test_id("stSidebar").get_by_role("button", name=title)


def test_a_reload_and_a_restart_bring_the_conversation_back(browser: Browser, scripted_model, tmp_path):
    scripted_model.steps.clear()
    folder = tmp_path / "app"
    texts = ["Remember the number 42", "Hello from the scripted server.", "And the colour blue"]
    with running_app(folder, **scripted_overrides(scripted_model)) as base_url:
        page = browser.new_page()
        open_chat(page, f"{base_url}/Chatbot")
        chat_turn(page, texts[0], 2)
        chat_turn(page, texts[2], 4)
        url = saved_url(page)
        page.reload()
        expect_conversation(page, [*texts, texts[1]])
        expect(history_entry(page, "🤖 Remember the number 42")).to_be_visible()
        page.close()
    path_and_query = url.split("/", 3)[3]
    with running_app(folder, **scripted_overrides(scripted_model)) as restarted:
        page = browser.new_page()
        page.goto(f"{restarted}/{path_and_query}")
        expect_conversation(page, [*texts, texts[1]])
        chat_turn(page, "Still there?", 6)
        assert scripted_model.history[-1]["messages"][1]["content"] == texts[0]
        page.close()


def test_a_second_browser_sees_none_of_the_first_ones_conversations(browser: Browser, scripted_model, tmp_path):
    with running_app(tmp_path / "app", **scripted_overrides(scripted_model)) as base_url:
        first = browser.new_context().new_page()
        open_chat(first, f"{base_url}/Chatbot")
        chat_turn(first, "My private diary entry", 2)
        expect(history_entry(first, "🤖 My private diary entry")).to_be_visible()
        stolen = saved_url(first).split("?")[1]
        conversation_id = re.search(r"c=([0-9a-f-]{36})", stolen).group(1)

        second = browser.new_context().new_page()
        open_chat(second, f"{base_url}/Chatbot")
        expect(second.get_by_test_id("stSidebar")).to_contain_text("No conversations under this link yet.")
        expect(history_entry(second, "🤖 My private diary entry")).to_have_count(0)

        second.goto(f"{base_url}/Chatbot?c={conversation_id}")
        expect(second.get_by_text("not yours", exact=False)).to_be_visible(timeout=UI_TIMEOUT)
        expect(conversation(second)).to_have_count(0)
        expect(second.get_by_text("My private diary entry")).to_have_count(0)


def test_two_app_processes_on_one_postgresql_share_conversations(
    browser: Browser, scripted_model, postgres_url, tmp_path
):
    overrides = scripted_overrides(scripted_model, CHAT_DATABASE_URL=postgres_url)
    with (
        running_app(tmp_path / "one", **overrides) as first_app,
        running_app(tmp_path / "two", **overrides) as second_app,
    ):
        page = browser.new_page()
        open_chat(page, f"{first_app}/Tutor")
        chat_turn(page, "Written through process one", 2)
        path_and_query = saved_url(page).split("/", 3)[3]

        page.goto(f"{second_app}/{path_and_query}")
        expect(conversation(page).nth(0)).to_contain_text("Written through process one", timeout=REPLY_TIMEOUT)
        wait_until_idle(page)
        chat_turn(page, "Continued on process two", 4)

        page.goto(f"{first_app}/{path_and_query}")
        expect(conversation(page)).to_have_count(4, timeout=REPLY_TIMEOUT)
        expect(conversation(page).nth(2)).to_contain_text("Continued on process two")
