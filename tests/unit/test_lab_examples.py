"""Example sets: built-ins, the checks a teacher meets, table rows in and out, JSON files in and out."""

import json

import pandas as pd
import pytest

from chat_core.errors import ChatError
from chat_core.lab.examples import (
    BUILT_IN_SETS,
    FORMAT,
    MAX_EXAMPLES,
    MAX_FILE_BYTES,
    QUESTION_ROOM,
    ExampleSet,
    check_can_save,
    check_example_set,
    check_fits,
    check_usable,
    file_name,
    from_rows,
    parse_json,
    to_json,
    to_rows,
)
from chat_core.prompts import TUTOR_SUBJECTS
from chat_core.tokens import EstimateCounter
from tests.support.offline import offline_settings

counter = EstimateCounter()
PAIRS = (("What is 15% of 80?", "0.15 × 80 = **12**."), ("Solve 2x = 4.", "Divide by 2: **x = 2**."))
SET = ExampleSet("Percentages", "You are a math tutor.", PAIRS)


def settings(window: int, reply: int):
    return offline_settings(context_window=window, max_tokens=reply)


@pytest.mark.parametrize("subject", ["Python", "Data science", "Math"])
def test_built_in_sets_are_the_tutor_subjects_and_usable(subject):
    built_in = BUILT_IN_SETS[subject]
    assert (built_in.system, built_in.examples) == (
        TUTOR_SUBJECTS[subject].system_prompt,
        TUTOR_SUBJECTS[subject].examples,
    )
    assert built_in.builtin
    assert check_usable(built_in, settings(2048, 512), counter).examples == built_in.examples


def test_a_set_sends_its_system_message_then_alternating_user_and_assistant_turns():
    assert SET.messages() == [
        {"role": "system", "content": "You are a math tutor."},
        {"role": "user", "content": PAIRS[0][0]},
        {"role": "assistant", "content": PAIRS[0][1]},
        {"role": "user", "content": PAIRS[1][0]},
        {"role": "assistant", "content": PAIRS[1][1]},
    ]
    assert SET.example_messages == 4


def test_a_set_without_a_system_message_sends_only_its_examples():
    assert [m["role"] for m in ExampleSet("Bare", "  ", PAIRS).messages()] == ["user", "assistant"] * 2


@pytest.mark.parametrize(
    ("examples", "fragment"),
    [
        ((("Fine", "Fine"), ("", "An answer")), "Example 2 has no user question."),
        ((("A question", "   "),), "Example 1 has no assistant answer."),
        ((("A question", None),), "Example 1 has no assistant answer."),
        ((("q" * 8001, "a"),), "Example 1's user question is 8,001 characters"),
        ((("q", "a"),) * (MAX_EXAMPLES + 1), f"the limit is {MAX_EXAMPLES}"),
    ],
    ids=["empty-user", "blank-assistant", "none-assistant", "too-long", "too-many"],
)
def test_an_incomplete_or_oversized_example_is_refused_by_number(examples, fragment):
    with pytest.raises(ChatError) as caught:
        check_example_set(ExampleSet("A set", "", examples))
    assert caught.value.kind == "invalid_examples"
    assert fragment in caught.value.message


@pytest.mark.parametrize(("name", "fragment"), [(" ", "needs a name"), ("n" * 81, "the limit is 80")])
def test_a_set_needs_a_short_name(name, fragment):
    with pytest.raises(ChatError) as caught:
        check_example_set(ExampleSet(name, "", PAIRS))
    assert fragment in caught.value.message


def test_a_set_too_large_for_the_context_budget_says_how_many_tokens_over():
    # Estimate: 300 bytes of system text is 100 + 5 tokens; each 30-byte side is 10 + 5; 4 for the reply primer.
    big = ExampleSet("Big", "s" * 300, (("q" * 30, "a" * 30),))
    assert 105 + 30 + 4 + QUESTION_ROOM == 203
    with pytest.raises(ChatError) as caught:
        check_fits(big, settings(window=300, reply=150), counter)
    assert caught.value.kind == "examples_too_long"
    assert "needs about 203 tokens" in caught.value.message
    assert "53 more than the 150" in caught.value.message
    assert check_fits(big, settings(window=353, reply=150), counter) == 203


