"""The context window as a picture: the last request's tokens by part, and the turns the budget left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import streamlit as st

from chat_core.lab.context import EARLIER, EXAMPLES, FREE, LEFT_OUT, NEW, PARTS, REPLY, SYSTEM, context_picture
from chat_core.messages import Message
from chat_core.tokens import EstimateCounter

COLOURS = {
    SYSTEM: "#6c5ce7",
    EXAMPLES: "#00a8a8",
    EARLIER: "#4c8bf5",
    NEW: "#f39c12",
    REPLY: "#e74c3c",
    FREE: "#dfe6e9",
    LEFT_OUT: "#95a5a6",
}
"""One colour per part, the same on every page; left-out turns are grey, the free room nearly white."""


def context_chart(view: Mapping[str, object], history: Sequence[Message] = (), counter=None) -> None:
    """A stacked bar of the request's tokens against the context window, a grey bar of the turns left out, and
    a sentence saying what it means."""
    # A view rebuilt after the conversation was cut short may name turns no longer held: draw only those known.
    view = {**view, "dropped": [index for index in view["dropped"] if index < len(history)]}
    picture = context_picture(view, history, counter or EstimateCounter())
    rows = [row for row in picture.rows() if row["tokens"] > 0 or row["part"] == LEFT_OUT]
    order = [*PARTS, LEFT_OUT]
    widest = max(picture.context_window, sum(turn.tokens for turn in picture.left_out))
    chart = (
        alt.Chart(alt.Data(values=[]))
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "tokens:Q",
                stack="zero",
                title=f"tokens (context window: {picture.context_window:,})",
                scale=alt.Scale(domain=[0, widest], nice=False),
            ),
            y=alt.Y("bar:N", title=None, sort=["Sent", "Left out"]),
            color=alt.Color(
                "part:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=[COLOURS[part] for part in order]),
                legend=alt.Legend(orient="bottom", columns=4),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("part:N", title="part"),
                alt.Tooltip("turn:N", title="turn"),
                alt.Tooltip("tokens:Q", title="tokens", format=","),
            ],
        )
        .properties(height=alt.Step(34))
    )
    st.markdown("**The context window**")
    # The rows go in after Altair has built the spec: it would wrap and validate each one (a row per turn left out),
    # which cost more than the rest of a long conversation's rerun.
    spec = chart.to_dict(validate=False)
    spec["data"] = {"values": rows}
    st.vega_lite_chart(spec, width="stretch")
    st.caption(picture.caption())
