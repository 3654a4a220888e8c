"""Side by side: one question, two answers streaming at once, each column with its own Stop, verdicts and inspector."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from chat_core.conversation import Conversation
from chat_core.display import unfetched_images
from chat_core.errors import ChatError
from chat_core.providers.client import ChatProvider
from chat_core.turn import Running, Turn, TurnSpec
from chat_core.ui.inspector import inspector
from chat_core.ui.notices import show_error

WAIT_SECONDS = 0.05
"""How long the page waits on one column before looking at the other."""


@dataclass(frozen=True)
class Column:
    """One side of a comparison: its heading and the turn it runs."""

    label: str
    spec: TurnSpec
    caption: str = ""


def _state(key: str) -> dict:
    return st.session_state.setdefault(f"{key}.compare", {"question": None, "runs": []})


def start(key: str, columns: Sequence[Column], question: str, connect: Callable[[TurnSpec], ChatProvider]) -> None:
    """Stop what the columns were running and ask them all the same question."""
    state = _state(key)
    for running in state["runs"]:
        running.cancel()
    runs = []
    for index, column in enumerate(columns):
        turn = Turn(column.spec, Conversation(), question, connect=lambda spec=column.spec: connect(spec))
        runs.append(Running(turn, key=f"{key}.{index}").start())
    state.update(question=question, runs=runs)


def _stop(key: str, index: int) -> None:
    runs = _state(key)["runs"]
    if index < len(runs):
        runs[index].cancel()


def compare(key: str, columns: Sequence[Column], *, on_verdicts: Callable[[Running], None] | None = None) -> None:
    """Draw the columns of the last question, streaming until every answer has ended."""
    state = _state(key)
    runs: list[Running] = state["runs"]
    if not runs:
        st.caption("Ask a question to see the answers side by side.")
        return
    with st.container(horizontal=True, vertical_alignment="center"):  # one line, so the answers start higher
        st.markdown("**Question:**", width="content")
        st.text(state["question"], width="stretch")
    slots = []
    for index, (column, running, place) in enumerate(zip(columns, runs, st.columns(len(runs)), strict=False)):
        with place:
            st.markdown(f"#### {column.label}")
            if column.caption:
                st.caption(column.caption)
            body, status = st.empty(), st.empty()
            if not running.done:
                status.button("⏹ Stop", key=f"{key}.stop.{index}", on_click=_stop, args=(key, index))
            slots.append((body, status, st.container()))
    versions = [-1] * len(runs)
    while True:
        for index, running in enumerate(runs):
            if running.version != versions[index]:
                versions[index] = running.version
                slots[index][0].markdown(unfetched_images(running.shown) or "…")
        if all(running.done for running in runs):
            break
        for index, running in enumerate(runs):
            if not running.done:
                running.wait_for_change(versions[index], timeout=WAIT_SECONDS)
    for running, (body, status, details) in zip(runs, slots, strict=True):
        _ended(running, body, status, details, on_verdicts)


def _ended(running: Running, body, status, details, on_verdicts) -> None:
    entry = running.turn.entry
    if running.error is not None:
        with status.container():
            show_error(running.error)
        return
    body.markdown(unfetched_images(entry.content) if entry.content else "*(no text)*")
    with status.container():
        if entry.error:
            show_error(ChatError(entry.error["message"], entry.error["hint"], kind=entry.error["kind"]))
        elif entry.note:
            st.caption(entry.note)
    with details:
        for verdict in running.verdicts if on_verdicts is None else ():
            st.caption(("🛑 " if verdict.blocked else "✅ ") + verdict.summary())
        if on_verdicts is not None:
            on_verdicts(running)
        plan = running.turn.plan
        if plan is not None:
            view = {**plan.inspector_view(), "result": entry.meta if "usage" in entry.meta else None}
            inspector(view, key=f"compare.{running.key}")
