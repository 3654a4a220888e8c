"""Side-by-side plans: both requests come from the turn runner's planner, and the diff names what changed."""

import pytest

from chat_core.lab.compare import Configuration, Difference, diff_requests, plan_comparison
from chat_core.lab.context import EARLIER, EXAMPLES, NEW, SYSTEM
from chat_core.lab.examples import BUILT_IN_SETS, ExampleSet
from chat_core.providers.client import ChatProvider
from tests.support.offline import offline_settings

SETTINGS = offline_settings()
PROVIDER = ChatProvider(SETTINGS)
PYTHON = BUILT_IN_SETS["Python"]
HISTORY = [{"role": "user", "content": "Hi, I am Ada."}, {"role": "assistant", "content": "Hello Ada!"}]


def test_zero_shot_and_few_shot_requests_differ_only_by_the_example_messages():
    few_shot = Configuration.from_example_set("Few-shot", PYTHON)
    comparison = plan_comparison(
        SETTINGS, PROVIDER, few_shot.without_examples("Zero-shot"), few_shot, "What is a set?", HISTORY
    )
    zero, few = comparison.left.request.body(), comparison.right.request.body()
    examples = few["messages"][1 : 1 + 2 * len(PYTHON.examples)]
    assert [m["role"] for m in examples] == ["user", "assistant"] * len(PYTHON.examples)
    assert [m["content"] for m in examples[::2]] == [q for q, _ in PYTHON.examples]
    assert {**few, "messages": [few["messages"][0], *few["messages"][1 + len(examples) :]]} == zero
    assert comparison.differences == (Difference(EXAMPLES, [], examples),)
    assert comparison.summary() == "The requests differ only in one place. Examples: none vs 3 pairs."


def test_a_knob_shows_up_as_the_only_difference():
    base = Configuration.from_example_set("Cold", PYTHON, temperature=0.0)
    warm = Configuration.from_example_set("Warm", PYTHON, temperature=1.2)
    comparison = plan_comparison(SETTINGS, PROVIDER, base, warm, "What is a set?")
    assert comparison.differences == (Difference("temperature", 0.0, 1.2),)
    assert comparison.right.request.temperature == 1.2
    assert comparison.left.request.messages == comparison.right.request.messages


def test_two_example_sets_differ_in_system_message_and_examples():
    other = ExampleSet("Terse", PYTHON.system, (("What is a tuple?", "An immutable sequence: `(1, 2)`."),))
    comparison = plan_comparison(
        SETTINGS,
        PROVIDER,
        Configuration.from_example_set("Python", PYTHON),
        Configuration.from_example_set("Terse", other, model="other-model"),
        "What is a set?",
    )
    assert [d.part for d in comparison.differences] == ["model", EXAMPLES]
    assert comparison.differences[1].describe() == "Examples: 3 pairs vs 1 pair"


def test_identical_configurations_plan_identical_requests():
    config = Configuration.from_example_set("Python", PYTHON)
    comparison = plan_comparison(SETTINGS, PROVIDER, config, config, "What is a set?", HISTORY)
    assert comparison.differences == ()
    assert comparison.summary() == "The two requests are identical."


QUESTION = {"role": "user", "content": "Q"}


@pytest.mark.parametrize(
    ("left", "right", "parts"),
    [
        ([{"role": "system", "content": "A"}, QUESTION], [{"role": "system", "content": "B"}, QUESTION], [SYSTEM]),
        ([QUESTION], [{"role": "system", "content": "B"}, QUESTION], [SYSTEM]),
        ([*HISTORY, QUESTION], [QUESTION], [EARLIER]),
        ([QUESTION], [{"role": "user", "content": "Another question"}], [NEW]),
    ],
    ids=["system-text", "system-added", "earlier-turns", "new-message"],
)
def test_the_diff_names_the_part_of_the_messages_that_changed(left, right, parts):
    body = {"model": "m", "stream": True}
    differences = diff_requests({**body, "messages": left}, {**body, "messages": right}, 0, 0)
    assert [d.part for d in differences] == parts


def test_a_column_keeps_the_page_settings_it_does_not_override():
    changed = Configuration("Long replies", max_tokens=900).settings_for(SETTINGS)
    assert (changed.max_tokens, changed.model, changed.temperature) == (900, "m", 0.0)
