"""The guardrail lab's parts: the layer switches, why a turn was stopped, and the same question with and without."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.checks import LAYER_NAMES, LAYERS, Verdict
from chat_core.conversation import Entry
from chat_core.display import plain_markdown
from chat_core.errors import ChatError
from chat_core.guardrails.explain import (
    Explanation,
    LayerLine,
    blocking,
    explain,
    layer_lines,
    layers_of,
    verdicts_of,
    what_it_does,
)
from chat_core.guardrails.judge import LLAMA_GUARD_CATEGORIES, MODERATION_HAS_NO_FINANCE_CATEGORY, judges_from_env
from chat_core.guardrails.layers import PLAIN_SYSTEM_PROMPT, LayerSetup, build_layers
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT
from chat_core.settings import Settings, read_environment
from chat_core.turn import Running, TurnSpec
from chat_core.ui.compare import Column, compare, start
from chat_core.ui.notices import show_error
from chat_core.ui.resources import connect
from chat_core.ui.turn_view import retraction_notice

PAGE = "finance"
VIEW = "finance.view"
VIEWS = ("💬 Chat", "↔️ With and without", "📊 Red-team scorecard")
"""The lab's views: the chat, side by side, the scorecard."""
LAYER_SWITCH = "finance.layer.{layer}"
COMPARE = "finance.side_by_side"
COMPARE_QUESTION = "finance.side_by_side.question"
COMPARE_PENDING = "finance.side_by_side.pending"
"""A question a demo button asked the side-by-side view to start on its next run."""
LAYER_HELP = {
    "system": "The rules, sent as the system message before every question. The model may ignore them.",
    "input": "Checks the message before the model sees it: undoes disguises, then readable rules and a classifier.",
    "output": "Checks the reply as it streams, and takes it back if it gives advice or leaks the rules.",
    "judge": "A second opinion from a moderation endpoint or a guard model (configured in .env).",
}
EXAMPLE_SIGNS = {"attack": "🔴", "benign": "🟢"}
GUARD_MODEL_SETUP = """CHAT_GUARD_BASE_URL=http://localhost:11434/v1   # any OpenAI-compatible server
CHAT_GUARD_MODEL=llama-guard3:1b                  # the guard model's name there
CHAT_GUARD_CATEGORIES=S6                          # block only these codes (empty: any 'unsafe')"""


def judge_available(env: dict[str, str]) -> tuple[bool, str]:
    """Whether a judge is configured, and what to show when it is not."""
    try:
        return bool(judges_from_env(env)), "Set OPENAI_API_KEY or CHAT_GUARD_BASE_URL in .env to use a judge."
    except ChatError as error:
        return False, error.message


def layer_switches() -> LayerSetup:
    """One switch per layer, on the page where the audience sees them; returns the system prompt and checks."""
    env = read_environment()
    has_judge, why_not = judge_available(env)
    chosen = []
    for layer, place in zip(LAYERS, st.columns(len(LAYERS)), strict=True):
        key = LAYER_SWITCH.format(layer=layer)
        st.session_state.setdefault(key, layer != "judge")
        if layer == "judge" and not has_judge:
            st.session_state[key] = False
        help_text = LAYER_HELP[layer] + ("" if layer != "judge" or has_judge else f" {why_not}")
        disabled = layer == "judge" and not has_judge
        if place.toggle(LAYER_NAMES[layer], key=key, help=help_text, disabled=disabled, wrap=True):
            chosen.append(layer)
    try:
        return build_layers(chosen, env)
    except ChatError as error:
        show_error(error)
        return build_layers([layer for layer in chosen if layer != "judge"], env)


def on_layers(setup: LayerSetup) -> str:
    """The layers that are on, in words."""
    return ", ".join(LAYER_NAMES[layer] for layer in setup.layers) or "none"


def explanation_card(told: Explanation, *, compact: bool = False) -> None:
    """Why a turn was stopped, for an audience: the layer, the reason, the score, the decoded text, the examples.
    `compact` (presenter mode) leaves out what the score bar already says and folds the examples."""
    scored = told.score is not None and told.threshold is not None and told.threshold <= 1
    with st.container(border=True):
        st.markdown(f"**🛑 {told.headline}**")
        if not (compact and scored):
            st.markdown(f"**Why:** {told.reason}")
        if scored:
            limit = (
                f"stops at {told.threshold:.2f}" if compact else f"anything at or above {told.threshold:.2f} is stopped"
            )
            st.progress(min(max(told.score, 0.0), 1.0), text=f"Score {told.score:.2f}: {limit}")
        if told.decoded and compact:
            st.markdown(f"**The message was disguised.** The check read: “{plain_markdown(told.decoded)}”")
        elif told.decoded:
            st.markdown("**The message was disguised.** After undoing the disguise, the check read:")
            st.text(told.decoded)
        if told.neighbours:
            examples = st.expander("Closest training examples") if compact else st
            if not compact:
                st.markdown("**The closest examples it learned from:**")
            lines = []
            for example in told.neighbours:
                parts = [f"{EXAMPLE_SIGNS.get(example.label, '')} {what_it_does(example)}".strip()]
                if example.similarity is not None:
                    parts.insert(0, f"{example.similarity:.0%} alike")
                described = " · ".join(part for part in parts if part)
                decoded = f" (disguised; it reads “{plain_markdown(example.reads)}”)" if example.reads else ""
                lines.append(
                    f"- “{plain_markdown(example.prompt)}”{decoded}" + (f"  \n  {described}" if described else "")
                )
            examples.markdown("\n".join(lines))
        if not compact:
            st.caption(
                "The reply shown is a helpful explanation instead of the answer; your message is kept above."
                if not told.retracted
                else "What the model wrote was withdrawn; the reply shown is a helpful explanation instead."
            )


