"""Keyboard only: from a fresh page load, with keys alone (Tab, Shift+Tab, Enter, Space, arrows; no pointer), reach
the chat input, send, stop a streaming reply, regenerate, move between versions, open a conversation from the
history, switch a guardrail layer and guess the challenge's pick; at every stop the focus is drawn and not hidden
under anything.

Locators only say where the focus should be; every action is a key press."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from chat_core.challenge.levels import level
from chat_core.ui.announce import REGION
from tests.e2e.challenge_steps import GUESS_BOX, expect_level
from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser

MOST_STOPS = 60
"""More Tab presses than any page has stops before the control a step looks for."""
RING_SHOWN = 5_000
"""Milliseconds for a focus ring to be drawn and seen: Streamlit fades some in (150 ms), and while a reply streams the
page scrolls to keep its end in view, which can take a loaded machine a few frames."""
FOCUS_SHOWN = r"""() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) return "the focus left the page's controls";
    const ringed = e => {
        const style = getComputedStyle(e);
        if (style.opacity === "0" || style.visibility === "hidden") return false;
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        return (outline && !/rgba\(.*, 0\)$|transparent/.test(style.outlineColor)) || style.boxShadow !== "none";
    };
    let why = "no ring";
    const seen = e => {  // in the window, and what the reader sees at its centre
        const box = e.getBoundingClientRect();
        if (box.width < 4 || box.height < 4 || box.bottom < 0 || box.top > innerHeight) {
            why = `out of the window (top ${Math.round(box.top)}, bottom ${Math.round(box.bottom)} of ${innerHeight})`;
            return false;
        }
        const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
        const shown = document.elementFromPoint(x, y);
        if (shown !== null && (e.contains(shown) || shown.contains(e))) return true;
        why = `covered by ${shown ? shown.outerHTML.slice(0, 120) : "nothing drawn"}`;
        return false;
    };
    // The ring is the focused control's own, or the box drawn around it: a switch's or radio's label (its own input
    // is hidden under the drawn one), a text field's frame.
    for (let box = focused, up = 0; box && up < 4; box = box.parentElement, up++) {
        if (ringed(box) && seen(box)) return "";
    }
    const name = focused.getAttribute("aria-label") || focused.innerText.trim().slice(0, 40);
    return `${focused.tagName} "${name}" has the focus, but no ring is seen around it: ${why}`;
}"""


def expect_focus_shown(page: Page) -> None:
    """The focused control has a focus ring (its own or its frame's) and stands in the window, uncovered, once its
    style's transitions (a heading's link fades in) have run."""
    try:
        page.wait_for_function(f"() => ({FOCUS_SHOWN})() === ''", timeout=RING_SHOWN)
    except PlaywrightTimeoutError:
        problem = page.evaluate(FOCUS_SHOWN)
        raise AssertionError(problem or "the focus ring came and went") from None


def focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement || element.contains(document.activeElement)")


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab backwards) until `target` has the focus, checking the focus is shown at every stop."""
    expect(target).to_be_attached(timeout=REPLY_TIMEOUT)
    for _ in range(MOST_STOPS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("document.activeElement !== document.body"):
            expect_focus_shown(page)
        if focused(target):
            return
    raise AssertionError(f"{MOST_STOPS} presses of {'Shift+' if backwards else ''}Tab never reached {target}")


def press(page: Page, key: str) -> None:
    """Press a key on the focused control, once it shows it has the focus."""
    expect_focus_shown(page)
    page.keyboard.press(key)


def last_reply(page: Page) -> Locator:
    return conversation(page).last


def test_chat_stop_regenerate_versions_history_and_a_guardrail_layer_by_keyboard_alone(
    page: Page, scripted_app, scripted
):
    scripted.enqueue(Step(text="tick ", chunks=1, delay=0.2, forever=True), Step(text="Blue."))
    open_chat(page, f"{scripted_app}/Chatbot")
    main = page.locator(".stMain")
    sidebar = page.get_by_test_id("stSidebar")

    box = page.get_by_test_id("stChatInputTextArea")
    tab_to(page, box)
    page.keyboard.type("Count slowly.")
    press(page, "Enter")
    expect(last_reply(page).get_by_test_id("stChatMessageContent")).to_contain_text("tick", timeout=REPLY_TIMEOUT)

    stop = main.get_by_role("button", name="Stop")
    tab_to(page, stop, backwards=True)  # the reply streams above the input
    press(page, "Enter")
    expect(stop).to_have_count(0, timeout=REPLY_TIMEOUT)
    expect(last_reply(page)).to_contain_text("Stopped", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)

    tab_to(page, main.get_by_role("button", name="Regenerate"))
    press(page, "Enter")
    expect(last_reply(page)).to_contain_text("Blue.", timeout=REPLY_TIMEOUT)
    expect(last_reply(page)).to_contain_text("2/2", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)

    tab_to(page, last_reply(page).get_by_role("button", name="Previous version"), backwards=True)
    press(page, "Enter")
    expect(last_reply(page)).to_contain_text("1/2", timeout=UI_TIMEOUT)
    expect(last_reply(page)).to_contain_text("tick", timeout=UI_TIMEOUT)
    wait_until_idle(page)
    tab_to(page, last_reply(page).get_by_role("button", name="Next version"))
    press(page, "Space")
    expect(last_reply(page)).to_contain_text("2/2", timeout=UI_TIMEOUT)
    wait_until_idle(page)

    tab_to(page, sidebar.get_by_role("button", name="New chat"))
    press(page, "Enter")
    expect(conversation(page)).to_have_count(0, timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    tab_to(page, sidebar.get_by_role("button", name="Count slowly."))
    press(page, "Enter")
    expect(conversation(page)).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(last_reply(page)).to_contain_text("Blue.", timeout=REPLY_TIMEOUT)
    wait_until_idle(page)

    tab_to(page, sidebar.get_by_role("link", name="Finance guardrails"))
    press(page, "Enter")
    layer = page.get_by_role("switch", name="Output check")
    expect(layer).to_be_checked(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)
    tab_to(page, layer)
    press(page, "Space")
    expect(layer).not_to_be_checked(timeout=UI_TIMEOUT)
    wait_until_idle(page)
    views = page.get_by_role("radiogroup", name="View")
    tab_to(page, views.get_by_role("radio", checked=True))
    press(page, "ArrowRight")
    expect(views.get_by_role("radio", name="With and without")).to_be_checked(timeout=UI_TIMEOUT)
    expect(page.get_by_role("button", name="Ask both")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def test_a_challenge_guess_by_keyboard_alone(page: Page, scripted_app, scripted):
    pick = level(1).pick
    open_chat(page, f"{scripted_app}/Challenge")
    tab_to(page, page.get_by_role("textbox", name=GUESS_BOX))
    page.keyboard.type(pick.upper())
    press(page, "Enter")  # submits the guess box's form

    told = f"Right: the pick was {pick}. Level 2 is unlocked."
    expect(page.get_by_test_id("stAlert").filter(has_text=told)).to_be_visible(timeout=UI_TIMEOUT)
    region = page.locator(f"#{REGION}")
    expect(region).to_have_text(told, timeout=UI_TIMEOUT)  # announced to screen readers, politely
    expect(region).to_have_attribute("aria-live", "polite")
    expect_level(page, "Level 2: A system prompt that forbids it")
    expect(page.get_by_role("textbox", name=GUESS_BOX)).to_have_value("")
    assert scripted.history == [], "a guess goes to no model"
