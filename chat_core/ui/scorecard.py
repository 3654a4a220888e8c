"""The red-team scorecard on the page: a prompt set through the chosen layers, with progress, table, charts, CSV."""

from __future__ import annotations

import altair as alt
import streamlit as st

from chat_core.errors import ChatError
from chat_core.guardrails.data import LabelledPrompt, parse_prompts, scoring_set
from chat_core.guardrails.layers import LayerSetup, build_layers
from chat_core.guardrails.scoreboard import METRICS, chart_rows, first_per_category, table_rows
from chat_core.guardrails.scorecard import ScoredRow, run_prompt, to_csv
from chat_core.settings import Settings
from chat_core.ui.notices import show_error
from chat_core.ui.resources import connect

RESULTS = "finance.scorecard.results"
"""The rows scored so far: kept when the run is stopped, replaced by the next run."""
SOURCE = "finance.scorecard.source"
PER_CATEGORY = "finance.scorecard.per_category"
CONTRAST = "finance.scorecard.contrast"
UPLOAD = "finance.scorecard.upload"
RUN = "finance.scorecard.run"
STOP = "finance.scorecard.stop"
RUNNING = "finance.scorecard.running"
"""Set while a run draws its progress: still set on the next run means the run was stopped (or interrupted)."""
BUILT_IN = "The scoring set (never used in training)"
UPLOADED = "An uploaded JSONL or CSV file"
CONTRAST_LAYERS = ("system",)
"""The configuration shown beside the chosen one: the rules in the system prompt and nothing else."""


def _prompts() -> list[LabelledPrompt] | None:
    source = st.radio("Prompts", [BUILT_IN, UPLOADED], key=SOURCE, horizontal=True)
    if source == BUILT_IN:
        return scoring_set()
    upload = st.file_uploader(
        "A JSONL or CSV file with `prompt`, `label` (attack or benign) and an optional `category`",
        type=["jsonl", "csv"],
        key=UPLOAD,
    )
    if upload is None:
        return None
    try:
        return parse_prompts(upload.getvalue().decode("utf-8", errors="replace"), upload.name)
    except ChatError as error:
        show_error(error)
        return None


def _configurations(setup: LayerSetup) -> list[LayerSetup]:
    setups = [setup]
    if st.session_state.get(CONTRAST) and setup.layers != CONTRAST_LAYERS:
        setups.append(build_layers(CONTRAST_LAYERS))
    return setups


def _run(prompts: list[LabelledPrompt], setups: list[LayerSetup], settings: Settings) -> None:
    """Score every prompt under every configuration, drawing progress; a Stop keeps what was scored."""
    results: list[ScoredRow] = []
    st.session_state[RESULTS] = results
    st.session_state[RUNNING] = True
    total = len(prompts) * len(setups)
    st.button("⏹ Stop", key=STOP, help="Stop scoring; the prompts scored so far stay in the results.")
    bar = st.progress(0.0, text=f"Scoring 0 of {total} prompts…")
    repeatable = settings.with_overrides(temperature=0.0)
    provider = connect(repeatable)
    try:
        for setup in setups:
            for prompt in prompts:
                results.append(run_prompt(prompt, setup, repeatable, lambda: provider))
                done = len(results)
                bar.progress(done / total, text=f"Scored {done} of {total} prompts ({results[-1].layers or 'none'})")
    except ChatError as error:
        show_error(error)
    st.session_state[RUNNING] = False
    bar.progress(len(results) / total, text=f"Scored {len(results)} of {total} prompts.")


def _chart(data: list[dict], metric: str) -> alt.LayerChart:
    rows = [r for r in data if r["metric"] == metric]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset="configuration:N",
        color=alt.Color(
            "configuration:N", title="Layers on", legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)
        ),
        tooltip=["configuration:N", "group:N", "described:N"],
    )
    share = alt.X(
        "rate:Q", title=f"{metric} (lower is better)", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
    )
    bars = base.mark_bar().encode(x=share)
    errors = base.mark_errorbar(ticks=True, color="black").encode(x=alt.X("low:Q", title=None), x2="high:Q")
    return alt.layer(bars, errors).properties(title=metric)


def _results(results: list[ScoredRow]) -> None:
    st.markdown("#### Results")
    data = chart_rows(results)
    st.caption("Overall and by category. The black whiskers are 95% confidence intervals (Wilson).")
    for metric in METRICS.values():
        st.altair_chart(_chart(data, metric), width="stretch")
    st.dataframe(table_rows(results), hide_index=True, width="stretch")
    st.download_button("⬇️ Download as CSV", to_csv(results), "scorecard.csv", "text/csv", key="finance.scorecard.csv")


def scorecard(settings: Settings | None, setup: LayerSetup) -> None:
    """Run a prompt set against the chosen layers (and the system prompt alone, for contrast), then show the rates."""
    st.markdown(
        "Run labelled attacks and harmless questions through the layers switched on above. **Attack success** is "
        "the share of attacks nobody stopped; **false refusal** is the share of harmless questions stopped."
    )
    if settings is None:
        st.error("The app's configuration has a problem (see the sidebar).")
        return
    prompts = _prompts()
    left, right = st.columns(2)
    per_category = left.number_input(
        "Prompts per category (0: all)", 0, 500, value=2, key=PER_CATEGORY,
        help="The whole set takes minutes on the embedded model; a few per category give a quick first look.",
    )  # fmt: skip
    right.checkbox("Also run the system prompt alone, for contrast", value=True, key=CONTRAST)
    sample = first_per_category(prompts or [], per_category)
    setups = _configurations(setup)
    if st.button(
        f"▶️ Run {len(sample)} prompts × {len(setups)} configuration(s)", key=RUN, type="primary", disabled=not sample
    ):
        _run(sample, setups, settings)
    elif st.session_state.pop(RUNNING, False):
        st.info(f"Stopped after {len(st.session_state.get(RESULTS, []))} prompts; their results are below.")
    if st.session_state.get(RESULTS):
        _results(st.session_state[RESULTS])
