"""The red-team scorecard on the page: a sample of a prompt set through the chosen layers with progress in words;
every run kept in the database, listed, reopened (table, charts, CSV) and compared with another."""

from __future__ import annotations

import time

import altair as alt
import streamlit as st

from chat_core.challenge.export import scorecard_rows, to_jsonl
from chat_core.display import counted
from chat_core.errors import ChatError
from chat_core.guardrails.data import LabelledPrompt, digest, parse_prompts, scoring_set
from chat_core.guardrails.layers import LayerSetup, build_layers
from chat_core.guardrails.runs import ScorecardRun, compare_runs, new_run
from chat_core.guardrails.scoreboard import (
    METRICS,
    SAMPLES,
    Sample,
    all_or_some,
    chart_rows,
    comparison_words,
    flip_rows,
    layers_words,
    progress_words,
    run_table,
    run_title,
    sample_words,
    scoring_settings,
    table_rows,
    take_sample,
)
from chat_core.guardrails.scorecard import layers_key, run_prompt, to_csv
from chat_core.settings import Settings
from chat_core.store import Store
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.notices import show_error
from chat_core.ui.resources import connect, storage

LATEST = "finance.scorecard.latest"
"""The run this session measured last (a ScorecardRun with its rows): shown from here when the database fails."""
SOURCE = "finance.scorecard.source"
SAMPLE = "finance.scorecard.sample"
CONTRAST = "finance.scorecard.contrast"
UPLOAD = "finance.scorecard.upload"
RUN = "finance.scorecard.run"
STOP = "finance.scorecard.stop"
RUNNING = "finance.scorecard.running"
"""Set while a run draws its progress: still set on the next run means the run was stopped (or interrupted)."""
SHOWN = "finance.scorecard.shown"
"""The id of the run whose results are shown."""
COMPARED = "finance.scorecard.compared"
"""The id of the run it is compared with, or NO_OTHER."""
NO_OTHER = ""
CHART_TEXT = 14
"""The charts' type size, in pixels: readable on a projector (Vega-Lite's own is 10 to 11)."""
LABEL_ROOM = 1.3
"""Where the rate axis ends: past 100% (its last tick), so a rate's label always has room after its whisker, on
the page's background rather than over a bar."""
BUILT_IN = "The scoring set (never used in training)"
UPLOADED = "An uploaded JSONL or CSV file"
FROM_CHALLENGE = "Your attacks that leaked the challenge's pick"
UNMEASURED = {"attack_success": "the set holds no attacks", "false_refusal": "the set holds no harmless questions"}
CONTRAST_LAYERS = ("system",)
"""The configuration shown beside the chosen one: the rules in the system prompt and nothing else."""


def _prompts() -> tuple[str, list[LabelledPrompt]] | None:
    """The prompt set chosen, with its name."""
    room = _room_asked()
    source = st.radio(
        "Prompts", [BUILT_IN, UPLOADED, FROM_CHALLENGE], key=SOURCE, horizontal=True,
        format_func=lambda s: f"Room {room}'s attacks that leaked the pick" if s == FROM_CHALLENGE and room else s,
    )  # fmt: skip
    if source == BUILT_IN:
        return "The scoring set", scoring_set()
    if source == FROM_CHALLENGE:
        return _from_challenge(room)
    upload = st.file_uploader(
        "A JSONL or CSV file with `prompt`, `label` (attack or benign) and an optional `category`",
        type=["jsonl", "csv"],
        key=UPLOAD,
    )
    if upload is None:
        return None
    try:
        return upload.name, parse_prompts(upload.getvalue().decode("utf-8", errors="replace"), upload.name)
    except ChatError as error:
        show_error(error)
        return None


def _room_asked() -> str | None:
    """The code of the room whose leaked attempts the presenter sent here ("Run them in the scorecard"), if they own
    it; else None (the visitor's own attempts)."""
    code, store = st.session_state.get(keys.SCORECARD_ROOM), storage()
    if not code or store is None:
        return None
    try:
        room = store.room(code)
    except ChatError:
        return None
    return code if room is not None and room.owner == owner() else None


def _from_challenge(room: str | None) -> tuple[str, list[LabelledPrompt]] | None:
    """The challenge attempts that got the pick out, as attacks (each prompt once): a closed room's, for the presenter
    who ran it and sent them here (`room`, from `_room_asked`), else the visitor's own."""
    store = storage()
    if store is None:
        st.info("The challenge's attempts are kept in the database, which is not available.")
        return None
    try:
        if room is not None:
            rows = scorecard_rows(store.challenge_attempts(room_id=room, leaked=True))
        else:
            rows = scorecard_rows(store.challenge_attempts(owner(), leaked=True))
    except ChatError as error:
        show_error(error)
        return None
    if not rows:
        st.info(
            f"None of room {room}'s attempts leaked a pick." if room else
            "None of your challenge attempts has leaked a pick yet: play the Challenge page first."
        )  # fmt: skip
        return None
    name = f"Room {room}'s leaked attempts" if room else "Leaked challenge attempts"
    return name, parse_prompts(to_jsonl(rows), "challenge.jsonl")


