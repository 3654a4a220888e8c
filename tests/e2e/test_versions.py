"""Versions in Chromium: regenerate twice, move back to the first reply with the `‹ n/m ›` control, reload, and the
page still shows it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser


def last_reply(page: Page):
    return conversation(page).last.get_by_test_id("stChatMessageContent")


def last_reply_text(page: Page):
    """The reply's own text, without the version control under it."""
    return last_reply(page).get_by_test_id("stMarkdownContainer").first


def regenerate(page: Page, expected: str) -> None:
    page.get_by_role("button", name="Regenerate").click()
    expect(last_reply(page)).to_contain_text(expected, timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def test_regenerate_twice_move_back_to_the_first_reply_and_a_reload_still_shows_it(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="Red."), Step(text="Blue."), Step(text="Green."))
    open_chat(page, f"{scripted_app}/Chatbot")
    send(page, "Name a colour.")
    expect(last_reply(page)).to_contain_text("Red.", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    regenerate(page, "Blue.")
    regenerate(page, "Green.")
    reply = conversation(page).last
    expect(reply).to_contain_text("3/3", timeout=UI_TIMEOUT)
    expect(reply.get_by_role("button", name="Next version")).to_be_disabled(timeout=UI_TIMEOUT)
    for shown in ("2/3", "1/3"):
        conversation(page).last.get_by_role("button", name="Previous version").click()
        expect(conversation(page).last).to_contain_text(shown, timeout=UI_TIMEOUT)
        wait_until_idle(page)
    expect(last_reply_text(page)).to_have_text("Red.", timeout=UI_TIMEOUT)
    expect(conversation(page).last.get_by_role("button", name="Previous version")).to_be_disabled(timeout=UI_TIMEOUT)
    expect(page).to_have_url(re.compile(r"[?&]c=[0-9a-f-]{36}"), timeout=UI_TIMEOUT)
    page.reload()
    expect(conversation(page)).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(last_reply_text(page)).to_have_text("Red.", timeout=REPLY_TIMEOUT)
    expect(conversation(page).last).to_contain_text("1/3", timeout=UI_TIMEOUT)
