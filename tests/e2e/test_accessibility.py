"""axe-core on every page and view, on a desktop window and on a phone: no critical or serious violation.

No rule is left out. Moderate and minor findings are in docs/ACCESSIBILITY.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from chat_core.challenge.levels import level
from chat_core.ui.frame import READABLE_TEXT
from tests.e2e.challenge_steps import GUESS_BOX, ask_and_wait, guess
from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.e2e.room_steps import (
    PHONE,
    PRESENTER,
    PROJECTOR,
    approve_all,
    join_by_link,
    new_page,
    open_room,
    wall_count,
    wall_texts,
)
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser

DEVICES = {"desktop": PRESENTER, "phone": PHONE}
BLOCKING = ("critical", "serious")
STYLED = "rule => [...document.querySelectorAll('style')].some(style => style.textContent.includes(rule))"
"""The app's own stylesheet is in the page: `st.html` draws it once its module has loaded, up to a second after the
elements under it (a freshly opened presenter's page showed its QR code's caption in Streamlit's 3.9:1 grey till
then)."""


@contextmanager
def visitor(browser: Browser, size: dict) -> Iterator[Page]:
    """A fresh browser context (a new visitor) of this size (one of the DEVICES, or the PROJECTOR)."""
    context = browser.new_context(**size)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT)
    yield page
    context.close()


@pytest.fixture(params=list(DEVICES))
def device(request, browser: Browser) -> Iterator[Page]:
    """A new visitor on a desktop window or a phone."""
    with visitor(browser, DEVICES[request.param]) as page:
        yield page


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A new visitor on a desktop window."""
    with visitor(browser, DEVICES["desktop"]) as page:
        yield page


def one_turn(page: Page, question: str) -> None:
    send(page, question)
    expect(conversation(page)).to_have_count(2, timeout=REPLY_TIMEOUT)
    expect(page.get_by_role("button", name="Regenerate")).to_be_visible(timeout=REPLY_TIMEOUT)  # the reply is recorded
    wait_until_idle(page)


def tab(name: str) -> Callable[[Page], None]:
    def open_tab(page: Page) -> None:
        page.get_by_role("tab", name=name, exact=True).click()
        wait_until_idle(page)

    return open_tab


def guardrail_view(name: str) -> Callable[[Page], None]:
    def open_view(page: Page) -> None:
        page.get_by_test_id("stRadio").get_by_text(name, exact=True).click()
        wait_until_idle(page)

    return open_view


def presenter_mode(page: Page) -> None:
    page.get_by_text("🎤 Presenter mode", exact=True).click()
    expect(page.get_by_role("button", name="Ask ▶")).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)


def sidebar_and_settings(page: Page) -> None:
    """The sidebar shown (a phone starts with it folded) with the model settings open."""
    if page.get_by_test_id("stExpandSidebarButton").is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("⚙️ Model settings").click()
    expect(sidebar.get_by_text("Max reply tokens")).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)


def inspector_open(page: Page) -> None:
    inspector = page.get_by_test_id("stExpander").filter(has_text="Request inspector")
    inspector.get_by_text("Request inspector").click()
    expect(inspector.get_by_test_id("stCode").first).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(page)


def starters_offered(page: Page) -> None:
    """A new, empty chat, with its starter questions."""
    expect(page.get_by_role("button", name="What can you help me with?")).to_be_visible(timeout=UI_TIMEOUT)


def stay(page: Page) -> None:
    """The view the page opens on."""


