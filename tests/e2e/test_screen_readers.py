"""What a screen reader is told: the page's language, and a finished reply announced once in a polite live region."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chat_core.ui.announce import REGION
from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser

LISTEN = f"""() => {{
    window.announced = [];
    new MutationObserver(changes => {{
        for (const change of changes) {{
            if (change.target.id === "{REGION}") window.announced.push(change.target.textContent);
        }}
    }}).observe(document.body, {{childList: true, subtree: true}});
}}"""
"""Record every change to the live region's text, as it is emptied ("") and given the words a screen reader says."""


def announced(page: Page) -> list[str]:
    """What the live region said, in order (emptying it before each announcement is left out)."""
    return [text for text in page.evaluate("window.announced") if text]


def test_the_page_says_its_language(page: Page, scripted_app, scripted):
    open_chat(page, f"{scripted_app}/Chatbot")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_finished_reply_is_announced_once_politely_and_not_again_on_reruns(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="**Index funds** track a market."), Step(text="**Index funds** track a market."))
    open_chat(page, f"{scripted_app}/Chatbot")
    page.evaluate(LISTEN)
    send(page, "What is an index fund?")
    expect(conversation(page).last).to_contain_text("track a market", timeout=REPLY_TIMEOUT)
    told = "Reply finished. Index funds track a market."
    status = page.get_by_role("status").filter(has_text=told)
    expect(status).to_have_count(1, timeout=UI_TIMEOUT)
    expect(status).to_have_attribute("aria-live", "polite")
    wait_until_idle(page)
    assert announced(page) == [told]
    changes = page.evaluate("window.announced.length")

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Rename, export or delete this conversation").click()  # a rerun
    expect(sidebar.get_by_label("Title")).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)
    assert page.evaluate("window.announced.length") == changes  # not even emptied: nothing ran again

    page.get_by_role("button", name="Regenerate").click()  # the same words again: a new reply, told again
    expect(conversation(page).last).to_contain_text("2/2", timeout=REPLY_TIMEOUT)
    expect(page.get_by_role("status").filter(has_text=told)).to_have_count(1, timeout=UI_TIMEOUT)
    page.wait_for_function("window.announced.filter(Boolean).length === 2", timeout=UI_TIMEOUT)
    wait_until_idle(page)
    assert announced(page) == [told, told]
