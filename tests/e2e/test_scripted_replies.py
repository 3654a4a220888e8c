"""The chatbot in Chromium against a scripted server: errors, unsafe replies, stopping and interrupting."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    REPLY_TIMEOUT,
    SETTLED,
    UI_TIMEOUT,
    conversation,
    expect_role,
    open_chat,
    said,
    send,
    wait_until_idle,
)
from tests.support.scripted_server import Step

SECRET = "sk-secret-123456789"
UNSAFE_REPLY = 'Hi <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> **bold**'


@pytest.fixture
def chatbot(page: Page, scripted_app, scripted) -> Page:
    """The chatbot page of the scripted app, loaded and idle."""
    open_chat(page, f"{scripted_app}/Chatbot")
    return page


@pytest.mark.browser
def test_a_rejected_api_key_shows_an_alert_without_a_traceback_or_the_key(chatbot: Page, scripted):
    scripted.enqueue(Step(status=401, error_body={"error": {"message": f"Incorrect API key provided: {SECRET}"}}))
    send(chatbot, "Hello?")
    alert = chatbot.get_by_test_id("stAlert").filter(has_text="rejected the API key")
    expect(alert).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)

    messages = conversation(chatbot)
    expect(messages).to_have_count(2, timeout=UI_TIMEOUT)
    expect_role(messages.first, "user")
    expect(said(messages.first)).to_have_text("Hello?", timeout=UI_TIMEOUT)
    expect(chatbot.get_by_role("button", name="Retry")).to_be_visible(timeout=UI_TIMEOUT)
    expect(chatbot.get_by_test_id("stException")).to_have_count(0, timeout=UI_TIMEOUT)
    expect(chatbot.get_by_test_id("stApp")).not_to_contain_text("Traceback", timeout=UI_TIMEOUT)
    assert SECRET not in chatbot.content()


@pytest.mark.browser
def test_html_and_scripts_in_a_reply_never_run(chatbot: Page, scripted):
    scripted.enqueue(Step(text=UNSAFE_REPLY))
    send(chatbot, "Say something risky.")
    reply = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(reply.locator("strong")).to_have_text("bold", timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)

    assert chatbot.evaluate("window.__xss") is None
    expect(reply).to_contain_text("Hi", timeout=UI_TIMEOUT)
    expect(reply.locator("img")).to_have_count(0, timeout=UI_TIMEOUT)
    expect(reply.locator("script")).to_have_count(0, timeout=UI_TIMEOUT)
    expect(reply.locator("strong")).to_have_count(1, timeout=UI_TIMEOUT)


def expect_inert(page: Page, reply) -> None:
    """The reply's Markdown is drawn, and nothing of its HTML runs or loads."""
    expect(reply.locator("strong")).to_have_text("bold", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    assert page.evaluate("window.__xss") is None
    expect(reply.locator("img")).to_have_count(0, timeout=UI_TIMEOUT)
    expect(reply.locator("script")).to_have_count(0, timeout=UI_TIMEOUT)


@pytest.mark.browser
def test_a_saved_reply_with_html_stays_inert_after_a_rerun_and_after_a_reload(chatbot: Page, scripted):
    scripted.enqueue(Step(text=UNSAFE_REPLY))
    send(chatbot, "Say something risky.")
    reply = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect_inert(chatbot, reply)

    search = chatbot.get_by_test_id("stSidebar").get_by_placeholder("🔍 Search titles and messages")
    search.fill("risky")
    search.press("Enter")
    expect(chatbot.get_by_test_id("stSidebar").get_by_text("Say something risky.").first).to_be_visible(
        timeout=UI_TIMEOUT
    )
    expect_inert(chatbot, conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent"))

    chatbot.reload()
    expect(conversation(chatbot)).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect_inert(chatbot, conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent"))
    assert len(scripted.history) == 1


@pytest.mark.browser
def test_stop_ends_a_streaming_reply_and_keeps_what_arrived(chatbot: Page, scripted):
    scripted.enqueue(Step(text="tick ", chunks=1, delay=0.2, forever=True))
    send(chatbot, "Count forever.")
    reply = conversation(chatbot).nth(1)
    expect(reply.get_by_test_id("stChatMessageContent")).to_contain_text("tick", timeout=REPLY_TIMEOUT)
    reply.get_by_role("button", name="Stop").click(timeout=UI_TIMEOUT)
    expect(reply.get_by_role("button", name="Stop")).to_have_count(0, timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)

    expect(conversation(chatbot)).to_have_count(2, timeout=SETTLED)
    expect(reply.get_by_test_id("stMarkdown").first).to_contain_text("tick", timeout=SETTLED)
    expect(reply.get_by_test_id("stCaptionContainer")).to_contain_text("Stopped", timeout=SETTLED)
    assert len(scripted.history) == 1


@pytest.mark.browser
def test_a_second_message_sent_while_a_reply_streams_stops_it_and_gets_its_own_reply(chatbot: Page, scripted):
    scripted.enqueue(Step(text="slow ", chunks=1, delay=0.2, forever=True), Step(text="Second reply."))
    send(chatbot, "first")
    messages = conversation(chatbot)
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_contain_text("slow", timeout=REPLY_TIMEOUT)
    send(chatbot, "second")
    expect(said(messages.last)).to_have_text("Second reply.", timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)

    expect(messages).to_have_count(4, timeout=SETTLED)
    for index, role in enumerate(["user", "assistant", "user", "assistant"]):
        expect_role(messages.nth(index), role)
    expected = [re.compile(r"^first$"), re.compile(r"^(slow ?)+$"), re.compile(r"^second$"), "Second reply."]
    for index, text in enumerate(expected):
        expect(said(messages.nth(index))).to_have_text(text, timeout=SETTLED)
    expect(messages.nth(1)).to_contain_text("Stopped before the reply finished.")
    assert scripted.history[-1]["messages"][-1] == {"role": "user", "content": "second"}
    assert [m["role"] for m in scripted.history[-1]["messages"]] == ["system", "user", "assistant", "user"]
    expect(chatbot).to_have_url(re.compile(r"[?&]c="), timeout=UI_TIMEOUT)
    chatbot.reload()
    for index, text in enumerate(expected):
        expect(said(messages.nth(index))).to_have_text(text, timeout=REPLY_TIMEOUT)


@pytest.mark.browser
def test_the_previous_reply_is_shown_once_while_the_next_one_streams(chatbot: Page, scripted):
    scripted.enqueue(Step(text="The first answer."), Step(text="tock ", chunks=1, delay=0.2, forever=True))
    send(chatbot, "one")
    messages = conversation(chatbot)
    expect(said(messages.nth(1))).to_have_text("The first answer.", timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)
    send(chatbot, "two")
    expect(messages.nth(3).get_by_test_id("stChatMessageContent")).to_contain_text("tock", timeout=REPLY_TIMEOUT)
    expect(chatbot.get_by_test_id("stMarkdown").filter(has_text="The first answer.")).to_have_count(1)
    expect(chatbot.get_by_text("tock", exact=False).first).to_be_visible()
    messages.nth(3).get_by_role("button", name="Stop").click(timeout=UI_TIMEOUT)
    expect(messages.nth(3).get_by_test_id("stCaptionContainer")).to_contain_text("Stopped", timeout=REPLY_TIMEOUT)


@pytest.mark.browser
def test_the_users_text_is_rendered_exactly_as_typed(chatbot: Page, scripted):
    send(chatbot, "What does __init__ do? Also 2*3*4")
    question = said(conversation(chatbot).first)
    expect(question).to_have_text("What does __init__ do? Also 2*3*4", timeout=REPLY_TIMEOUT)
    expect(question.locator("em, strong")).to_have_count(0)
    wait_until_idle(chatbot)
