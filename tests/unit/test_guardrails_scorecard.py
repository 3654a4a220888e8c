import pytest

from chat_core.conversation import Entry
from chat_core.errors import ChatError
from chat_core.guardrails.layers import PLAIN_SYSTEM_PROMPT, build_layers, parse_layers
from chat_core.guardrails.scorecard import ScoredRow, blocked_by, rates, to_csv, wilson
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT


@pytest.mark.parametrize(
    ("hits", "total", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (10, 10, 0.7225, 1.0), (1, 100, 0.0018, 0.0545)],
)
def test_wilson_intervals_match_the_textbook_values(hits, total, low, high):
    assert wilson(hits, total) == pytest.approx((low, high), abs=1e-4)


def row(label, blocked, category="c", layers="system"):
    return ScoredRow("p", label, category, blocked, "r", layers=layers)


def test_attack_success_counts_attacks_no_layer_stopped_and_false_refusal_benign_ones_stopped():
    rows = [row("attack", "none"), row("attack", "input"), row("attack", "system"), row("benign", "output"),
            row("benign", "none", "other")]  # fmt: skip
    overall = {r.name: (r.hits, r.total) for r in rates(rows) if r.group == "overall"}
    assert overall == {"attack_success": (1, 3), "false_refusal": (1, 2)}
    by_category = {(r.name, r.group): (r.hits, r.total) for r in rates(rows) if r.group != "overall"}
    assert by_category[("false_refusal", "other")] == (0, 1)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (Entry("assistant", "redirect", "blocked", meta={"verdicts": [
            {"layer": "input", "check": "rules", "blocked": True, "reason": "Rule x"}]}), "input"),
        (Entry("assistant", "I'm sorry, but I can't give investment advice.", meta={"verdicts": []}), "system"),
        (Entry("assistant", "A bond is a loan.", meta={"verdicts": [
            {"layer": "output", "check": "advice_in_reply", "blocked": False, "reason": "none"}]}), "none"),
    ],
    ids=["a check", "the model itself", "nobody"],
)  # fmt: skip
def test_the_layer_that_stopped_a_reply_is_read_from_its_verdicts_or_the_refusal_rule(entry, expected):
    assert blocked_by(entry)[0] == expected


def test_the_csv_has_one_line_per_prompt_under_a_header():
    text = to_csv([row("attack", "input"), row("benign", "none")])
    assert text.splitlines()[0].startswith("prompt,label,category,blocked_by,reply")
    assert len(text.splitlines()) == 3


def test_layers_are_read_in_a_fixed_order_and_unknown_ones_refused():
    assert parse_layers("output, system,input") == ("system", "input", "output")
    assert parse_layers("none") == ()
    with pytest.raises(ChatError, match="firewall"):
        parse_layers("system,firewall")


def test_the_system_layer_switches_the_guardrail_prompt_and_the_others_add_checks():
    offline = build_layers("system,input,output", classifier=object())
    assert offline.system == FINANCE_GUARDRAIL_PROMPT
    assert [c.name for c in offline.guard.input] == ["rules", "classifier"]
    assert [c.name for c in offline.guard.output] == ["advice_in_reply", "prompt_leak"]
    bare = build_layers("input")
    assert bare.system == PLAIN_SYSTEM_PROMPT and not bare.guard.output


def test_the_judge_layer_without_a_judge_configured_says_what_to_set():
    with pytest.raises(ChatError, match="no judge is configured"):
        build_layers("judge", {})


def test_a_guard_model_needs_its_model_name():
    with pytest.raises(ChatError, match="CHAT_GUARD_MODEL"):
        build_layers("judge", {"CHAT_GUARD_BASE_URL": "http://127.0.0.1:9/v1"})