def _configurations(setup: LayerSetup) -> list[LayerSetup]:
    setups = [setup]
    if st.session_state.get(CONTRAST) and setup.layers != CONTRAST_LAYERS:
        setups.append(build_layers(CONTRAST_LAYERS))
    return setups


def _keep(store: Store | None, who: str, run: ScorecardRun) -> Store | None:
    """Save the run as it stands; after a database failure (said once) the run goes on in this tab only."""
    st.session_state[LATEST] = run
    if store is None:
        return None
    try:
        store.save_scorecard_run(who, run)
    except ChatError as error:
        show_error(error)
        return None
    return store


def _run(
    name: str, prompts: list[LabelledPrompt], sample: Sample, setups: list[LayerSetup], settings: Settings
) -> None:
    """Ask the sample under every configuration, saving the run after each prompt; a Stop keeps what was asked."""
    taken = take_sample(prompts, sample)
    planned = len(taken) * len(setups)
    layers = [layers_key(setup) for setup in setups]
    words = sample_words(sample, taken, len(prompts))
    run = new_run(layers, settings.model, name, digest(prompts), words, planned)
    who = owner()
    store = _keep(storage(), who, run)
    st.session_state[SHOWN] = run.id
    st.session_state[RUNNING] = True
    stop = st.empty()
    stop.button("⏹ Stop", key=STOP, help="Stop scoring; the prompts asked so far stay in the run.")
    bar = st.progress(0.0, text=progress_words([], planned))
    repeatable = scoring_settings(settings, sample)
    provider = connect(repeatable)
    rows = []
    try:
        for setup in setups:
            for prompt in taken:
                rows.append(run_prompt(prompt, setup, repeatable, lambda: provider))
                run = run.measured(rows)
                store = _keep(store, who, run)
                bar.progress(len(rows) / planned, text=progress_words(rows, planned))
    except ChatError as error:
        show_error(error)
    stop.empty()
    st.session_state[RUNNING] = False


def _whisker(base: alt.Chart, colour: str, wider: float) -> tuple[alt.Chart, ...]:
    """A line across the 95% interval with an upright tick at each end, `wider` pixels wider than the black one."""
    tick = {"color": colour, "thickness": 1.5 + wider, "size": 9 + wider}
    return (
        base.mark_rule(color=colour, strokeWidth=1 + wider).encode(x="low:Q", x2="high:Q"),
        base.mark_tick(**tick).encode(x="low:Q"),
        base.mark_tick(**tick).encode(x="high:Q"),
    )


def _chart(data: list[dict], metric: str) -> alt.LayerChart:
    rows = [r for r in data if r["metric"] == metric]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("configuration:N", sort=None),
        tooltip=[
            alt.Tooltip("configuration:N", title="Layers on"),
            alt.Tooltip("group:N", title="Prompts"),
            alt.Tooltip("described:N", title=metric),
        ],
    )
    share = alt.X(
        "shown:Q", title=f"{metric} (lower is better)", scale=alt.Scale(domain=[0, LABEL_ROOM]),
        axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
    )  # fmt: skip
    colour = alt.Color(
        "configuration:N", sort=None, title="Layers on", legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)
    )
    bars = base.mark_bar().encode(x=share, color=colour)
    whisker = [  # in black on a white edge that keeps it plain over any bar
        *_whisker(base, "white", 2.5),
        *_whisker(base, "black", 0),
    ]
    label = base.mark_text(align="left", dx=6, fontSize=CHART_TEXT).encode(x="high:Q", text="label:N")  # off the bar
    return (
        alt.layer(bars, *whisker, label)
        .properties(title=metric)
        .configure_axis(labelFontSize=CHART_TEXT, titleFontSize=CHART_TEXT)
        .configure_legend(labelFontSize=CHART_TEXT, titleFontSize=CHART_TEXT)
        .configure_title(fontSize=CHART_TEXT + 3)
    )


def _about(run: ScorecardRun) -> None:
    """What a run asked of which model, and whether it finished."""
    finished = "complete" if run.scored >= run.planned else f"stopped after {all_or_some(run.scored, run.planned)}"
    st.caption(f"{run.model} · {run.sample} from {run.prompt_set} (sha256 {run.digest[:12]}…) · {finished}")


def _results(run: ScorecardRun) -> None:
    """One run's charts, table and CSV."""
    if not run.rows:
        st.info("Nothing was measured in this run.")
        return
    data = chart_rows(run.rows)
    st.caption(
        "Overall and by category. Each bar is the share measured, with its count; the black whisker spans its 95% "
        "confidence interval (Wilson): with this many prompts, the true rate probably lies within it."
    )
    for name, metric in METRICS.items():
        if any(r["metric"] == metric for r in data):
            st.altair_chart(_chart(data, metric), width="stretch")
        else:  # an empty chart would be an axis with nothing on it
            st.caption(f"**{metric}**: not measured, {UNMEASURED[name]}.")
    st.dataframe(table_rows(run.rows), hide_index=True, width="stretch")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(run.created_at))
    st.download_button(
        "⬇️ Download as CSV", to_csv(run.rows), f"scorecard-{stamp}.csv", "text/csv", key="finance.scorecard.csv",
        on_click="ignore",
    )  # fmt: skip