def layer_verdicts(
    verdicts: Sequence[Verdict], reply: str, status: str, layers: Sequence[str], *, compact: bool = False
) -> None:
    """One line of plain words per layer; `compact`, only what each layer did, in one block (the reasons in its
    tooltip)."""
    told = layer_lines(verdicts, reply, status, layers)
    if compact:
        st.caption("  \n".join(f"{line.icon} {_what_it_did(line)}" for line in told), help="\n\n".join(map(str, told)))
        return
    for line in told:
        st.caption(str(line))


def _what_it_did(line: LayerLine) -> str:
    said = line.text.split(":", 1)[0].rstrip(".")  # "Input check passed: <reasons>" -> "Input check passed"
    return said if said != LAYER_NAMES[line.layer] else f"{said} {line.state}"


def verdicts_view(
    verdicts: Sequence[Verdict], reply: str, status: str, layers, *, retracted: bool, lines: bool, compact: bool = False
):
    """The explanation of a stopped turn, then (when asked) one line per layer; `compact` for presenter mode."""
    stopper = blocking(verdicts)
    if stopper is not None:
        explanation_card(explain(stopper, retracted=retracted), compact=compact)
    if lines:
        layer_verdicts(verdicts, reply, status, layers, compact=compact)
    elif verdicts or stopper is not None:
        with st.expander("What each layer decided"):
            layer_verdicts(verdicts, reply, status, layers)


def reply_explainer(*, lines: bool, compact: bool = False) -> Callable[[Entry], None]:
    """What the chat draws under each reply: why it was stopped, and each layer's verdict as it ran then."""

    def draw(entry: Entry) -> None:
        if entry.role != "assistant":
            return
        meta = entry.meta
        retracted = bool(meta.get("retracted"))
        verdicts_view(
            verdicts_of(meta), entry.content, entry.status, layers_of(meta), retracted=retracted, lines=lines,
            compact=compact,
        )  # fmt: skip

    return draw


def _column_layers(spec: TurnSpec, setup: LayerSetup) -> tuple[str, ...]:
    return setup.layers if spec.guard or spec.system == FINANCE_GUARDRAIL_PROMPT else ()


def ask_side_by_side(question: str) -> None:
    """Have the side-by-side view ask this question on its next run (a demo button's click)."""
    st.session_state[COMPARE_PENDING] = question


def side_by_side(
    settings: Settings | None, setup: LayerSetup, *, ask_at: DeltaGenerator | None = None, compact: bool = False
) -> None:
    """The same question with the chosen layers and with none, streaming at once, each with its verdicts.
    `ask_at` holds the question box in one row (presenter mode, with `compact` verdicts)."""
    if settings is None:
        st.error("The app's configuration has a problem (see the sidebar).")
        return
    columns = [
        Column("🛡️ With guardrails", TurnSpec(settings, system=setup.system, guard=setup.guard), on_layers(setup)),
        Column("🚫 Without guardrails", TurnSpec(settings, system=PLAIN_SYSTEM_PROMPT), "No rules, no checks"),
    ]
    with (ask_at or st).form("finance.side_by_side.form", border=False):
        box, button = st.columns([3, 1], vertical_alignment="bottom") if ask_at else (st, st)
        question = box.text_input(
            "Ask both the same question", key=COMPARE_QUESTION, placeholder="Which stock…?",
            label_visibility="collapsed" if ask_at else "visible",
        )  # fmt: skip
        asked = button.form_submit_button("Ask both", type="primary")
    pending = st.session_state.pop(COMPARE_PENDING, None)
    if pending or (asked and question.strip()):
        start(COMPARE, columns, pending or question.strip(), lambda spec: connect(spec.settings))

    def draw(running: Running) -> None:
        entry = running.turn.entry
        layers = _column_layers(running.turn.spec, setup)
        if running.retracted is not None:
            retraction_notice(running.retracted)
        status, content = (entry.status, entry.content) if entry is not None else ("error", "")
        # The recorded reply's verdicts: the running ones lack the output check's verdict on the finished reply.
        verdicts = verdicts_of(entry.meta) if entry is not None else running.verdicts
        retracted = running.retracted is not None
        verdicts_view(verdicts, content, status, layers, retracted=retracted, lines=True, compact=compact)

    compare(COMPARE, columns, on_verdicts=draw)


def about_layers(setup: LayerSetup) -> None:
    """What each layer is, the rules the model is sent, and how to add a judge."""
    with st.expander("The system prompt sent to the model", expanded=False):
        st.code(setup.system, language=None, wrap_lines=True)
        if "system" not in setup.layers:
            st.caption("The system prompt layer is off: the model gets the same role without the rules.")
    with st.expander("The judge layer: moderation and guard models"):
        st.warning(MODERATION_HAS_NO_FINANCE_CATEGORY, icon="🔎")
        st.markdown(
            "A **guard model** served by any OpenAI-compatible server can judge messages instead. "
            "Llama Guard answers `safe` or `unsafe` with hazard codes; **S6 covers specialised financial advice**. "
            "Add these lines to `.env` and restart the app:"
        )
        st.code(GUARD_MODEL_SETUP, language="bash")
        st.dataframe(
            [{"code": code, "hazard": name} for code, name in LLAMA_GUARD_CATEGORIES.items()],
            hide_index=True,
            height=200,
        )
