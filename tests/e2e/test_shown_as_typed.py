"""Text a person typed is shown exactly as typed; nothing a reply or a title names is fetched by the browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, UI_TIMEOUT, conversation, open_chat, said, send, wait_until_idle
from tests.support.scripted_server import Step

pytestmark = pytest.mark.browser


@pytest.fixture
def chatbot(page: Page, scripted_app, scripted) -> Page:
    """The chatbot page of the scripted app, in a browser context of its own (a new visitor)."""
    open_chat(page, f"{scripted_app}/Chatbot")
    return page


def settle(page: Page) -> None:
    """Wait until the run is over and the browser has drawn (and would have fetched) what it shows."""
    wait_until_idle(page)
    page.wait_for_load_state("networkidle")


def test_the_users_text_keeps_its_shortcodes_directives_and_addresses(chatbot: Page, scripted):
    typed = ":smile: :red[b] :material/home: $x^2$ https://example.com/a.b_c **not bold**"
    send(chatbot, typed)
    question = said(conversation(chatbot).first)
    expect(question).to_have_text(typed, timeout=REPLY_TIMEOUT)
    settle(chatbot)
    expect(question.locator("a, strong, img, span[data-testid='stIconMaterial']")).to_have_count(0)


def test_a_title_is_plain_text_in_the_history_and_the_delete_question(chatbot: Page, scripted, trap):
    title = f"![x]({trap.url}/t.png) **b** :red[r] :smile:"  # under the 60 characters a title keeps
    send(chatbot, title)
    sidebar = chatbot.get_by_test_id("stSidebar")
    entry = sidebar.get_by_role("button", name=f"🤖 {title}", exact=True)
    expect(entry).to_be_visible(timeout=REPLY_TIMEOUT)
    settle(chatbot)
    expect(entry.locator("img, strong, span[style*='color']")).to_have_count(0)
    sidebar.get_by_text("Rename, export or delete this conversation").click()
    delete = sidebar.get_by_role("button", name="Delete conversation")
    expect(delete).to_be_visible(timeout=UI_TIMEOUT)
    wait_until_idle(chatbot)  # the fold's run has ended: a click during it is lost with the button it redraws
    delete.click()
    expect(sidebar.get_by_role("button", name="Yes, delete")).to_be_visible(timeout=UI_TIMEOUT)
    question = sidebar.get_by_test_id("stAlert").filter(has_text="for good")
    expect(question).to_have_text(f"Delete “{title}” for good?", timeout=UI_TIMEOUT)
    settle(chatbot)
    assert trap.requests == []


def test_images_a_reply_names_are_never_fetched_and_show_their_address(chatbot: Page, scripted, trap):
    leak = f"{trap.url}/leak.png?q=secret"
    reply = (
        f"Inline ![chart]({leak}) then by reference ![plot][p] and raw <img src='{trap.url}/raw.png'>.\n\n"
        f"[p]: {trap.url}/reference.png"
    )
    scripted.enqueue(Step(text=reply, chunks=12, delay=0.05))
    send(chatbot, "Show me a chart.")
    shown = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(shown).to_contain_text(leak, timeout=REPLY_TIMEOUT)
    expect(shown).to_contain_text(f"{trap.url}/reference.png", timeout=UI_TIMEOUT)
    settle(chatbot)
    expect(shown.locator("img")).to_have_count(0)
    expect(shown.get_by_role("link", name=leak)).to_have_attribute("href", leak)
    chatbot.reload()
    expect(conversation(chatbot).nth(1)).to_contain_text(leak, timeout=REPLY_TIMEOUT)
    settle(chatbot)
    assert trap.requests == []


def test_a_hostile_reply_stays_inert_in_the_chat_and_in_the_open_inspector(chatbot: Page, scripted, trap):
    reply = (
        '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2">\n\n'
        f"Then [click](javascript:window.__xss=3) ![i]({trap.url}/img.png) [a link]({trap.url}/page)"
    )
    scripted.enqueue(Step(text=reply, chunks=6, delay=0.05))
    send(chatbot, "Say something hostile.")
    shown = conversation(chatbot).nth(1).get_by_test_id("stChatMessageContent")
    expect(shown).to_contain_text(f"{trap.url}/img.png", timeout=REPLY_TIMEOUT)
    settle(chatbot)
    scripted.enqueue(Step(text="Fine."))
    send(chatbot, "And now?")  # the next request carries the hostile reply: the inspector shows it
    expect(conversation(chatbot).nth(3)).to_contain_text("Fine.", timeout=REPLY_TIMEOUT)
    settle(chatbot)
    inspector = chatbot.get_by_test_id("stExpander").filter(has_text="Request inspector")
    inspector.get_by_text("Request inspector").click()
    code = inspector.get_by_test_id("stCode").filter(has_text="<script>window.__xss=1</script>")
    expect(code.first).to_be_visible(timeout=UI_TIMEOUT)
    settle(chatbot)
    assert chatbot.evaluate("window.__xss") is None, "a script in the reply ran"
    assert chatbot.locator("a[href^='javascript:']").count() == 0
    expect(shown.locator("img")).to_have_count(0)
    expect(shown.get_by_role("link", name="a link")).to_have_attribute("href", f"{trap.url}/page")
    assert trap.requests == [], "the browser fetched what the reply named"
