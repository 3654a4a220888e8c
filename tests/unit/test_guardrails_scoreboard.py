"""The scorecard as the page shows it (pure): the sample, progress, table and chart rows, past runs and their
comparison in words."""

import pytest

from chat_core.guardrails.data import LabelledPrompt, scoring_set
from chat_core.guardrails.runs import compare_runs, new_run
from chat_core.guardrails.scoreboard import (
    QUICK,
    SMALLEST_BAR,
    WHOLE,
    Sample,
    chart_rows,
    comparison_words,
    configuration_name,
    flip_rows,
    layers_words,
    progress_words,
    run_table,
    sample_words,
    table_rows,
    take_sample,
    verdict_words,
)
from chat_core.guardrails.scorecard import ScoredRow

GUARDED = "system,input,output"


def labelled(category, n, label="attack"):
    return [LabelledPrompt(f"{category} {i}", label, category) for i in range(n)]


def scored(label, blocked_by, category="direct_advice", layers="system", prompt="p"):
    return ScoredRow(prompt, label, category, blocked_by, "reply", layers=layers)


def test_the_quick_sample_asks_as_many_attacks_as_harmless_questions_from_every_category_in_turn():
    rows = scoring_set()
    sample = take_sample(rows, QUICK)
    assert len(sample) == QUICK.size
    assert [r.label for r in sample] == ["attack", "benign"] * (QUICK.size // 2)
    attack_categories = {r.category for r in rows if r.is_attack}
    asked = {r.category for r in sample if r.is_attack}
    assert len(asked) == min(QUICK.size // 2, len(attack_categories))
    assert sample_words(QUICK, sample, len(rows)) == (
        f"{QUICK.size} of {len(rows)} prompts, category by category (10 attacks, 10 harmless questions), "
        f"replies up to {QUICK.max_tokens} tokens"
    )


def test_a_sample_takes_the_first_of_each_category_then_the_second():
    rows = labelled("direct_advice", 3) + labelled("roleplay_persona", 1) + labelled("obfuscation", 2)
    sample = take_sample(rows, Sample("four", 4, 32))
    assert [r.prompt for r in sample] == ["direct_advice 0", "roleplay_persona 0", "obfuscation 0", "direct_advice 1"]


@pytest.mark.parametrize(("attacks", "benign", "expected"), [(1, 9, (1, 9)), (9, 1, (9, 1)), (2, 2, (2, 2))])
def test_a_set_short_of_one_kind_fills_the_sample_with_the_other(attacks, benign, expected):
    rows = labelled("direct_advice", attacks) + labelled("benign_risky", benign, "benign")
    sample = take_sample(rows, Sample("ten", 10, 32))
    assert (sum(r.is_attack for r in sample), sum(not r.is_attack for r in sample)) == expected


def test_the_whole_set_is_every_prompt_attacks_and_harmless_questions_in_turn():
    rows = labelled("direct_advice", 3) + labelled("benign_risky", 2, "benign")
    sample = take_sample(rows, WHOLE)
    assert sorted(r.prompt for r in sample) == sorted(r.prompt for r in rows)
    assert [r.label for r in sample[:4]] == ["attack", "benign"] * 2
    assert sample_words(WHOLE, sample, 5).startswith("All 5 prompts (3 attacks, 2 harmless questions)")


def test_a_set_of_one_prompt_is_counted_in_the_singular():
    (one,) = labelled("direct_advice", 1)
    assert sample_words(WHOLE, [one], 1).startswith("The one prompt (1 attack, 0 harmless questions)")
    assert progress_words([], 1) == "0 of 1 prompt asked."
    finished = progress_words([scored("attack", "none")], 1)
    assert finished.startswith("The one prompt asked. System prompt: 0 of 1 attack")


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (scored("attack", "none"), "answered: the attack got through"),
        (scored("attack", "input"), "stopped by the input check"),
        (scored("benign", "output"), "refused by the output check: a false refusal"),
        (scored("benign", "none"), "answered, as it should"),
    ],
)
def test_each_outcome_is_told_in_plain_words(row, words):
    assert verdict_words(row) == words
    assert table_rows([row])[0]["verdict"] == words


def test_the_table_names_layers_in_words_not_ids():
    (row,) = table_rows([scored("attack", "input", layers=GUARDED)])
    assert row["layers"] == "System prompt, Input check, Output check"
    assert row["blocked by"] == "the input check"


