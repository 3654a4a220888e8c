"""Folds: expanders whose contents are drawn only while they are open, so a closed one costs a rerun next to nothing."""

from __future__ import annotations

import streamlit as st
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer


def fold(label: str, key: str) -> ExpanderContainer | None:
    """An expander that reruns the page when opened or closed; the container to draw into while open, else None.

    Widgets inside are drawn only while it is open, so their state must not need to outlive a closed fold.
    """
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
