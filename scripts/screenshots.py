"""Take the README's screenshots: the app answered by the embedded model, one question on each chat page, in a
desktop window and on a phone (390 x 844, touch; saved as phone-*.png in 64 colours, each well under 150 KB).

Run: .venv/bin/python scripts/screenshots.py [--phone] [output folder, default docs/screenshots]
(--phone: the phone's only)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_ARGS, DEBIAN_CHROMIUM, open_chat, running_app, send, wait_until_idle  # noqa: E402

QUESTIONS = {
    "chatbot": ("Chatbot", "What is a system message?"),
    "tutor": ("Tutor", "How do I reverse a list?"),
    "finance": ("Finance_guardrails", "What is an index fund?"),
}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
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
            page.evaluate("document.activeElement.blur()")  # the page as a reader sees it, not while typing
        page.screenshot(path=str(folder / f"{name}.png"))
        small_png(folder / f"{name}.png")
    context.close()


def main(folder: Path, *, phone_only: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, running_app(Path(work)) as base_url, sync_playwright() as playwright:
        launch = {"executable_path": str(DEBIAN_CHROMIUM), "args": CHROMIUM_ARGS} if DEBIAN_CHROMIUM.exists() else {}
        browser = playwright.chromium.launch(**launch)
        if not phone_only:
            desktop_shots(browser, base_url, folder)
        phone_shots(browser, base_url, folder)
        browser.close()


if __name__ == "__main__":
    given = [arg for arg in sys.argv[1:] if arg != "--phone"]
    main(Path(given[0]) if given else ROOT / "docs" / "screenshots", phone_only="--phone" in sys.argv)
