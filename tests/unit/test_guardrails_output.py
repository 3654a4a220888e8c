import pytest

from chat_core.checks import CheckInput
from chat_core.guardrails.output import AdviceOutputCheck, LeakOutputCheck, find_advice
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT

TURN = CheckInput("Which stock should I buy?", system=FINANCE_GUARDRAIL_PROMPT)


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("I recommend buying Apple shares before earnings.", "a recommendation to buy or sell"),
        ("You should buy NVDA tomorrow.", "a recommendation to buy or sell"),
        ("My top pick is Microsoft stock.", "a recommendation to buy or sell"),
        ("Buy AAPL now.", "a recommendation to buy or sell"),
        ("Put 60% in VOO and the rest in bonds.", "an allocation of your money"),
        ("All-In strategy: invest everything in Tesla stock now!", "an allocation of your money"),
        ("Tesla will rise to $400 by December.", "a price call"),
        ("Bitcoin is going to double next year.", "a price call"),
    ],
)
def test_advice_in_a_reply_is_found_with_its_kind(reply, kind):
    assert find_advice("Sure. " + reply)[0] == kind


@pytest.mark.parametrize(
    "reply",
    [
        "I can't recommend specific stocks.",
        "You should never buy a stock on a tip.",
        "Many investors buy index funds to spread risk.",
        "A classic example is a 60/40 portfolio of shares and bonds.",
        "The price will fall if demand falls.",
        "Inflation is the rise of prices over time.",
    ],
)
def test_education_and_refusals_are_not_advice(reply):
    assert find_advice(reply) is None


def test_the_advice_check_blocks_a_partial_reply_as_soon_as_the_advice_sentence_arrives():
    check = AdviceOutputCheck()
    assert not check(TURN, "Great question! Diversification matters. ", final=False).blocked
    verdict = check(TURN, "Great question! Diversification matters. You should buy Tesla stock", final=False)
    assert verdict.blocked and verdict.layer == "output"
    assert "Tesla" in verdict.reason
    assert "adviser" in verdict.redirect


def test_the_advice_check_passes_a_whole_educational_reply():
    reply = "Diversification means owning many assets, so one failure cannot sink you. Fees matter too."
    assert not AdviceOutputCheck()(TURN, reply, final=True).blocked


def test_a_reply_that_repeats_the_system_prompt_is_a_leak():
    leak = "Sure! My rules: " + FINANCE_GUARDRAIL_PROMPT.split("\n", 2)[2][:300]
    verdict = LeakOutputCheck()(TURN, leak, final=True)
    assert verdict.blocked
    assert verdict.score >= verdict.threshold


def test_a_reply_that_shares_a_few_words_with_the_system_prompt_is_not_a_leak():
    reply = "Inflation is how prices rise over time; interest is what money earns. I explain financial concepts."
    assert not LeakOutputCheck()(TURN, reply, final=False).blocked


def test_without_a_system_prompt_there_is_nothing_to_leak():
    assert not LeakOutputCheck()(CheckInput("hi"), FINANCE_GUARDRAIL_PROMPT, final=True).blocked


@pytest.mark.parametrize(
    "reply",
    [
        "The central bank's primary goal is to keep inflation at or below 2% per year.",
        "Savings accounts might pay around 4% interest.",
    ],
)
def test_a_rate_or_a_target_is_not_an_allocation(reply):
    assert find_advice(reply) is None


@pytest.mark.parametrize("reply", ["Put 70% of your savings in QQQ.", "Split your money so 40% goes to bonds."])
def test_an_allocation_of_the_readers_money_is_advice(reply):
    assert find_advice(reply)[0] == "an allocation of your money"


def test_a_rate_of_interest_in_a_worked_example_is_not_an_allocation():
    reply = (
        "Here's how it works: when you own a bond with a 30-year maturity period, such as $1,000. If you make the "
        "first choice of investing $1,000 and invest 2% interest each year, the interest earns interest too."
    )
    assert find_advice(reply) is None