def test_a_saved_set_may_not_take_a_built_in_name_in_any_case():
    with pytest.raises(ChatError) as caught:
        check_can_save(ExampleSet("data SCIENCE", "", PAIRS))
    assert "built-in" in caught.value.message
    assert check_can_save(ExampleSet("  My data science  ", "", PAIRS)).name == "My data science"


def test_table_rows_round_trip_in_order():
    assert to_rows(SET)[0] == {"order": 1, "user": PAIRS[0][0], "assistant": PAIRS[0][1]}
    assert from_rows(to_rows(SET), name=SET.name, system=SET.system) == SET


def test_rows_as_the_editor_returns_them_skip_blank_added_rows_and_follow_the_order_column():
    edited = [
        {"order": 2, "user": "Second", "assistant": "B"},
        {"order": None, "user": None, "assistant": None},
        {"order": 1, "user": "First", "assistant": "A"},
        {"order": None, "user": "Added last", "assistant": "C"},
        {"user": "", "assistant": "  "},
    ]
    made = from_rows(edited, name="Edited")
    assert made.examples == (("First", "A"), ("Second", "B"), ("Added last", "C"))


def test_a_dataframe_from_the_editor_reads_the_same_with_its_empty_cells():
    frame = pd.DataFrame(
        {"order": [1.0, float("nan"), 2.0], "user": ["First", None, "Second"], "assistant": ["A", None, "B"]}
    )
    assert from_rows(frame, name="Frame").examples == (("First", "A"), ("Second", "B"))


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"user": "A question", "assistant": None}, "Row 2 has no assistant answer."),
        ({"user": float("nan"), "assistant": "An answer"}, "Row 2 has no user question."),
    ],
)
def test_a_half_filled_row_is_refused_naming_its_row(row, fragment):
    with pytest.raises(ChatError) as caught:
        from_rows([{"user": "q", "assistant": "a"}, row], name="Rows")
    assert caught.value.message == fragment


def test_json_export_imports_back_to_the_same_set():
    text = to_json(SET)
    assert json.loads(text)["format"] == FORMAT
    assert parse_json(text.encode()) == SET


def test_an_exported_built_in_set_imports_as_a_set_of_ones_own():
    assert parse_json(to_json(BUILT_IN_SETS["Math"])).builtin is False


def exported(**changes) -> bytes:
    document = json.loads(to_json(SET))
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfenot utf-8", "not UTF-8"),
        (b"{broken", "not valid JSON"),
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b'{"format": "chat-lab.example-set", "version": 1, "name": "n", "examples": [], "x": NaN}', "not a number"),
        (b" " * (MAX_FILE_BYTES + 1), "the limit is"),
        (b'[{"role": "user", "content": "hi"}]', "not an example set"),
        (exported(format="chat-lab.conversation"), "not an example set"),
        (exported(version=2), "version 2"),
        (exported(version="1"), "version 1;"),
        (exported(name=7), "name must be text"),
        (exported(system=["list"]), "system message must be text"),
        (exported(examples={"user": "q"}), "examples must be a list"),
        (exported(examples=[["q", "a"]]), "Example 1 must be an object"),
        (exported(examples=[{"user": "q", "assistant": "a", "extra": 1}]), "Example 1 must be an object"),
        (exported(examples=[{"user": "q", "assistant": {"nested": [1]}}]), "must both be text"),
        (exported(examples=[{"user": "q", "assistant": ""}]), "Example 1 has no assistant answer"),
        (exported(examples=[{"user": "q", "assistant": "a"}] * (MAX_EXAMPLES + 1)), "the limit is 50"),
        (exported(script="rm -rf /"), "fields an example set does not: script"),
    ],
    ids=[
        "binary", "broken", "deep-nesting", "nan", "too-big", "messages-list", "other-format",
        "newer-version", "version-as-text", "name-number", "system-list", "examples-object", "example-list",
        "example-extra-key", "nested-value", "empty-side", "too-many", "unknown-field",
    ],
)  # fmt: skip
def test_a_hostile_or_malformed_file_is_refused_clearly(data, fragment):
    with pytest.raises(ChatError) as caught:
        parse_json(data)
    assert caught.value.kind == "import"
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Fractions, step by step", "fractions-step-by-step.example-set.json"), ("../../etc", "etc.example-set.json")],
)
def test_an_export_gets_a_safe_file_name(name, expected):
    assert file_name(ExampleSet(name, "", PAIRS)) == expected
