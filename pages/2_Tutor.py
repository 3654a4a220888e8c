"""Tutor lab: answers steered by worked examples a teacher edits, compares side by side and sees in the context."""

import streamlit as st

from chat_core import ui
from chat_core.ui import tutor_lab
from chat_core.ui.side_by_side import side_by_side
from chat_core.ui.walkthrough import memory_walkthrough

settings = ui.page_setup("Tutor", "🎓", page="tutor")
offered = tutor_lab.offered_sets()
chosen = tutor_lab.choose_set(offered)

st.title("🎓 Tutor lab")
chat_tab, examples_tab, compare_tab, memory_tab = st.tabs(["Chat", "Examples", "Side by side", "How memory works"])
with examples_tab:
    active = tutor_lab.edited_set(chosen, settings)
    tutor_lab.tally()
with chat_tab:
    st.caption(
        f"Example set: **{active.name}**. The tutor copies the style of its worked examples; rate its replies "
        "with 👍 or 👎 to see which set answers best."
    )
    tutor_lab.examples_shown(active)
    ui.chat("tutor", active.name, settings, system=active.system, examples=active.examples)
with memory_tab:
    memory_walkthrough("tutor")
with compare_tab:
    side_by_side(settings, active, offered)
