"""Take the README's screenshots: the app answered by the embedded model, one question on each chat page.

Run: .venv/bin/python scripts/screenshots.py [output folder, default docs/screenshots]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_ARGS, DEBIAN_CHROMIUM, open_chat, running_app, send, wait_until_idle  # noqa: E402

QUESTIONS = {
    "chatbot": ("Chatbot", "What is a system message?"),
    "tutor": ("Tutor", "How do I reverse a list?"),
    "finance": ("Finance_guardrails", "What is an index fund?"),
}


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, running_app(Path(work)) as base_url, sync_playwright() as playwright:
        launch = {"executable_path": str(DEBIAN_CHROMIUM), "args": CHROMIUM_ARGS} if DEBIAN_CHROMIUM.exists() else {}
        browser = playwright.chromium.launch(**launch)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, (path, question) in QUESTIONS.items():
            open_chat(page, f"{base_url}/{path}")
            send(page, question)
            page.get_by_role("button", name="Regenerate").wait_for(timeout=120_000)
            wait_until_idle(page)
            page.screenshot(path=str(folder / f"{name}.png"))
        page.goto(base_url)
        wait_until_idle(page)
        page.screenshot(path=str(folder / "home.png"))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
