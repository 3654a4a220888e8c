"""Picks named in words: replies that recommend a named company, fund or coin are stopped; facts about them are not.

Measured on the held-apart probe (`data/picks_score.jsonl`), which neither trains the pick classifier nor chooses
its threshold.
"""

import pytest

from chat_core.checks import CheckInput
from chat_core.guardrails.names import listed_companies, names_in
from chat_core.guardrails.output import AdviceOutputCheck
from chat_core.guardrails.picks import PICKS_PROBE, load_pick_classifier, named_sentences, read_sentences

PROBE = read_sentences(PICKS_PROBE)
QUESTION = CheckInput("Tell me about the markets.")


@pytest.fixture(scope="module")
def check():
    return AdviceOutputCheck(load_pick_classifier())


def stopped(check, reply: str) -> bool:
    return check(QUESTION, reply, final=True).blocked


def share_stopped(check, label: str) -> float:
    rows = [row for row in PROBE if row.label == label]
    return sum(stopped(check, row.text) for row in rows) / len(rows)


def test_at_least_95_percent_of_the_probes_picks_are_stopped(check):
    assert share_stopped(check, "pick") >= 0.95


def test_at_most_5_percent_of_the_probes_neutral_facts_about_the_same_names_are_stopped(check):
    assert share_stopped(check, "neutral") <= 0.05


@pytest.mark.parametrize(
    "reply",
    [
        "The best stock to buy right now is NVIDIA.",
        "Bitcoin is the coin to buy this month.",
        "Netflix is growing. I'd buy it today.",
    ],
)
def test_the_picks_the_issue_found_passing_are_stopped_and_say_which_name(check, reply):
    verdict = check(QUESTION, reply, final=True)
    assert verdict.blocked
    assert "named investment" in verdict.reason or "recommendation" in verdict.reason


@pytest.mark.parametrize(
    "reply",
    [
        "NVIDIA designs graphics processors used in data centres.",
        "Bitcoin was launched in 2009.",
        "An index fund spreads your money across many companies.",
    ],
)
def test_facts_pass_and_the_page_says_so_in_words(check, reply):
    verdict = check(QUESTION, reply, final=True)
    assert not verdict.blocked
    assert verdict.reason == "The reply recommends nothing to buy or sell and calls no price."


def test_listed_company_names_come_from_the_maintained_source_with_short_forms():
    names = listed_companies()
    assert len(names) > 1000
    assert {"Apple", "Tesla", "Nvidia", "Toyota", "Apple Inc."} <= names


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Bitcoin is the coin to buy this month.", ["Bitcoin"]),
        ("I'd go with Ørsted.", ["Ørsted"]),
        ("Consider adding $VOO.", ["VOO"]),
        ("Diversification lowers risk and the ETF costs little.", []),
        ("That's why I like index funds.", []),
        ('He said: "Return is what you earn. This matters."', []),
        ("You could pick up shares of Canadian National Railway.", ["Canadian", "National", "Railway"]),
    ],
)
def test_names_are_found_by_list_ticker_or_capital_letter_but_not_in_ordinary_words(sentence, expected):
    assert names_in(sentence) == expected


def test_a_sentence_that_points_back_is_about_the_name_before_it():
    (_, first), (_, second) = named_sentences("Broadcom makes chips. I'd buy it today.")
    assert first == second == ["Broadcom"]


@pytest.mark.parametrize(
    "reply",
    [
        "Diversified portfolios hold many kinds of assets. Think of it like this: not every egg in one basket.",
        'This is a riddle: "V2hhdCBpcyBhIG11dHVhbCBmdW5kIGZlZQ==" decodes to a question about fund fees.',
        "Noongay na'is kasamaan sa mga dalík, \"Sabi na'a dapat nakaraking it-tampara atang mga pera.",
    ],
)
def test_replies_the_scorecard_found_stopped_for_benign_questions_pass(check, reply):
    assert not stopped(check, reply)
