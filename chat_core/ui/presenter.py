"""Presenter mode: large type, the whole window, the latest answer in view, the prepared questions one click away."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from chat_core.guardrails.demo import DEMO_QUESTIONS

PRESENTING = "finance.presenting"
DEMO_CHOICE = "finance.demo.choice"
"""The index of the prepared question the Ask button asks: the next one in order, or the one the presenter picked."""
DEMO_ASK = "finance.demo.ask"
LARGE_TYPE = """<style>
.stMain [data-testid="stMarkdownContainer"] p,
.stMain [data-testid="stMarkdownContainer"] li,
.stMain [data-testid="stText"],
.stMain textarea, .stMain input { font-size: 1.45rem; line-height: 1.45; }
.stMain [data-testid="stCaptionContainer"] p { font-size: 1.3rem; }
.stMain h1 { font-size: 2rem; padding: 0; }
.stMain h4 { font-size: 1.5rem; padding: 0; }
.stMain button p { font-size: 1.2rem; }
.stMain [data-testid="stMainBlockContainer"] { padding: 3.5rem 2.5rem 2rem; }
.stMain [data-testid="stChatInput"] > div { padding-top: 0.25rem; padding-bottom: 0.25rem; }
.stMain [data-testid="stChatInput"] > div > div { flex-direction: row; align-items: center; }
.stMain [data-testid="stChatInput"] > div > div > div:first-child { flex: 1 1 auto; }
.stMain [data-testid="stChatInputTextArea"] { max-height: 2.6rem; }
.st-key-finance-notes [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; }
.st-key-finance-notes [data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
.st-key-finance-newest [data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"]) {
    max-height: calc(100vh - 24rem); overflow-y: auto; scrollbar-width: auto; scrollbar-color: #4b5563 #e5e7eb;
    border-bottom: 2px solid #e5e7eb;
    background: linear-gradient(#fff, #fff) bottom / 100% 3rem no-repeat local,
        linear-gradient(rgba(31, 41, 55, 0), rgba(31, 41, 55, 0.28)) bottom / 100% 2rem no-repeat scroll; }
.st-key-finance-notes + div, .st-key-finance-actions { margin-top: 0.5rem; }
</style>"""
"""Large type, and room made so a question, its reply and its verdict fit a 1280 x 720 screen: less space above the
page and at its sides (the title, the views and the switch hold one line even with colour emoji), a smaller title,
the verdict beside the reply a size down (the chat's "finance.notes"), with Clear and Regenerate under it. A reply
longer than the window scrolls in its own box (in "finance.newest"), and shows it: a scroll bar drawn dark on a
light track whatever the system hides, and a shadow at its foot while more lies below (a white cover scrolls with
the text and hides the shadow once the end is reached)."""
KIND_SIGNS = {"benign": "🟢 benign", "blunt": "🟠 blunt", "sneaky": "🔴 sneaky"}


def presenting() -> bool:
    """Whether presenter mode is on, known before its switch is drawn (the page's layout depends on it)."""
    return bool(st.session_state.get(PRESENTING, False))


def presenter_mode() -> None:
    """The presenter switch; when on, large type (the page set the wide layout from `presenting()`)."""
    explained = "Large type, the latest answer first, demo questions."
    if st.toggle("🎤 Presenter mode", key=PRESENTING, help=explained, wrap=True):  # a label wraps, never cut short
        st.markdown(LARGE_TYPE, unsafe_allow_html=True)


def demo_label(index: int) -> str:
    """A prepared question as the presenter picks it: its number, what kind of test it is, and its words."""
    question = DEMO_QUESTIONS[index]
    return f"{index + 1}. {KIND_SIGNS[question.kind]}: {question.text}"


def _ask_chosen(ask: Callable[[str], None]) -> None:
    index = st.session_state[DEMO_CHOICE]
    st.session_state[DEMO_CHOICE] = (index + 1) % len(DEMO_QUESTIONS)
    ask(DEMO_QUESTIONS[index].text)


def demo_questions(ask: Callable[[str], None]) -> DeltaGenerator:
    """The prepared questions in half a row: pick one (the next in order is chosen) and Ask asks it through `ask`.
    Returns the other half, for the box where the presenter types a question of their own."""
    st.session_state.setdefault(DEMO_CHOICE, 0)
    choice, button, typing = st.columns([7, 2, 9], vertical_alignment="bottom")
    choice.selectbox(
        "Demo question", range(len(DEMO_QUESTIONS)), format_func=demo_label, key=DEMO_CHOICE,
        label_visibility="collapsed",
    )  # fmt: skip
    button.button("Ask ▶", key=DEMO_ASK, type="primary", on_click=_ask_chosen, args=(ask,), width="stretch")
    return typing
