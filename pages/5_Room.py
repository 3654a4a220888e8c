"""Room: the audience joins a presenter's room from their phones and plays the challenge; the presenter's link shows
the wall."""

import streamlit as st

from chat_core import ui
from chat_core.ui.room import room_page

presenting = "key" in st.query_params  # the presenter's view fills the projector's width
settings = ui.page_setup("Room", "📱", page="room", wide=presenting)
st.title("📱 Audience room")
room_page(settings)
if not presenting:
    ui.home_sidebar(settings)
