"""Where things are: the sidebar laid out for the task at hand, the inspector by the input, the personal link."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser


TOP_IN_ITS_PANE = """element => {
    const pane = element.closest('[data-testid="stSidebarContent"]');
    const top = element.getBoundingClientRect().top;
    return pane ? top - pane.getBoundingClientRect().top + pane.scrollTop : top;
}"""


def top(locator: Locator) -> float:
    """How far down an element starts: in the sidebar's own scrolling pane, else in the window as it is now."""
    expect(locator).to_be_attached(timeout=UI_TIMEOUT)
    return locator.evaluate(TOP_IN_ITS_PANE)


def chat_turns(page: Page, *questions: str) -> None:
    for count, question in enumerate(questions, start=1):
        send(page, question)
        expect(conversation(page)).to_have_count(2 * count, timeout=REPLY_TIMEOUT)
        expect(conversation(page).last.get_by_test_id("stChatMessageContent")).to_have_text(
            re.compile(r"\S"), timeout=REPLY_TIMEOUT
        )
        wait_until_idle(page)


@pytest.fixture
def chatbot(page: Page, scripted_app, scripted) -> Page:
    open_chat(page, f"{scripted_app}/Chatbot")
    return page


def test_the_sidebar_puts_the_conversation_first_then_settings_link_and_import(chatbot: Page, scripted):
    chat_turns(chatbot, "Where is everything?")
    sidebar = chatbot.get_by_test_id("stSidebar")
    in_order = [
        sidebar.get_by_role("link", name="Home", exact=True),
        sidebar.get_by_text("Persona", exact=True),
        sidebar.get_by_role("button", name="New chat"),
        sidebar.get_by_text("Rename, export or delete this conversation"),
        sidebar.get_by_role("button", name="🤖 Where is everything?"),
        sidebar.get_by_text("Answering:"),
        sidebar.get_by_text("Model settings"),
        sidebar.get_by_text("Your link", exact=True),
        sidebar.get_by_text("📥 Import a conversation", exact=True),
    ]
    tops = [top(locator) for locator in in_order]
    assert tops == sorted(tops)


def test_the_open_conversation_is_marked_without_an_alarming_red_button(chatbot: Page, scripted):
    chat_turns(chatbot, "First topic")
    chatbot.get_by_test_id("stSidebar").get_by_role("button", name="New chat").click()
    expect(conversation(chatbot)).to_have_count(0, timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)
    chat_turns(chatbot, "Second topic")
    sidebar = chatbot.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stBaseButton-primary")).to_have_count(0)
    open_now = sidebar.get_by_role("button", name="🤖 Second topic", exact=True)
    expect(open_now).to_have_attribute("data-testid", "stBaseButton-secondary")
    other = sidebar.get_by_role("button", name="🤖 First topic", exact=True)
    expect(other).to_have_attribute("data-testid", "stBaseButton-tertiary")


def test_enter_in_the_title_field_renames(chatbot: Page, scripted):
    chat_turns(chatbot, "untitled thoughts")
    sidebar = chatbot.get_by_test_id("stSidebar")
    sidebar.get_by_text("Rename, export or delete this conversation").click()
    title = sidebar.get_by_label("Title")
    title.fill("My plan")
    title.press("Enter")
    expect(sidebar.get_by_role("button", name="🤖 My plan")).to_be_visible(timeout=UI_TIMEOUT)


def test_in_a_long_chat_the_inspector_sits_just_above_the_input(chatbot: Page, scripted):
    scripted.enqueue(*[Step(text="A long answer.\n\n" * 12) for _ in range(3)])
    chat_turns(chatbot, "One", "Two", "Three")
    inspector = chatbot.get_by_text("Request inspector", exact=False)
    assert top(inspector) > top(conversation(chatbot).last)
    assert top(inspector) > top(chatbot.get_by_role("button", name="Regenerate"))


def test_the_home_page_shows_no_chat_settings_or_import(page: Page, scripted_app, scripted):
    page.goto(scripted_app)
    expect(page.get_by_role("heading", name="Chat lab")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Answering:")).to_be_visible(timeout=UI_TIMEOUT)
    for absent in ["Model settings", "Temperature", "Import a conversation", "New chat"]:
        expect(sidebar.get_by_text(absent)).to_have_count(0)


def test_the_plain_address_shows_the_personal_link_to_copy_and_a_way_back(browser, scripted_app, scripted):
    first = browser.new_context().new_page()
    open_chat(first, f"{scripted_app}/Chatbot")
    chat_turns(first, "Kept under my link")
    link = first.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(scripted_app)}/Chatbot\?v=[A-Za-z0-9_-]{{22,}}", link)

    again = browser.new_context().new_page()  # the same person, on another device, at the plain address
    open_chat(again, f"{scripted_app}/Chatbot")
    sidebar = again.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("The app's plain address starts a new, empty history.")
    sidebar.get_by_test_id("stCode").hover()
    expect(sidebar.get_by_test_id("stCode").get_by_role("button", name="Copy to clipboard")).to_have_count(1)
    sidebar.get_by_text("Have a link from before?").click()
    pasted = sidebar.get_by_role("textbox", name="Paste your link")
    pasted.fill(link)
    pasted.press("Enter")
    expect(sidebar.get_by_role("button", name="🤖 Kept under my link")).to_be_visible(timeout=REPLY_TIMEOUT)
    expect(conversation(again).first).to_contain_text("Kept under my link", timeout=UI_TIMEOUT)
    expect(again).to_have_url(re.compile(re.escape(link.split("?")[1])), timeout=UI_TIMEOUT)
