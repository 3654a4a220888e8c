"""Tutor: answers in the style of worked examples sent before the learner's question."""

import streamlit as st

from chat_core import ui
from chat_core.prompts import TUTOR_SUBJECTS

settings = ui.page_setup("Tutor", "🎓", page="tutor")
with st.sidebar:
    subject = st.selectbox("Subject", list(TUTOR_SUBJECTS), key="tutor.subject")
lesson = TUTOR_SUBJECTS[subject]

st.title("🎓 Tutor")
st.caption(f"Subject: **{subject}**. The tutor copies the style of the worked examples below.")
with st.expander(f"Few-shot examples: {len(lesson.examples)} pairs sent before your question", expanded=True):
    st.markdown(
        "These user/assistant turns are not a real conversation: the app sends them, after the system "
        "message, in front of every question you ask, so the model imitates their style."
    )
    st.caption("The system message, sent first:")
    st.code(lesson.system_prompt, language=None, wrap_lines=True)
    st.caption("Then the worked examples, as user and assistant turns:")
    for question, answer in lesson.examples:
        with st.chat_message("user"):
            st.markdown(f"*(example)* {question}")
        with st.chat_message("assistant"):
            st.markdown(f"*(example)* {answer}")
ui.chat("tutor", subject, settings, system=lesson.system_prompt, examples=lesson.examples)