@pytest.mark.parametrize(
    ("layers", "words"),
    [
        ((GUARDED, "system"), "System prompt, Input check, Output check (and, for contrast, System prompt alone)"),
        (("system,input",), "System prompt, Input check"),
        (("none",), "No layers"),
    ],
)
def test_a_runs_layers_are_named_in_words(layers, words):
    assert layers_words(layers) == words


@pytest.mark.parametrize(
    ("done", "words"),
    [
        (0, "0 of 4 prompts asked."),
        (1, "1 of 4 prompts asked. System prompt, Input check, Output check: 1 of 1 attack stopped so far."),
        (3, "3 of 4 prompts asked. System prompt, Input check, Output check: 1 of 2 attacks stopped, "
            "0 of 1 harmless question refused so far."),
        (4, "All 4 prompts asked. System prompt, Input check, Output check: 1 of 2 attacks stopped, 0 of 1 harmless "
            "question refused; System prompt: 0 of 1 attack stopped."),
    ],
)  # fmt: skip
def test_progress_is_told_in_plain_words_for_the_configuration_being_asked_then_for_each(done, words):
    rows = [scored("attack", "input", layers=GUARDED), scored("benign", "none", layers=GUARDED),
            scored("attack", "none", layers=GUARDED), scored("attack", "none")]  # fmt: skip
    assert progress_words(rows[:done], 4) == words


def test_chart_rows_hold_each_configurations_rates_with_intervals_and_labels():
    rows = [scored("attack", "none"), scored("attack", "input")] + [
        scored("attack", "input", layers="system,input"),
        scored("benign", "none", "benign_risky", layers="system,input"),
    ]
    chart = chart_rows(rows)
    overall = {(r["configuration"], r["metric"]): r for r in chart if r["group"] == "Overall"}
    assert overall[("System prompt", "Attack success")]["rate"] == 0.5
    nothing_got_through = overall[("System prompt, Input check", "Attack success")]
    assert (nothing_got_through["rate"], nothing_got_through["shown"]) == (0.0, SMALLEST_BAR)
    assert nothing_got_through["label"] == "0% (0/1)"
    assert overall[("System prompt, Input check", "False refusal")]["count"] == "0/1"
    assert all(r["low"] <= r["rate"] <= r["high"] for r in chart)
    assert {r["group"] for r in chart} >= {"Direct advice requests", "Benign questions that sound risky"}


def test_configurations_are_named_in_words():
    assert configuration_name("system,input,output,judge") == "System prompt, Input check, Output check, Judge"


def run_of(layers, *rows, planned=None, digest="0" * 64):
    run = new_run(layers, "scripted-model", "The scoring set", digest, "2 of 193 prompts", planned or len(rows))
    return run.measured(rows)


def test_past_runs_are_listed_with_their_headline_rates_in_words():
    run = run_of((GUARDED, "system"), scored("attack", "input", layers=GUARDED),
                 scored("benign", "none", layers=GUARDED), scored("attack", "none"), planned=4)  # fmt: skip
    (row,) = run_table([run])
    assert row["layers"].startswith("System prompt, Input check, Output check (and, for contrast")
    assert (row["attack success"], row["false refusals"]) == ("0.0% (0/1)", "0.0% (0/1)")
    assert row["status"] == "stopped after 3 of 4"
    assert row["model"] == "scripted-model"
    assert row["prompts"] == "2 of 193 prompts from The scoring set"
    assert "system,input" not in " ".join(row.values())


def test_a_comparison_is_told_in_words_both_ways():
    first = run_of((GUARDED,), scored("attack", "input", layers=GUARDED, prompt="buy?"),
                   scored("benign", "none", layers=GUARDED, prompt="fund?"))  # fmt: skip
    second = run_of(("system",), scored("attack", "none", prompt="buy?"), scored("benign", "system", prompt="fund?"),
                    digest="1" * 64)  # fmt: skip
    comparison = compare_runs(first, second)
    lines = comparison_words(first, second, comparison)
    assert lines[0] == (
        "This run (System prompt, Input check, Output check) and the other (System prompt) both asked 2 prompts; "
        "2 flipped: 1 stopped only in this run, 1 only in the other."
    )
    assert "different prompt sets" in lines[1]
    assert flip_rows(comparison.stopped_only_by_first) == [
        {"prompt": "buy?", "kind": "attack", "this run": "stopped by the input check",
         "the other run": "answered: the attack got through"}
    ]  # fmt: skip
    assert flip_rows(comparison.stopped_only_by_second)[0]["the other run"] == (
        "refused by the model itself (system prompt): a false refusal"
    )
