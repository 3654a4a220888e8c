"""A reply interrupted by the person's own browser: a switch to another page, a reload. Nothing typed or shown is
lost, and the stored conversation is what the page shows once the reply has ended."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, SETTLED, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser


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


def test_a_reload_mid_reply_keeps_the_question_and_the_text_shown_marked_stopped(chatbot: Page, scripted):
    scripted.enqueue(Step(text="word " * 30, chunks=30, delay=0.1))
    send(chatbot, "Thirty words, please.")
    reply = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(reply).to_contain_text("word word", timeout=REPLY_TIMEOUT)
    chatbot.reload()
    messages = conversation(chatbot)
    expect(messages.nth(0)).to_contain_text("Thirty words, please.", timeout=REPLY_TIMEOUT)
    wait_until_idle(chatbot)
    # The session that asked is gone: its run ends, recording the reply as far as it was shown. A reload that came
    # before that record shows the question alone; the next one shows both.
    for _ in range(30):  # each round is a reload waited on to its end
        if messages.count() == 2:
            break
        chatbot.reload()
        expect(messages.nth(0)).to_contain_text("Thirty words, please.", timeout=REPLY_TIMEOUT)
        wait_until_idle(chatbot)
    expect(messages).to_have_count(2, timeout=UI_TIMEOUT)
    expect(messages.nth(1).get_by_test_id("stChatMessageContent")).to_have_text(
        re.compile(r"^(word ?)+Stopped before the reply finished\.$"), timeout=UI_TIMEOUT
    )
    assert len(scripted.history) == 1