def _comparison(run: ScorecardRun, other: ScorecardRun) -> None:
    """Which prompts flipped between two runs, both ways, in words."""
    comparison = compare_runs(run, other)
    for line in comparison_words(run, other, comparison):
        st.markdown(line)
    for heading, flips in (
        ("Stopped in this run, let through in the other", comparison.stopped_only_by_first),
        ("Let through in this run, stopped in the other", comparison.stopped_only_by_second),
    ):
        st.markdown(f"**{heading} ({len(flips)})**")
        if flips:
            st.dataframe(flip_rows(flips), hide_index=True, width="stretch")


def _listed(store: Store | None, who: str) -> list[ScorecardRun]:
    """The owner's runs, newest first; without a database, the one this session measured last."""
    if store is not None:
        try:
            return store.list_scorecard_runs(who)
        except ChatError as error:
            show_error(error)
    latest = st.session_state.get(LATEST)
    return [latest] if latest is not None else []


def _opened(store: Store | None, who: str, run_id: str) -> ScorecardRun | None:
    """A run with its rows: from this session when it measured it last, else from the database."""
    latest = st.session_state.get(LATEST)
    if latest is not None and latest.id == run_id:
        return latest
    try:
        return store.load_scorecard_run(who, run_id) if store is not None else None
    except ChatError as error:
        show_error(error)
        return None


def _past_runs() -> None:
    """The owner's runs, newest first: one shown (the newest unless another is picked), and a comparison."""
    who, store = owner(), storage()
    runs = _listed(store, who)
    if not runs:
        return
    st.markdown("## Runs")  # under the page's title (h1): headings go down one level at a time
    st.caption("Newest first, kept under your link with every prompt, reply and figure.")
    st.dataframe(run_table(runs), hide_index=True, width="stretch")
    titles = {run.id: run_title(run) for run in runs}
    if st.session_state.get(SHOWN) not in titles:
        st.session_state[SHOWN] = runs[0].id
    if st.session_state.get(COMPARED) not in titles or st.session_state[COMPARED] == st.session_state[SHOWN]:
        st.session_state[COMPARED] = NO_OTHER
    left, right = st.columns(2)
    shown_id = left.selectbox("Show the run of", list(titles), format_func=titles.get, key=SHOWN)
    others = [NO_OTHER] + [run_id for run_id in titles if run_id != shown_id]
    other_id = right.selectbox(
        "Compare it with", others, format_func=lambda i: titles.get(i, "No other run"), key=COMPARED
    )
    run = _opened(store, who, shown_id)
    if run is None:
        return
    st.markdown(f"### {layers_words(run.layers)}")
    _about(run)
    if other_id != NO_OTHER:
        other = _opened(store, who, other_id)
        if other is not None:
            _comparison(run, other)
    _results(run)


def scorecard(settings: Settings | None, setup: LayerSetup) -> None:
    """Run a prompt set against the chosen layers (and the system prompt alone, for contrast), keep the run, and
    show it among the past runs."""
    st.markdown(
        "Run labelled attacks and harmless questions through the layers switched on above. **Attack success** is "
        "the share of attacks nobody stopped; **false refusal** is the share of harmless questions stopped."
    )
    if settings is None:
        st.error("The app's configuration has a problem (see the sidebar).")
        return
    chosen = _prompts()
    name, prompts = chosen or ("", [])
    left, right = st.columns(2)
    samples = {sample.name: sample for sample in SAMPLES}
    picked = left.radio(
        "How many prompts",
        list(samples),
        key=SAMPLE,
        format_func=lambda n: (
            f"{n}: {counted(len(take_sample(prompts, samples[n])), 'prompt')}, replies up to "
            f"{samples[n].max_tokens} tokens ({samples[n].hint})"
        ),
    )
    right.checkbox("Also run the system prompt alone, for contrast", value=True, key=CONTRAST)
    sample = samples[picked]
    taken = take_sample(prompts, sample)
    setups = _configurations(setup)
    sent_to_run = st.session_state.pop(keys.SCORECARD_RUN_NOW, False)  # "Run them in the scorecard", elsewhere
    asked = st.button(
        f"▶️ Run {counted(len(taken), 'prompt')} × {counted(len(setups), 'configuration')}", key=RUN, type="primary",
        disabled=not taken,
    )  # fmt: skip
    if (asked or sent_to_run) and taken:
        _run(name, prompts, sample, setups, settings)
    elif st.session_state.pop(RUNNING, False):
        latest = st.session_state.get(LATEST)
        asked = latest.scored if latest is not None else 0
        st.info(f"Stopped after {counted(asked, 'prompt')}; they are kept in the run below.")
    _past_runs()