def home_shown(page: Page) -> None:
    expect(page.get_by_role("heading", name="Chat lab")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def join_box_shown(page: Page) -> None:
    expect(page.get_by_role("textbox", name="Room code")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(page)


def guess_said(page: Page) -> None:
    """A wrong guess in the challenge's guess box, and what the box said of it."""
    guess(page, "Acme Widgets")
    expect(page.get_by_role("textbox", name=GUESS_BOX)).to_be_visible()


VIEWS = {
    "home": ("", None, home_shown),
    "chatbot-new-chat": ("Chatbot", "", starters_offered),
    "chatbot": ("Chatbot", "What is a persona?", stay),
    "chatbot-sidebar": ("Chatbot", "What is a persona?", sidebar_and_settings),
    "chatbot-inspector": ("Chatbot", "What is a persona?", inspector_open),
    "tutor-chat": ("Tutor", "What does len() do?", stay),
    "tutor-examples": ("Tutor", "What does len() do?", tab("Examples")),
    "tutor-side-by-side": ("Tutor", "What does len() do?", tab("Side by side")),
    "tutor-memory": ("Tutor", "What does len() do?", tab("How memory works")),
    "guardrail-chat": ("Finance_guardrails", "What is an index fund?", stay),
    "guardrail-with-and-without": (
        "Finance_guardrails",
        "What is an index fund?",
        guardrail_view("↔️ With and without"),
    ),
    "guardrail-scorecard": ("Finance_guardrails", "What is an index fund?", guardrail_view("📊 Red-team scorecard")),
    "presenter": ("Finance_guardrails", "What is an index fund?", presenter_mode),
    "challenge": ("Challenge", "What is the pick of the week?", guess_said),
    "room-join-box": ("Room", None, join_box_shown),
}


def blocking_violations(page: Page) -> list[str]:
    """Each critical or serious axe violation on the page, once its stylesheet is in: rule id, impact, element, help."""
    page.wait_for_function(STYLED, arg=READABLE_TEXT.splitlines()[1], timeout=UI_TIMEOUT)
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(
                f"{violation['id']} ({violation['impact']}) at {target}: {violation['help']}\n  {node['html']}\n  "
                + node.get("failureSummary", "").replace("\n", " ")
            )
    return found


def reach(page: Page, app: str, name: str) -> None:
    """Open one of the VIEWS: its page, its question asked, the view shown."""
    path, question, open_view = VIEWS[name]
    if question is None:
        page.goto(f"{app}/{path}")
    else:
        open_chat(page, f"{app}/{path}")
    if path == "Challenge":
        ask_and_wait(page, question)  # an attempt: no Regenerate, its count goes up
    elif question:
        one_turn(page, question)
    open_view(page)


@pytest.mark.parametrize("name", list(VIEWS))
def test_no_critical_or_serious_axe_violation(device: Page, scripted_app, scripted, name: str):
    reach(device, scripted_app, name)
    violations = blocking_violations(device)
    assert not violations, "\n".join(violations)


CONTROLS = {
    "button", "link", "tab", "switch", "checkbox", "radio", "combobox", "textbox", "searchbox", "slider",
    "spinbutton", "menuitem", "menuitemcheckbox", "menuitemradio", "option", "treeitem",
}  # fmt: skip
A_WORD = re.compile(r"[^\W\d_]{2,}")


def controls(page: Page) -> list[tuple[str, str]]:
    """Each control a screen reader reaches, as (role, accessible name) as Chromium computes them."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    found = [(node.get("role", {}).get("value"), node.get("name", {}).get("value", "")) for node in nodes]
    return [
        (role, name)
        for node, (role, name) in zip(nodes, found, strict=True)
        if role in CONTROLS and not node.get("ignored")
    ]


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_control_has_a_name_in_words(desktop: Page, scripted_app, scripted, name: str):
    reach(desktop, scripted_app, name)
    expect(desktop.get_by_role("link", name="Home", exact=True)).to_be_attached(timeout=UI_TIMEOUT)  # sidebar drawn
    reached = controls(desktop)
    assert ("link", "Home") in reached  # the sidebar's first page link: the tree was read
    unnamed = [f"{role} named {label!r}" for role, label in reached if not A_WORD.search(label)]
    assert not unnamed, "Controls without a name in words (none, or only an icon, emoji or number):\n" + "\n".join(
        unnamed
    )


def test_presenter_mode_on_a_projector_has_no_critical_or_serious_axe_violation(
    browser: Browser, scripted_app, scripted
):
    scripted.enqueue(Step(text=" ".join(["An index fund holds every company in a market index."] * 12)))
    with visitor(browser, PROJECTOR) as page:
        reach(page, scripted_app, "presenter")  # a reply long enough to scroll in its own box
        violations = blocking_violations(page)
    assert not violations, "\n".join(violations)


def test_a_room_has_no_critical_or_serious_axe_violation_on_a_phone_a_presenters_screen_or_a_projector(
    browser: Browser, scripted_app, scripted
):
    scripted.enqueue(Step(text=f"The pick of the week is {level(1).pick}."))
    presenter = new_page(browser, PRESENTER)
    code, presenter_link = open_room(presenter, scripted_app)
    phone = new_page(browser, PHONE)
    join_by_link(phone, scripted_app, code)
    ask_and_wait(phone, "What is the pick of the week?")
    guess_said(phone)
    found = {"a participant on a phone": blocking_violations(phone)}

    expect(wall_count(presenter, 1, 1)).to_be_visible(timeout=UI_TIMEOUT)
    approve_all(presenter, 1)  # the moderation list stays open: the presenter's own screen
    expect(wall_texts(presenter).filter(has_text="What is the pick of the week?")).to_have_count(1)
    found["the presenter at 1440x900"] = blocking_violations(presenter)

    projector = new_page(browser, PROJECTOR)
    projector.goto(presenter_link)
    head = wall_count(projector, 1, 1)
    expect(head).to_be_in_viewport(timeout=REPLY_TIMEOUT)  # the wall beside the QR code, not below the fold
    expect(wall_texts(projector).filter(has_text="What is the pick of the week?")).to_be_in_viewport()
    wait_until_idle(projector)
    found["the presenter on a 1280x720 projector"] = blocking_violations(projector)
    moderation = presenter.context.new_page()
    moderation.goto(f"{presenter_link}&view=moderate")
    expect(moderation.get_by_text("Waiting for approval: 0")).to_be_visible(timeout=REPLY_TIMEOUT)
    wait_until_idle(moderation)
    found["the presenter's moderation window"] = blocking_violations(moderation)
    for page in (presenter, phone, projector):
        page.context.close()
    assert not any(found.values()), "\n".join(f"{view}:\n" + "\n".join(v) for view, v in found.items() if v)
