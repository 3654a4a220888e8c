"""Starter questions and the history's line for each conversation: data and small rules in pure core."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chat_core.catalog import CHAT_PAGES, origin_of, starter_questions, when_saved

NOW = datetime(2026, 5, 14, 15, 30, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("page", "thread"), [(page.key, thread) for page in CHAT_PAGES.values() for thread in page.threads]
)
def test_every_persona_subject_and_lab_offers_three_different_starter_questions(page, thread):
    questions = starter_questions(page, thread)
    assert len(questions) == 3
    assert len(set(questions)) == 3


def test_a_saved_example_set_offers_its_pages_first_subjects_starters():
    assert starter_questions("tutor", "My own set") == starter_questions("tutor", "Python")


def test_the_home_page_and_unknown_pages_offer_no_starters():
    assert starter_questions("home", "") == ()
    assert starter_questions("nowhere", "x") == ()


@pytest.mark.parametrize(
    ("page", "thread", "origin"),
    [
        ("chatbot", "Python tutor", "Chatbot · Python tutor"),
        ("tutor", "My own set", "Tutor · My own set"),
        ("finance", "guardrails", "Finance guardrails"),
        ("retired", "x", "Retired"),
    ],
)
def test_a_conversation_says_its_page_and_its_persona_or_example_set(page, thread, origin):
    assert origin_of(page, thread) == origin


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(hours=2), "today 13:30"),
        (timedelta(days=1), "13 May"),
        (timedelta(days=200), "26 Oct 2025"),
    ],
)
def test_a_date_is_the_time_today_the_day_this_year_else_the_full_date(ago, shown):
    assert when_saved(NOW - ago.total_seconds(), NOW, UTC) == shown


def test_a_date_reads_in_the_readers_time_zone():
    tokyo = timezone(timedelta(hours=9))
    assert when_saved(NOW - 3600, NOW, UTC) == "today 14:30"
    assert when_saved(NOW - 3600, NOW, tokyo) == "14 May"  # 23:30 yesterday in Tokyo, where it is now 00:30
