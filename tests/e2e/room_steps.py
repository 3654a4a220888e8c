"""Steps of the audience room in Chromium, shared by its browser, scaling and accessibility tests and the
screenshots."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Locator, Page, expect

from chat_core.display import counted
from tests.e2e.conftest import NOT_IN_EXPANDER, REPLY_TIMEOUT, UI_TIMEOUT, open_chat, wait_until_idle

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PRESENTER = {"viewport": {"width": 1440, "height": 900}}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
MODERATION = "🔒 Moderation and participants: open in a window of its own, off the projector"


def new_page(browser: Browser, size: dict) -> Page:
    """A new visitor (a browser context of its own) of this size."""
    page = browser.new_context(**size).new_page()
    page.set_default_timeout(UI_TIMEOUT)
    return page


def open_room(page: Page, base_url: str) -> tuple[str, str]:
    """Open a room from the guardrail lab; the page lands on the presenter's view. Returns (code, presenter link)."""
    open_chat(page, f"{base_url}/Finance_guardrails")
    page.get_by_role("button", name="📱 Open a room for the audience").click()
    page.wait_for_url(re.compile(r"/Room\?.*key="), timeout=REPLY_TIMEOUT)
    code = parse_qs(urlsplit(page.url).query)["room"][0]
    expect(page.get_by_role("heading", name=f"Code {code}")).to_be_visible(timeout=REPLY_TIMEOUT)
    expect(wall_count(page, 0, 0)).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    return code, page.url


def wall_count(page: Page, people: int, attempts: int, playing: int | None = None) -> Locator:
    """The wall's head line with these numbers (by default, everyone who made an attempt plays: each made one)."""
    playing = min(people, attempts) if playing is None else playing
    return page.get_by_text(f"👥 {people} joined · {playing} playing now · {counted(attempts, 'attempt')}", exact=True)


def wall_texts(page: Page) -> Locator:
    """The attempt texts the wall shows (not the moderation list's)."""
    return page.locator(f'[data-testid="stText"]{NOT_IN_EXPANDER}')


def expect_joined(page: Page, code: str) -> None:
    """A participant's view of the room: its code, their nickname, the chat."""
    expect(page.get_by_text(re.compile(rf"Room {code} · you are \S"))).to_be_visible(timeout=REPLY_TIMEOUT)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def join_by_code(page: Page, base_url: str, code: str) -> None:
    """Open the Room page, type the code in its join box and join."""
    page.goto(f"{base_url}/Room")
    page.get_by_role("textbox", name="Room code").fill(code.lower())
    page.get_by_role("button", name="Join", exact=True).click()
    expect_joined(page, code)


def join_by_link(page: Page, base_url: str, code: str) -> None:
    """Open the join address, as the QR code does."""
    page.goto(f"{base_url}/Room?room={code}")
    expect_joined(page, code)


def approve_all(page: Page, count: int) -> None:
    """Approve `count` waiting attempts, one at a time, in the presenter's moderation window (a tab of its own)."""
    moderation = page.context.new_page()
    moderation.goto(f"{page.url}&view=moderate")
    expect(moderation.get_by_text(f"Waiting for approval: {count}")).to_be_visible(timeout=UI_TIMEOUT)
    approve = moderation.get_by_role("button", name="Approve")
    for waiting in range(count, 0, -1):  # the list is read again every 2 s: wait for it to shrink, not for a count
        expect(approve).to_have_count(waiting, timeout=UI_TIMEOUT)
        approve.first.click()
        wait_until_idle(moderation)
    expect(moderation.get_by_text("Waiting for approval: 0")).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(moderation)
    moderation.close()
