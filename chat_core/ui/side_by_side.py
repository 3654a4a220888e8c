"""The tutor lab's side-by-side view: one question, two configurations (no examples and the chosen set, two sets, or
any two settings), what differs between their requests, and both answers streaming at once."""

from __future__ import annotations

import streamlit as st

from chat_core.errors import ChatError
from chat_core.lab.compare import Configuration, plan_comparison
from chat_core.lab.examples import ExampleSet
from chat_core.messages import check_user_text
from chat_core.settings import LOCAL_MODEL_NAME, Settings
from chat_core.turn import TurnSpec
from chat_core.ui import keys
from chat_core.ui.compare import Column, compare, start
from chat_core.ui.notices import show_error
from chat_core.ui.resources import connect, offered_models

ZERO_VS_FEW = "No examples vs the chosen set"
TWO_SETS = "Two example sets"
TWO_CONFIGURATIONS = "Any two configurations"
MODES = (ZERO_VS_FEW, TWO_SETS, TWO_CONFIGURATIONS)
NO_EXAMPLES = "(no examples)"
SIDES = ("left", "right")


def _models(settings: Settings) -> list[str]:
    if settings.provider == "local":
        return [LOCAL_MODEL_NAME]
    try:
        return sorted({*offered_models(settings), settings.model})
    except ChatError:
        return [settings.model]


def _configured(side: str, active: ExampleSet, offered: dict[str, ExampleSet], settings: Settings) -> Configuration:
    """One column's knobs: its example set, system message, temperature and model."""
    st.session_state.setdefault(keys.compare_knob(side, "examples"), active.name if side == "right" else NO_EXAMPLES)
    st.session_state.setdefault(keys.compare_knob(side, "system"), active.system)
    st.session_state.setdefault(keys.compare_knob(side, "temperature"), 0.0)
    chosen = st.selectbox("Examples", [NO_EXAMPLES, *offered], key=keys.compare_knob(side, "examples"))
    system = st.text_area("System message", key=keys.compare_knob(side, "system"), height=90)
    temperature = st.slider("Temperature", 0.0, 2.0, step=0.1, key=keys.compare_knob(side, "temperature"))
    models = _models(settings)
    model = st.selectbox("Model", models, key=keys.compare_knob(side, "model"), disabled=len(models) == 1)
    examples = offered[chosen].examples if chosen in offered else ()
    label = f"{'A' if side == 'left' else 'B'}: {chosen if chosen in offered else 'no examples'}, T={temperature:g}"
    example_set = chosen if chosen in offered else None
    return Configuration(label, system, tuple(examples), model, temperature, example_set=example_set)


def configurations(active: ExampleSet, offered: dict[str, ExampleSet], settings: Settings):
    """The two columns the teacher set up, at temperature 0 unless chosen otherwise."""
    mode = st.radio("Compare", MODES, key=keys.COMPARE_MODE, horizontal=True)
    with_set = Configuration.from_example_set(f"Few-shot: {active.name}", active, temperature=0.0)
    if mode == ZERO_VS_FEW:
        return with_set.without_examples("Zero-shot: no examples"), with_set
    if mode == TWO_SETS:
        others = [name for name in offered if name != active.name] or list(offered)
        other = offered[st.selectbox("Compare the chosen set with", others, key=keys.compare_knob("right", "set"))]
        return with_set, Configuration.from_example_set(f"Few-shot: {other.name}", other, temperature=0.0)
    columns = st.columns(2)
    sides = []
    for side, place in zip(SIDES, columns, strict=True):
        with place, st.container(border=True):
            sides.append(_configured(side, active, offered, settings))
    return tuple(sides)


def _caption(config: Configuration, settings: Settings) -> str:
    chosen = config.settings_for(settings)
    pairs = len(config.examples)
    examples = f"{pairs} example pair{'s' if pairs != 1 else ''}" if pairs else "no examples"
    return f"{examples} · temperature {chosen.temperature:g} · {chosen.model}"


def _ask(settings: Settings, left: Configuration, right: Configuration, question: str) -> None:
    try:
        check_user_text(question)
        comparison = plan_comparison(settings, connect(settings), left, right, question)
        specs = [TurnSpec(c.settings_for(settings), system=c.system, examples=c.examples) for c in (left, right)]
        providers = {id(spec): connect(spec.settings) for spec in specs}
    except ChatError as error:
        show_error(error)
        return
    columns = [
        Column(config.label, spec, _caption(config, settings))
        for config, spec in zip((left, right), specs, strict=True)
    ]
    start(keys.COMPARE, columns, question, lambda spec: providers[id(spec)])
    st.session_state[keys.COMPARE_ASKED] = {"columns": columns, "summary": comparison.summary()}


def side_by_side(settings: Settings | None, active: ExampleSet, offered: dict[str, ExampleSet]) -> None:
    """One question, two answers: pick what to compare, ask both, and watch them stream side by side."""
    if settings is None:
        st.caption("Fix the app's configuration (see the sidebar) to compare answers.")
        return
    st.markdown(
        "Ask one question twice with two configurations. At temperature 0 the model is repeatable, so whatever "
        "differs between the answers comes from what differs between the requests."
    )
    left, right = configurations(active, offered, settings)
    st.session_state.setdefault(keys.COMPARE_QUESTION, "How do I reverse a list?")
    question = st.text_area("Question", key=keys.COMPARE_QUESTION, height=70)
    if st.button("Ask both", type="primary", key="tutor.side_by_side.ask"):
        _ask(settings, left, right, question)
    asked = st.session_state.get(keys.COMPARE_ASKED)
    if asked is not None:
        st.info(asked["summary"], icon="🔀")
    compare(keys.COMPARE, asked["columns"] if asked else [])
