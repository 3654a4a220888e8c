"""Guardrail lab: layers the audience switches on and off, why a turn was stopped, side by side, and scored."""

import streamlit as st

from chat_core import ui
from chat_core.prompts import FINANCE_EXPLAINER
from chat_core.ui import guardrail_lab as lab
from chat_core.ui import presenter
from chat_core.ui.keys import pending
from chat_core.ui.scorecard import scorecard

CHAT, SIDE_BY_SIDE, SCORECARD = "💬 Chat", "↔️ With and without", "📊 Red-team scorecard"

settings = ui.page_setup("Finance guardrails", "🛡️", page="finance")
presenting = presenter.presenter_mode()
st.title("🛡️ Guardrail lab")
if not presenting:
    st.caption(
        "A finance education assistant that must never tell anyone what to buy. Switch its guardrail layers on "
        "and off, ask, and see which layer stops what, and why."
    )
    with st.expander("What is a system message?"):
        st.markdown(FINANCE_EXPLAINER)
setup = lab.layer_switches()
view = st.radio(
    "View", [CHAT, SIDE_BY_SIDE, SCORECARD], key="finance.view", horizontal=True, label_visibility="collapsed"
)

if presenting and view != SCORECARD:
    ask_chat = lambda text: st.session_state.__setitem__(pending(lab.PAGE), text)  # noqa: E731
    presenter.demo_questions(ask_chat if view == CHAT else lab.ask_side_by_side)
if view == CHAT:
    explain = lab.reply_explainer(lines=presenting)
    ui.chat(lab.PAGE, "guardrails", settings, system=setup.system, guard=setup.guard, explain=explain)
elif view == SIDE_BY_SIDE:
    lab.side_by_side(settings, setup)
    ui.home_sidebar(settings)
else:
    scorecard(settings, setup)
    ui.home_sidebar(settings)
if not presenting:
    lab.about_layers(setup)
