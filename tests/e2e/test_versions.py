"""Versions in Chromium: regenerate twice, move back to the first reply with the `‹ n/m ›` control, reload, and the
page still shows it; its JSON export imports back with all three replies."""

import json
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


def test_regenerate_twice_move_back_reload_and_a_json_export_imports_back_with_all_three_replies(
    page: Page, scripted_app, scripted, tmp_path
):
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
    wait_until_idle(page)
    exported = export_json(page)
    tree = json.loads(exported.read_text(encoding="utf-8"))["tree"]
    assert [m["content"] for m in tree["messages"]] == ["Name a colour.", "Red.", "Blue.", "Green."]
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("📥 Import a conversation", exact=True).click()
    saved_at = page.url
    upload = tmp_path / "colours.json"
    upload.write_text(exported.read_text(encoding="utf-8"), encoding="utf-8")
    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page).not_to_have_url(saved_at, timeout=REPLY_TIMEOUT)  # the import opens as a conversation of its own
    wait_until_idle(page)
    expect(last_reply_text(page)).to_have_text("Red.", timeout=REPLY_TIMEOUT)
    expect(conversation(page).last).to_contain_text("1/3", timeout=UI_TIMEOUT)
    conversation(page).last.get_by_role("button", name="Next version").click()
    expect(conversation(page).last).to_contain_text("2/3", timeout=UI_TIMEOUT)
    expect(last_reply_text(page)).to_have_text("Blue.", timeout=UI_TIMEOUT)


def export_json(page: Page):
    """Download the conversation's JSON export from the sidebar; its path."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Rename, export or delete this conversation").click()
    button = sidebar.get_by_role("button", name="JSON (messages list)")
    expect(button).to_be_visible(timeout=UI_TIMEOUT)
    with page.expect_download(timeout=UI_TIMEOUT) as pressed:
        button.click()
    return pressed.value.path()


def test_while_a_reply_streams_the_version_controls_and_continue_are_disabled_then_enabled_again(
    page: Page, scripted_app, scripted
):
    scripted.enqueue(Step(text="Red."), Step(text="Blue."), Step(text="Slow words ", chunks=1, delay=0.2, forever=True))
    open_chat(page, f"{scripted_app}/Chatbot")
    send(page, "Name a colour.")
    expect(last_reply(page)).to_contain_text("Red.", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    regenerate(page, "Blue.")
    first_reply = conversation(page).nth(1)
    send(page, "Tell me a long story.")
    expect(last_reply(page)).to_contain_text("Slow words", timeout=REPLY_TIMEOUT)
    for name in ("Previous version", "Continue from here in a new conversation"):
        expect(first_reply.get_by_role("button", name=name)).to_be_disabled(timeout=UI_TIMEOUT)
    streaming = conversation(page).last
    streaming.get_by_role("button", name="Stop").click(timeout=UI_TIMEOUT)
    expect(streaming.get_by_role("button", name="Stop")).to_have_count(0, timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    for name in ("Previous version", "Continue from here in a new conversation"):
        expect(conversation(page).nth(1).get_by_role("button", name=name)).to_be_enabled(timeout=UI_TIMEOUT)
    conversation(page).nth(1).get_by_role("button", name="Previous version").click()
    expect(conversation(page).nth(1)).to_contain_text("1/2", timeout=UI_TIMEOUT)
    expect(conversation(page)).to_have_count(2, timeout=UI_TIMEOUT)


def test_an_edit_resent_closes_its_box_and_shows_the_new_reply(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="About cats."), Step(text="About dogs."))
    open_chat(page, f"{scripted_app}/Chatbot")
    send(page, "Tell me about cats")
    expect(last_reply(page)).to_contain_text("About cats.", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    page.get_by_role("button", name="Edit last message").click()
    box = page.get_by_label("Edit your last message")
    box.fill("Tell me about dogs")
    page.get_by_role("button", name="Resend").click()
    expect(last_reply(page)).to_contain_text("About dogs.", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    expect(page.get_by_label("Edit your last message")).to_be_hidden(timeout=UI_TIMEOUT)
    expect(conversation(page).first).to_contain_text("2/2", timeout=UI_TIMEOUT)
