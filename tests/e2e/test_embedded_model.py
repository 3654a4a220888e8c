"""The three chat pages in Chromium, answered by the embedded model."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    REPLY_TIMEOUT,
    UI_TIMEOUT,
    choose_option,
    conversation,
    expect_role,
    expect_text,
    open_chat,
    said,
    send,
    wait_until_idle,
)

NAV_LINKS = {"Home": "/", "Chatbot": "/Chatbot", "Tutor": "/Tutor", "Finance guardrails": "/Finance_guardrails"}


def chat_twice(page: Page, url: str) -> None:
    """Send two messages on a chat page and check both questions and replies."""
    open_chat(page, url)
    messages = conversation(page)
    expect(messages).to_have_count(0, timeout=UI_TIMEOUT)
    for turn, question in enumerate(["Hello! What can you do?", "Tell me one more thing."]):
        send(page, question)
        expect(messages).to_have_count(2 * turn + 2, timeout=REPLY_TIMEOUT)
        wait_until_idle(page)
        expect_role(messages.nth(2 * turn), "user")
        expect(said(messages.nth(2 * turn))).to_have_text(question, timeout=UI_TIMEOUT)
        expect_role(messages.nth(2 * turn + 1), "assistant")
        expect_text(messages.nth(2 * turn + 1))
    expect(messages).to_have_count(4, timeout=UI_TIMEOUT)


def expect_sidebar(page: Page, base_url: str) -> None:
    """Check the shared sidebar: the page links (the home page named Home), who is answering, the settings."""
    sidebar = page.get_by_test_id("stSidebar")
    for label, path in NAV_LINKS.items():
        link = sidebar.get_by_role("link", name=label, exact=True)
        expect(link).to_be_visible(timeout=UI_TIMEOUT)
        if path != "/":  # the home page's link is the app's own address, written as an empty href
            assert link.evaluate("a => a.href") == base_url + path
    expect(sidebar.get_by_role("link", name="app", exact=True)).to_have_count(0)
    expect(sidebar.get_by_text("Answering:")).to_be_visible(timeout=REPLY_TIMEOUT)


@pytest.mark.browser
def test_the_sidebar_links_to_home_and_the_three_chat_pages(page: Page, local_app):
    page.goto(local_app)
    expect(page.get_by_role("heading", name="Chat lab")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    expect_sidebar(page, local_app)


@pytest.mark.browser
def test_the_chatbot_streams_two_replies(page: Page, local_app):
    chat_twice(page, f"{local_app}/Chatbot")


@pytest.mark.browser
def test_the_tutor_streams_two_replies_below_its_examples(page: Page, local_app):
    chat_twice(page, f"{local_app}/Tutor")
    examples = page.get_by_test_id("stExpander").get_by_test_id("stChatMessage")
    expect(examples.filter(has_text="(example)")).to_have_count(6, timeout=UI_TIMEOUT)
    expect(page.get_by_test_id("stChatMessage")).to_have_count(10, timeout=UI_TIMEOUT)


@pytest.mark.browser
def test_the_finance_page_streams_two_replies(page: Page, local_app):
    chat_twice(page, f"{local_app}/Finance_guardrails")


@pytest.mark.browser
def test_switching_persona_shows_its_own_thread_and_switching_back_restores_the_first(page: Page, local_app):
    open_chat(page, f"{local_app}/Chatbot")
    messages = conversation(page)
    send(page, "Hello helpful one")
    expect(messages).to_have_count(2, timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    first_reply = messages.nth(1).get_by_test_id("stChatMessageContent").text_content()

    choose_persona(page, "Python tutor")
    expect(messages).to_have_count(0, timeout=REPLY_TIMEOUT)

    choose_persona(page, "Helpful assistant")
    expect(messages).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(said(messages.nth(0))).to_have_text("Hello helpful one", timeout=UI_TIMEOUT)
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(first_reply, timeout=UI_TIMEOUT)


def choose_persona(page: Page, persona: str) -> None:
    """Pick a persona in the sidebar's selectbox and wait for the page to show it."""
    choose_option(page.get_by_test_id("stSidebar"), "Persona", persona)
    expect(page.get_by_text(f"Persona: {persona}.")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


@pytest.mark.browser
def test_deep_links_open_the_tutor_and_finance_pages_on_a_fresh_server(new_context, fresh_app):
    tutor = new_context().new_page()
    tutor.goto(f"{fresh_app}/Tutor")
    expect(tutor.get_by_role("heading", name="Tutor")).to_be_visible(timeout=REPLY_TIMEOUT)
    expect(tutor.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(tutor)
    expect_sidebar(tutor, fresh_app)
    expect(tutor.get_by_test_id("stSidebar").get_by_text("Model settings")).to_be_visible(timeout=UI_TIMEOUT)

    finance = new_context().new_page()
    finance.goto(f"{fresh_app}/Finance_guardrails")
    expect(finance.get_by_role("heading", name=re.compile("[Gg]uardrail"))).to_be_visible(timeout=REPLY_TIMEOUT)
    expect(finance.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(finance)
    expect_sidebar(finance, fresh_app)
