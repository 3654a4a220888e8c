"""Property-based tests (hypothesis): message builders, context trimming, Markdown escaping and the import parser."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat_core.budget import fit_to_budget
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.exports import Snapshot, parse_import, to_json
from chat_core.messages import build_request
from chat_core.tokens import REPLY_PRIMER, EstimateCounter

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
text = st.text(min_size=1, max_size=60).filter(lambda t: t.strip())
pairs = st.lists(st.tuples(text, text), max_size=4)


@FAST
@given(system=st.one_of(st.none(), text), examples=pairs, history=pairs, question=text)
def test_a_request_is_system_then_examples_then_history_then_the_question(system, examples, history, question):
    turns = [m for q, a in history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
    messages = build_request(system, examples, turns, question)
    expected = [{"role": "system", "content": system}] if system else []
    expected += [m for q, a in examples for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
    assert messages == [*expected, *turns, {"role": "user", "content": question}]


@FAST
@given(
    examples=pairs,
    history=pairs,
    unanswered=st.booleans(),
    window=st.integers(min_value=20, max_value=400),
    reply=st.integers(min_value=1, max_value=100),
)
def test_trimming_never_passes_the_limit_keeps_the_fixed_part_and_drops_whole_pairs_only(
    examples, history, unanswered, window, reply
):
    counter = EstimateCounter()
    fixed = [{"role": "system", "content": "Be brief."}]
    fixed += [m for q, a in examples for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
    turns = [m for q, a in history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
    if unanswered:
        turns.append({"role": "user", "content": "left without a reply"})
    question = {"role": "user", "content": "And now?"}
    must = sum(map(counter.count_message, [*fixed, question])) + REPLY_PRIMER
    try:
        budget = fit_to_budget(fixed, turns, question, context_window=window, reply_tokens=reply, counter=counter)
    except ChatError as refused:
        assert refused.kind == "context_too_long" and must > window - reply
        return
    kept = budget.messages[len(fixed) : -1]
    start = len(budget.dropped)
    assert budget.messages[: len(fixed)] == fixed and budget.messages[-1] == question
    assert kept == turns[start:] and budget.dropped == list(range(start))
    assert budget.prompt_tokens == sum(budget.message_tokens) + REPLY_PRIMER == counter.count_messages(budget.messages)
    assert budget.prompt_tokens <= budget.limit == window - reply
    assert not kept or kept[0]["role"] == "user", "no answer is sent without its question"


@FAST
@given(history=pairs, window=st.integers(min_value=40, max_value=400), reply=st.integers(min_value=1, max_value=30))
def test_each_turn_keeps_the_beginning_the_turn_before_sent_unless_it_no_longer_fits(history, window, reply):
    counter = EstimateCounter()
    fixed = [{"role": "system", "content": "Be brief."}]
    turns = [m for q, a in history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
    limit, starts = window - reply, []
    for asked in range(0, len(turns), 2):
        try:
            budget = fit_to_budget(
                fixed, turns[:asked], turns[asked], context_window=window, reply_tokens=reply, counter=counter
            )
        except ChatError:
            return
        starts.append(len(budget.dropped))
        if len(starts) > 1 and starts[-1] != starts[-2]:
            kept_before = fixed + turns[starts[-2] : asked] + [turns[asked]]
            assert counter.count_messages(kept_before) > limit, (
                "the cut moves only when the old beginning no longer fits"
            )
    assert starts == sorted(starts), "the cut only moves forward"


@FAST
@given(st.text(max_size=200))
def test_plain_markdown_escapes_every_mark_and_unescapes_to_the_text(typed):
    display = pytest.importorskip("chat_core.display")
    escaped = display.plain_markdown(typed)
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped.replace("  \n", "\n")) == typed
    unescaped_marks = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped_marks), "every punctuation mark is escaped"


@FAST
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_the_import_parser_accepts_or_refuses_clearly_never_crashes(data):
    try:
        imported = parse_import(data)
    except ChatError as refused:
        assert refused.kind == "import" and refused.message
        return
    assert imported.conversation.entries and isinstance(imported.title, str)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@FAST
@given(
    messages=st.lists(
        st.dictionaries(
            st.sampled_from(["role", "content", "name"]), json_values | st.sampled_from(["user", "assistant", "system"])
        ),
        max_size=5,
    ),
    metadata=json_values,
)
def test_any_json_shaped_like_an_export_is_accepted_or_refused_clearly(messages, metadata):
    data = json.dumps({"messages": messages, "metadata": metadata}).encode()
    try:
        parse_import(data)
    except ChatError as refused:
        assert refused.kind == "import"


@FAST
@given(history=pairs.filter(bool), title=text)
def test_an_export_imports_back_to_the_same_turns(history, title):
    conversation = Conversation()
    for question, answer in history:
        conversation.add_user(question)
        conversation.add_reply(answer, "complete")
    exported = to_json(Snapshot(title, "chatbot", "Helpful assistant", [], conversation))
    imported = parse_import(exported.encode())
    assert imported.conversation.history() == conversation.history()
    assert imported.title == title
