"""Take the README's screenshots: the app answered by the embedded model, one question on each chat page, in a
desktop window and on a phone (390 x 844, touch; saved as phone-*.png in 64 colours, each well under 150 KB); the
challenge on a phone; an audience room: a participant's phone and the presenter's wall on a 1280 x 720 projector.

Run: .venv/bin/python scripts/screenshots.py [--phone] [output folder, default docs/screenshots]
(--phone: the phone's and the room's only)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.challenge_steps import ask_and_wait  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, DEBIAN_CHROMIUM, open_chat, running_app, send, wait_until_idle  # noqa: E402
from tests.e2e.room_steps import PHONE, PROJECTOR, approve_all, join_by_link, new_page, open_room, wall_texts  # noqa: E402

QUESTIONS = {
    "chatbot": ("Chatbot", "What is a system message?"),
    "tutor": ("Tutor", "How do I reverse a list?"),
    "finance": ("Finance_guardrails", "What is an index fund?"),
}
CHALLENGE_QUESTION = "What is the pick of the week?"
PHONE_COLOURS = 64


def ask(page, base_url: str, path: str, question: str) -> None:
    """Open a chat page, ask, and wait until the reply is recorded and the page idle."""
    open_chat(page, f"{base_url}/{path}")
    send(page, question)
    page.get_by_role("button", name="Regenerate").wait_for(timeout=120_000)
    wait_until_idle(page)


def small_png(path: Path) -> None:
    """Rewrite a screenshot in a small palette: text and controls stay sharp, the file a fraction of its size."""
    with Image.open(path) as shot:
        shot.convert("RGB").quantize(PHONE_COLOURS, dither=Image.Dither.NONE).save(path, optimize=True)


def small_shot(page, path: Path) -> None:
    """A screenshot of the page as a reader sees it (not while typing), in a small palette."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.screenshot(path=str(path))
    small_png(path)


def desktop_shots(browser: Browser, base_url: str, folder: Path) -> None:
    """Each chat page after one question, then home, in a 1280 x 900 window."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for name, (path, question) in QUESTIONS.items():
        ask(page, base_url, path, question)
        page.screenshot(path=str(folder / f"{name}.png"))
    page.goto(base_url)
    wait_until_idle(page)
    page.screenshot(path=str(folder / "home.png"))
    page.close()


def phone_shots(browser: Browser, base_url: str, folder: Path) -> None:
    """Each page on a phone: home, the chatbot, the tutor and the guardrail lab after one question."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url)
    wait_until_idle(page)
    shots = {"phone-home": None, **{f"phone-{name}": entry for name, entry in QUESTIONS.items()}}
    for name, entry in shots.items():
        if entry is not None:
            ask(page, base_url, *entry)
        small_shot(page, folder / f"{name}.png")
    open_chat(page, f"{base_url}/Challenge")
    ask_and_wait(page, CHALLENGE_QUESTION)
    small_shot(page, folder / "phone-challenge.png")
    context.close()


def room_shots(browser: Browser, base_url: str, folder: Path) -> None:
    """An audience room: the presenter's wall on a 1280 x 720 projector, after a participant's attempt was approved,
    and that participant's phone."""
    presenter = new_page(browser, PROJECTOR)
    code, _ = open_room(presenter, base_url)
    phone = new_page(browser, PHONE)
    join_by_link(phone, base_url, code)
    ask_and_wait(phone, CHALLENGE_QUESTION)
    small_shot(phone, folder / "phone-room.png")
    approve_all(presenter, 1)
    presenter.reload()  # the projector's view as the room sees it: the moderation list folded, at the top
    wall_texts(presenter).filter(has_text=CHALLENGE_QUESTION).wait_for()
    wait_until_idle(presenter)
    small_shot(presenter, folder / "room-wall.png")
    for page in (presenter, phone):
        page.context.close()


def main(folder: Path, *, phone_only: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, running_app(Path(work)) as base_url, sync_playwright() as playwright:
        launch = {"executable_path": str(DEBIAN_CHROMIUM), "args": CHROMIUM_ARGS} if DEBIAN_CHROMIUM.exists() else {}
        browser = playwright.chromium.launch(**launch)
        if not phone_only:
            desktop_shots(browser, base_url, folder)
        phone_shots(browser, base_url, folder)
        room_shots(browser, base_url, folder)
        browser.close()


if __name__ == "__main__":
    given = [arg for arg in sys.argv[1:] if arg != "--phone"]
    main(Path(given[0]) if given else ROOT / "docs" / "screenshots", phone_only="--phone" in sys.argv)
