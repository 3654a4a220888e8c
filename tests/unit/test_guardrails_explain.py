"""Verdicts told for an audience."""

import pytest

from chat_core.checks import Verdict
from chat_core.guardrails.explain import Neighbour, explain, layer_lines, neighbours_of, verdicts_of

RULES_PASS = Verdict("input", "rules", False, "No rule matched.")
CLASSIFIER_BLOCK = Verdict(
    "input",
    "classifier",
    True,
    "The advice classifier scored this message 0.93, at or above its threshold of 0.49.",
    score=0.93,
    threshold=0.49,
    decoded="Which stock should I buy?",
    neighbours=("0.91 · attack · Direct advice requests: Which stock should I buy tomorrow?", "plain text"),
    redirect="I can't tell you what to buy.",
)
OUTPUT_BLOCK = Verdict(
    "output", "advice_in_reply", True, "The reply gives a recommendation to buy or sell: “Buy Tesla shares now.”."
)


def test_neighbours_are_split_into_similarity_label_category_and_prompt():
    first, second = neighbours_of(CLASSIFIER_BLOCK)
    assert (first.similarity, first.label, first.category) == (0.91, "attack", "Direct advice requests")
    assert first.prompt == "Which stock should I buy tomorrow?"
    assert (second.prompt, second.label, second.similarity) == ("plain text", "", None)


@pytest.mark.parametrize(
    ("verdict", "retracted", "words"),
    [
        (CLASSIFIER_BLOCK, False, "input check stopped this message before the model saw it (the advice classifier)"),
        (OUTPUT_BLOCK, True, "started answering; the output check caught the reply and took it back"),
        (OUTPUT_BLOCK, False, "caught the model's reply before anyone read it"),
        (Verdict("judge", "guard_model", True, "unsafe S6"), False, "judge stopped this message"),
    ],
)
def test_the_headline_names_the_layer_the_check_and_the_moment(verdict, retracted, words):
    assert words in explain(verdict, retracted=retracted).headline


def test_an_explanation_carries_score_threshold_decoded_text_and_examples():
    told = explain(CLASSIFIER_BLOCK)
    assert (told.score, told.threshold, told.decoded) == (0.93, 0.49, "Which stock should I buy?")
    assert told.neighbours[0].label == "attack"
    assert told.reason == CLASSIFIER_BLOCK.reason


def test_the_caught_text_an_output_check_quotes_is_never_told_to_the_audience():
    assert explain(OUTPUT_BLOCK).reason == "The reply gives a recommendation to buy or sell."
    lines = layer_lines([OUTPUT_BLOCK], "redirect", "blocked", ("output",))
    assert not any("Tesla" in str(line) for line in lines)
    assert "Output check blocked: The reply gives a recommendation to buy or sell." in [line.text for line in lines]


def test_verdicts_come_back_from_a_replys_meta():
    meta = {"verdicts": [RULES_PASS.as_dict(), CLASSIFIER_BLOCK.as_dict()]}
    assert verdicts_of(meta) == [RULES_PASS, CLASSIFIER_BLOCK]
    assert verdicts_of({}) == []


def states(lines):
    return {line.layer: line.state for line in lines}


def test_a_blocked_input_leaves_the_model_and_output_check_not_reached():
    lines = layer_lines([RULES_PASS, CLASSIFIER_BLOCK], "redirect", "blocked", ("system", "input", "output"))
    assert [line.layer for line in lines] == ["input", "judge", "system", "output"]
    assert states(lines) == {"input": "blocked", "judge": "off", "system": "not reached", "output": "not reached"}
    assert "threshold 0.49" in str(lines[0]) and str(lines[0]).startswith("🛑")


def test_an_output_block_says_the_system_prompt_did_not_hold():
    lines = layer_lines([RULES_PASS, OUTPUT_BLOCK], "redirect", "blocked", ("system", "input", "output"))
    assert states(lines) == {"input": "passed", "judge": "off", "system": "passed", "output": "blocked"}
    assert "did not hold" in lines[2].text


@pytest.mark.parametrize(
    ("reply", "state"),
    [("I can't recommend specific stocks.", "blocked"), ("An index fund holds many companies.", "passed")],
)
def test_the_system_prompt_line_says_whether_the_model_declined_by_itself(reply, state):
    (system,) = [line for line in layer_lines([], reply, "complete", ("system",)) if line.layer == "system"]
    assert system.state == state


def test_layers_switched_off_say_so():
    lines = layer_lines([], "Sure, buy it.", "complete", ())
    assert {line.state for line in lines} == {"off"}


def test_a_disguised_training_example_is_shown_with_what_it_reads():
    base64, plain = Neighbour("V2hpY2ggc3RvY2sgc2hvdWxkIEkgYnV5IHRvbW9ycm93Pw=="), Neighbour("What is a bond?")
    assert base64.reads == "Which stock should I buy tomorrow?"
    assert plain.reads is None
