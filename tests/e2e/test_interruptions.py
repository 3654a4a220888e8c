"""A reply interrupted by the person: Stop, a switch to another page, a reload. Nothing typed or shown is lost, the
stored conversation is what the page shows once the reply has ended, and Stop does not wait for the server."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, SETTLED, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step
from tests.support.waiting import wait_for

pytestmark = pytest.mark.browser
SERVER_STILL_READING = 20.0
"""Seconds a server takes before its first word (the embedded model reading a long prompt): far longer than a Stop may
take to show."""


@pytest.fixture
def chatbot(page: Page, scripted_app, scripted) -> Page:
    open_chat(page, f"{scripted_app}/Chatbot")
    return page


def test_a_page_switch_mid_reply_keeps_the_question_and_the_text_shown_marked_stopped(chatbot: Page, scripted):
    scripted.enqueue(Step(text="tick ", chunks=1, delay=0.1, forever=True))
    send(chatbot, "Count for me.")
    reply = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(reply).to_contain_text("tick tick", timeout=REPLY_TIMEOUT)
    chatbot.get_by_test_id("stSidebar").get_by_role("link", name="Tutor").click()
    expect(chatbot.get_by_role("heading", name=re.compile("Tutor"))).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)
    chatbot.get_by_test_id("stSidebar").get_by_role("link", name="Chatbot").click()
    messages = conversation(chatbot)
    expect(messages).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(messages.nth(0)).to_contain_text("Count for me.")
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"^(tick ?)+Stopped"), timeout=SETTLED
    )
    wait_until_idle(chatbot)
    chatbot.reload()
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"^(tick ?)+Stopped"), timeout=REPLY_TIMEOUT
    )
    assert len(scripted.history) == 1


@pytest.mark.parametrize("new_chat", [False, True], ids=["the-visitors-first-chat", "a-new-chat"])
def test_a_reload_mid_reply_comes_back_to_the_conversation_with_the_text_shown_marked_interrupted(
    chatbot: Page, scripted, new_chat
):
    if new_chat:
        chatbot.get_by_test_id("stSidebar").get_by_role("button", name="➕ New chat").click()
        expect(chatbot).to_have_url(re.compile(r"[?&]c=new"), timeout=UI_TIMEOUT)
        wait_until_idle(chatbot)
    scripted.enqueue(Step(text="word " * 40, chunks=40, delay=0.2))
    send(chatbot, "Forty words, please.")
    reply = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(reply).to_contain_text("word word", timeout=REPLY_TIMEOUT)
    expect(chatbot).to_have_url(re.compile(r"[?&]c=[0-9a-f-]{36}"), timeout=SETTLED)  # before the reply ends
    chatbot.reload()
    messages = conversation(chatbot)
    expect(messages.nth(0)).to_contain_text("Forty words, please.", timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)
    # The session that asked is gone: its run ends at its next redraw, leaving the reply as far as it was shown. A
    # reload that came before that shows the question alone; the next one shows both.
    for _ in range(30):  # each round is a reload waited on to its end
        if messages.count() == 2:
            break
        chatbot.reload()
        expect(messages.nth(0)).to_contain_text("Forty words, please.", timeout=REPLY_TIMEOUT)
        wait_until_idle(chatbot)
    expect(messages).to_have_count(2, timeout=UI_TIMEOUT)
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"^(word ?)+Interrupted: the page was reloaded or closed"), timeout=UI_TIMEOUT
    )
    assert len(scripted.history) == 1


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(Step(text="Too late.", chunks=1, delay=SERVER_STILL_READING), id="headers-then-silence"),
        pytest.param(Step(text="Too late.", hang=SERVER_STILL_READING), id="no-answer-at-all"),
    ],
)
def test_stop_before_the_first_word_shows_the_reply_stopped_at_once_and_the_next_message_works(
    chatbot: Page, scripted, server
):
    scripted.enqueue(server, Step(text="The next answer."))
    send(chatbot, "A long question the model reads for a while.")
    wait_for(lambda: scripted.history, "the request to reach the model server")
    chatbot.get_by_role("button", name="⏹ Stop").click()
    messages = conversation(chatbot)
    # Far sooner than the server's first word: a page that waited for the server fails here.
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"Stopped before the reply finished\."), timeout=SETTLED
    )
    expect(messages.nth(0)).to_contain_text("A long question the model reads for a while.")
    wait_until_idle(chatbot)
    send(chatbot, "And now?")
    expect(messages.nth(3)).to_contain_text("The next answer.", timeout=REPLY_TIMEOUT)
    expect(messages.nth(1)).to_contain_text("Stopped before the reply finished.")
    assert [body["messages"][-1]["content"] for body in scripted.history] == [
        "A long question the model reads for a while.", "And now?",
    ]  # fmt: skip
