"""Guardrail lab: layers the audience switches on and off, why a turn was stopped, side by side, and scored."""

import streamlit as st

from chat_core import ui
from chat_core.prompts import FINANCE_EXPLAINER
from chat_core.ui import guardrail_lab as lab
from chat_core.ui import presenter
from chat_core.ui.keys import pending
from chat_core.ui.room import open_room_button
from chat_core.ui.scorecard import scorecard

CHAT, SIDE_BY_SIDE, SCORECARD = lab.VIEWS

presenting = presenter.presenting()  # before anything is drawn: the page's layout depends on it
settings = ui.page_setup("Finance guardrails", "🛡️", page="finance", wide=presenting)
header = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")
header.title("🛡️ Guardrail lab", width="content")
views = header.container(width="content") if presenting else st  # presenting, one line holds title, views, switch
with header:
    presenter.presenter_mode()
with st.sidebar if presenting else st.container():  # presenting, the header's one line stays one line
    open_room_button()
if not presenting:
    st.caption(
        "A finance education assistant that must never tell anyone what to buy. Switch its guardrail layers on "
        "and off, ask, and see which layer stops what, and why."
    )
    with st.expander("What is a system message?"):
        st.markdown(FINANCE_EXPLAINER)
setup = lab.layer_switches()
view = views.radio(
    "View", [CHAT, SIDE_BY_SIDE, SCORECARD], key=lab.VIEW, horizontal=True, label_visibility="collapsed"
)

typing = None
if presenting and view != SCORECARD:
    ask_chat = lambda text: st.session_state.__setitem__(pending(lab.PAGE), text)  # noqa: E731
    typing = presenter.demo_questions(ask_chat if view == CHAT else lab.ask_side_by_side)
if view == CHAT:
    explain = lab.reply_explainer(lines=presenting, compact=presenting)
    ui.chat(
        lab.PAGE, "guardrails", settings, system=setup.system, guard=setup.guard, explain=explain,
        latest_first=presenting, input_at=typing,
    )  # fmt: skip
elif view == SIDE_BY_SIDE:
    lab.side_by_side(settings, setup, ask_at=typing, compact=presenting)
    ui.home_sidebar(settings)
else:
    scorecard(settings, setup)
    ui.home_sidebar(settings)
if not presenting:
    lab.about_layers(setup)
