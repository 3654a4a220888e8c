import pytest

from chat_core.guardrails.judge import MODERATION_HAS_NO_FINANCE_CATEGORY, GuardModelJudge, judges_from_env
from chat_core.guardrails.redirects import ADVISER, redirect_for


@pytest.mark.parametrize(
    ("answer", "only", "blocked"),
    [("unsafe\nS6", (), True), ("unsafe\nS1", ("S6",), False), ("unsafe\nS6", ("S6",), True), ("safe", (), False)],
)
def test_a_guard_models_answer_blocks_only_for_the_chosen_categories(answer, only, blocked):
    judge = GuardModelJudge("http://127.0.0.1:9/v1", "llama-guard", blocked_categories=only)
    assert judge.verdict(answer, "q").blocked is blocked


def test_the_page_can_say_moderation_has_no_financial_advice_category():
    assert "no financial-advice category" in MODERATION_HAS_NO_FINANCE_CATEGORY


def test_judges_come_from_the_environment():
    judges = judges_from_env({"OPENAI_API_KEY": "sk-test", "CHAT_GUARD_BASE_URL": "http://127.0.0.1:9/v1",
                              "CHAT_GUARD_MODEL": "llama-guard", "CHAT_GUARD_CATEGORIES": "s6"})  # fmt: skip
    assert [j.name for j in judges] == ["openai_moderation", "guard_model"]
    assert judges[1].blocked_categories == ("S6",)


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("Will Tesla hit $400?", "Nobody can reliably predict"),
        ("What percent should go into bonds for me?", "asset allocation"),
        ("Which coin should I buy?", "Cryptocurrencies are very volatile"),
        ("Which stock should I buy?", "diversification"),
    ],
)
def test_a_redirect_explains_the_concept_behind_the_question_and_points_to_an_adviser(question, concept):
    text = redirect_for(question)
    assert concept in text
    assert text.endswith(ADVISER)
