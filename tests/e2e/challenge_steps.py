"""Steps of the challenge in Chromium, shared by its browser, keyboard and accessibility tests and the screenshots."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, send, wait_until_idle

GUESS_BOX = "Your guess: the pick of the week"
SAID = re.compile(r"Right: the pick was|Not the pick")
"""What the guess box says of a taken guess."""


def expect_level(page: Page, shown: str) -> None:
    """The level picker shows this level."""
    expect(page.get_by_role("combobox", name="Level", exact=True)).to_have_value(shown, timeout=REPLY_TIMEOUT)


def guess(page: Page, text: str) -> None:
    """Type a guess in the guess box and press its button; wait until the page says what it made of it."""
    page.get_by_role("textbox", name=GUESS_BOX).fill(text)
    page.get_by_role("button", name="Guess", exact=True).click()
    expect(page.get_by_test_id("stAlert").filter(has_text=SAID)).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)


def ask_and_wait(page: Page, text: str) -> None:
    """Send a message and wait until its reply is in, recorded as an attempt, and the run ended."""
    before = conversation(page).count()
    send(page, text)
    expect(conversation(page)).to_have_count(before + 2, timeout=REPLY_TIMEOUT)
    expect(page.get_by_text(re.compile(r"· [1-9]\d* attempts?$"))).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
