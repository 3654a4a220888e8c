"""The tutor lab in Chromium against the scripted server: the example editor, side by side, the context chart."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, TWO_FRAMES, UI_TIMEOUT, open_chat, send, wait_until_idle
from tests.support.scripted_server import Step

SHOTS = Path(os.environ.get("CHAT_SCREENSHOT_DIR") or Path(tempfile.gettempdir(), "chat-lab-screenshots"))
"""Where the docs' screenshots are written: CHAT_SCREENSHOT_DIR=docs/screenshots refreshes them; a test run
leaves the repo as it was."""
ROW_HEIGHT = 35
"""The data editor's row height in pixels (the header row has the same)."""
LONG_REPLY = " ".join(f"word{n}" for n in range(60))


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def shoot(page: Page, name: str, at: Locator | None = None) -> None:
    """A screenshot for the docs: Streamlit scrolls inside its main area, so the window is made tall first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1500})
    if at is not None:
        at.scroll_into_view_if_needed(timeout=UI_TIMEOUT)
    page.evaluate(TWO_FRAMES)
    page.screenshot(path=str(SHOTS / f"tutor-lab-{name}.png"))


def edit_cell(page: Page, row: int, column_x: float, text: str) -> None:
    """Type into one cell of the example table: double-click opens its editor, Enter keeps the new text."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed(timeout=UI_TIMEOUT)
    expect(grid.locator("canvas").first).to_be_visible(timeout=UI_TIMEOUT)
    grid.dblclick(position={"x": column_x, "y": ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2})
    editor = page.locator(".gdg-input, #portal textarea").first
    expect(editor).to_be_visible(timeout=UI_TIMEOUT)
    editor.fill(text)
    editor.press("Enter")


@pytest.mark.browser
def test_a_teacher_edits_a_cell_saves_the_set_and_the_chat_sends_it(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="`x[::-1]`"))
    open_chat(page, f"{scripted_app}/Tutor")
    tab(page, "Examples")
    edit_cell(page, 0, 150, "What does len(x) return?")
    expect(page.get_by_text("Edited from “Python”")).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)
    name = page.get_by_label("Name")
    name.fill("My Python")
    name.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="💾 Save set").click()
    chosen = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Example set")
    expect(chosen).to_have_value("My Python", timeout=UI_TIMEOUT)
    wait_until_idle(page)
    shoot(page, "examples")
    tab(page, "Chat")
    send(page, "How do I reverse a list?")
    expect(page.get_by_test_id("stApp").get_by_text("x[::-1]")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    assert scripted.history[-1]["messages"][1] == {"role": "user", "content": "What does len(x) return?"}


@pytest.mark.browser
def test_the_inspector_draws_the_context_window(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="A list keeps order."), Step(text="A set does not."))
    open_chat(page, f"{scripted_app}/Tutor")
    send(page, "What is a list?")
    expect(page.get_by_test_id("stApp").get_by_text("A list keeps order.")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    send(page, "And a set?")
    expect(page.get_by_test_id("stApp").get_by_text("A set does not.")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    inspector = page.get_by_test_id("stExpander").filter(has_text="Request inspector")
    inspector.get_by_text("Request inspector").click()
    chart = inspector.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first
    expect(chart).to_be_visible(timeout=UI_TIMEOUT)
    expect(inspector.get_by_text("tokens are the request")).to_be_visible(timeout=UI_TIMEOUT)
    expect(page.get_by_test_id("stFeedback")).to_have_count(2, timeout=UI_TIMEOUT)
    shoot(page, "chat", at=inspector.get_by_text("The context window"))


@pytest.mark.browser
def test_side_by_side_both_answer_and_one_stop_leaves_the_other_to_finish(page: Page, scripted_app, scripted):
    trickle = Step(text=LONG_REPLY, chunks=60, delay=0.1)
    scripted.enqueue(trickle, trickle)
    open_chat(page, f"{scripted_app}/Tutor")
    tab(page, "Side by side")
    page.get_by_role("button", name="Ask both").click()
    columns = page.get_by_test_id("stColumn")
    expect(columns.filter(has_text="word3")).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(page.get_by_text("The requests differ only in one place")).to_be_visible(timeout=UI_TIMEOUT)
    columns.filter(has_text="Zero-shot").get_by_role("button", name="Stop").click()
    expect(columns.filter(has_text="Stopped before the reply finished.")).to_have_count(1, timeout=REPLY_TIMEOUT)
    expect(columns.filter(has_text="word59")).to_have_count(1, timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    few_shot = columns.filter(has_text="Few-shot")
    expect(few_shot.get_by_text("Stopped before the reply finished.")).to_have_count(0)
    shoot(page, "side-by-side")


@pytest.mark.browser
def test_the_memory_walkthrough_sends_its_steps_to_the_chat(page: Page, scripted_app, scripted):
    scripted.enqueue(Step(text="Hello Ada."))
    open_chat(page, f"{scripted_app}/Tutor")
    tab(page, "How memory works")
    shoot(page, "memory")
    page.get_by_role("button", name="Send it in the Chat tab").first.click()
    tab(page, "Chat")
    expect(page.get_by_test_id("stApp").get_by_text("Hello Ada.")).to_be_visible(timeout=REPLY_TIMEOUT)
    assert scripted.history[-1]["messages"][-1] == {"role": "user", "content": "Hi! My name is Ada."}


@pytest.mark.browser
def test_in_the_chat_tab_the_conversation_and_the_new_reply_stand_above_the_input_box(
    page: Page, scripted_app, scripted
):
    scripted.enqueue(Step(text="Use sorted(items)."))
    open_chat(page, f"{scripted_app}/Tutor")
    send(page, "How do I sort a list?")
    reply = page.get_by_test_id("stApp").get_by_text("Use sorted(items).")
    expect(reply).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    box = page.get_by_test_id("stChatInputTextArea")
    question = page.locator('[data-testid="stChatMessage"]').filter(has_text="How do I sort a list?").last
    inspector = page.get_by_text("Request inspector", exact=False).first
    assert question.bounding_box()["y"] < reply.bounding_box()["y"] < box.bounding_box()["y"]
    assert inspector.bounding_box()["y"] < box.bounding_box()["y"]
