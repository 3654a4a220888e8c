"""The one catalog of pages and threads matches the files on disk and the prompts."""

from pathlib import Path

import pytest

from chat_core.catalog import ALL_PAGES, CHAT_PAGES, HOME, chat_page, icon_of
from chat_core.prompts import CUSTOM_PERSONA, PERSONAS, TUTOR_SUBJECTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("entry", ALL_PAGES, ids=lambda entry: entry.key)
def test_every_page_file_exists(entry):
    assert (ROOT / entry.file).is_file()


def test_every_page_file_in_pages_is_in_the_catalog():
    assert {str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py")} == {
        e.file for e in ALL_PAGES if e.file.startswith("pages/")
    }


def test_threads_come_from_the_prompts():
    assert CHAT_PAGES["chatbot"].threads == (*PERSONAS, CUSTOM_PERSONA)
    assert CHAT_PAGES["tutor"].threads == tuple(TUTOR_SUBJECTS)
    assert CHAT_PAGES["finance"].threads == ("guardrails",)


def test_an_unknown_thread_falls_back_to_the_pages_first():
    tutor = CHAT_PAGES["tutor"]
    assert tutor.thread_or_first("Math") == "Math"
    assert tutor.thread_or_first("Astrology") == tutor.threads[0]


def test_the_home_page_holds_no_conversations():
    assert chat_page(HOME.key) is None
    assert chat_page(None) is None
    assert icon_of("home") == "💬"
    assert icon_of("tutor") == "🎓"


def test_addresses_and_icons_are_unique():
    assert len({e.url_path for e in ALL_PAGES}) == len({e.icon for e in ALL_PAGES}) == len(ALL_PAGES)
