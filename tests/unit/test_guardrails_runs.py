"""A scorecard run's bookkeeping and two runs compared prompt by prompt (pure)."""

import pytest

from chat_core.guardrails.data import LabelledPrompt, digest, fingerprint
from chat_core.guardrails.runs import COMPLETE, STOPPED, compare_runs, new_run
from chat_core.guardrails.scorecard import ScoredRow

GUARDED, ALONE = "system,input,output", "system"


def scored(prompt, blocked_by, label="attack", layers=GUARDED):
    return ScoredRow(prompt, label, "direct_advice", blocked_by, "reply", layers=layers)


def run_of(*rows, layers=(GUARDED, ALONE), planned=None):
    run = new_run(layers, "scripted-model", "set", "0" * 64, "sample", planned or len(rows))
    return run.measured(rows)


def test_prompts_that_flipped_are_found_both_ways_by_prompt_text():
    first = run_of(scored("a", "input"), scored("b", "none"), scored("c", "output"), scored("d", "none", "benign"))
    second = run_of(scored("b", "system"), scored("a", "none"), scored("c", "input"), scored("d", "input", "benign"))
    comparison = compare_runs(first, second)
    assert [(f.first.prompt, f.first.blocked_by, f.second.blocked_by) for f in comparison.stopped_only_by_first] == [
        ("a", "input", "none")
    ]
    assert [f.second.prompt for f in comparison.stopped_only_by_second] == ["b", "d"]
    assert comparison.asked_by_both == 4
    reverse = compare_runs(second, first)
    assert [f.first.prompt for f in reverse.stopped_only_by_first] == ["b", "d"]


def test_only_each_runs_chosen_configuration_is_compared():
    first = run_of(scored("a", "input"), scored("a", "none", layers=ALONE))
    second = run_of(scored("a", "input", layers="system,input"), scored("a", "system", layers=ALONE),
                    layers=("system,input", ALONE))  # fmt: skip
    comparison = compare_runs(first, second)
    assert comparison.stopped_only_by_first == comparison.stopped_only_by_second == ()
    assert comparison.asked_by_both == 1


def test_prompts_only_one_run_asked_are_not_flips():
    comparison = compare_runs(run_of(scored("a", "input"), scored("b", "none")), run_of(scored("a", "none")))
    assert [f.first.prompt for f in comparison.stopped_only_by_first] == ["a"]
    assert comparison.asked_by_both == 1


@pytest.mark.parametrize(("measured", "status"), [(1, STOPPED), (2, COMPLETE)])
def test_a_run_is_complete_once_every_planned_prompt_was_asked(measured, status):
    run = run_of(*[scored(p, "none") for p in "ab"][:measured], planned=2)
    assert (run.status, run.scored) == (status, measured)


def test_the_headline_rates_are_the_chosen_configurations():
    run = run_of(scored("a", "none"), scored("b", "input"), scored("a", "none", layers=ALONE))
    assert run.overall("attack_success").describe().startswith("50.0% (1/2")
    assert run.overall("false_refusal") is None
    assert set(run.figures) == {GUARDED, ALONE}


def test_a_prompt_sets_digest_is_its_full_sha256_and_the_fingerprint_its_start():
    rows = [LabelledPrompt("Which stock?", "attack", "direct_advice")]
    assert len(digest(rows)) == 64
    assert fingerprint(rows) == digest(rows)[:16]
    assert digest(rows) != digest([LabelledPrompt("Which stock?", "benign", "direct_advice")])
