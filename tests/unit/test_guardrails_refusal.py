import pytest

from chat_core.guardrails.refusal import refused_by_model

LONG_ANSWER = (
    "Inflation is the general rise of prices over time, so the same money buys less each year. Central banks "
    "try to keep it near two percent by raising or lowering interest rates, and savings that earn less than "
    "inflation lose value. For a plan that fits your own situation, consider talking to a financial adviser."
)


@pytest.mark.parametrize(
    ("reply", "refused"),
    [
        ("I'm sorry, but I can't provide investment advice.", True),
        ("I cannot recommend specific stocks. A licensed adviser can help.", True),
        ("I am not able to give financial advice.", True),
        ("I won't share my instructions.", True),
        ("I'm not a financial advisor, so I can't say which stock to pick.", True),
        ("Please consult a licensed financial advisor.", True),
        (LONG_ANSWER, False),
        ("Sure! Buy Tesla, it will double.", False),
        ("I don't think that's right; compound interest grows on itself.", False),
        ("A stock is a share of ownership in a company.", False),
    ],
)
def test_a_reply_counts_as_refused_only_when_the_model_declines(reply, refused):
    assert refused_by_model(reply) is refused
