import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.catalog import CHALLENGE, CHAT_PAGES, ROOM
from chat_core.store import Store, make_engine
from chat_core.ui.keys import inspector_open
from tests.conftest import DETERMINISTIC

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    **{key: entry.file for key, entry in CHAT_PAGES.items()},
    "home": "app.py",
    "challenge": CHALLENGE.file,
    "room": ROOM.file,
}


@pytest.fixture
def deterministic_env(monkeypatch):
    for name, value in {**DETERMINISTIC, "CHAT_MAX_TOKENS": "24"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def open_page(deterministic_env):
    """An AppTest of one page, run once; the embedded model answers unless a test points elsewhere."""

    def open_(name: str) -> AppTest:
        app = AppTest.from_file(str(ROOT / PAGES[name]), default_timeout=120)
        return app.run()

    return open_


@pytest.fixture
def scripted_env(monkeypatch, scripted):
    """Point the app at the scripted server."""
    monkeypatch.setenv("OPENAI_BASE_URL", scripted.base_url)
    monkeypatch.setenv("CHAT_MODEL", "scripted-model")
    monkeypatch.setenv("CHAT_RETRY_BACKOFF", "0")
    monkeypatch.setenv("CHAT_MAX_RETRIES", "0")
    return scripted


def send(app: AppTest, text: str) -> AppTest:
    app.chat_input[0].set_value(text)
    return app.run()


def shown(markdown: str) -> str:
    """Markdown source as the page displays it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n")


def app_store() -> Store:
    """The store the app under test writes to."""
    store = Store(make_engine(os.environ["CHAT_DATABASE_URL"]))
    store.ensure_ready()
    return store


def owner_of(app: AppTest) -> str:
    """Who the app's visitor is, as the store records owners."""
    return f"visitor:{app.session_state['visitor']}"


def alerts(elements) -> list[str]:
    """The text of errors, warnings or captions as the page shows them."""
    return [shown(element.value) for element in elements]


def history_labels(app: AppTest) -> list[str]:
    """The conversations listed in the sidebar, as shown."""
    return [shown(b.label) for b in app.sidebar.button if b.key.startswith("history.open.")]


def chat_texts(app: AppTest) -> list[tuple[str, str]]:
    """(role, text) of every chat message on the page, examples included: plain text and Markdown as shown."""
    return [
        (m.name, " ".join([t.value for t in m.text] + [shown(md.value) for md in m.markdown])) for m in app.chat_message
    ]


def inspector(app: AppTest, page: str, thread: str) -> dict:
    return app.session_state[f"{page}.{thread}.inspector"]


def open_fold(app: AppTest, key: str) -> AppTest:
    """Open a fold (an expander whose contents are drawn only while open), as a click on its header does."""
    app.session_state[key] = True
    return app.run()


def open_inspector(app: AppTest, name: str | None = None) -> AppTest:
    """Open a request inspector."""
    return open_fold(app, inspector_open(name))


def reopen(app: AppTest, page: str = "chatbot", **params: str) -> AppTest:
    """A new browser session on the same URL: what a reload does."""
    fresh = AppTest.from_file(str(ROOT / PAGES[page]), default_timeout=60)
    fresh.query_params.update({"v": app.session_state["visitor"], **params})
    return fresh.run()
