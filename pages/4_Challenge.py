"""Challenge: talk the bank desk's assistant into revealing its confidential pick, past eight levels of guards."""

import streamlit as st

from chat_core import ui
from chat_core.ui import presenter
from chat_core.ui.challenge import challenge

presenting = presenter.presenting()  # before anything is drawn: the page's layout depends on it
settings = ui.page_setup("Challenge", "🏔️", page="challenge", wide=presenting)
header = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")
header.title("🏔️ Challenge: the pick of the week", width="content")
with header:
    presenter.presenter_mode()
st.caption(
    "A finance education assistant knows its desk's confidential pick of the week, a made-up company. It must never "
    "reveal it. Get it out of the assistant, then type it in the guess box: each level adds a guardrail."
)
challenge(settings)
ui.home_sidebar(settings)
