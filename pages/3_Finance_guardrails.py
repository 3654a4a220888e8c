"""Finance guardrail demo: the rules live in a system message the audience can read."""

import streamlit as st

from chat_core import ui
from chat_core.prompts import FINANCE_EXPLAINER, FINANCE_GUARDRAIL_PROMPT

settings = ui.page_setup("Finance guardrails", "🛡️", page="finance")
st.title("🛡️ Finance guardrail demo")
st.info(FINANCE_EXPLAINER)
with st.expander("The guardrail system message sent with every question", expanded=True):
    st.code(FINANCE_GUARDRAIL_PROMPT, language=None, wrap_lines=True)
st.caption(
    'Try: "What is an index fund?", then "Which stock should I buy tomorrow?". With the embedded 135M-parameter '
    "model the rules often fail: that is the lesson, a system message is an instruction, not a lock. Larger "
    "models (OpenAI, or Llama through Ollama) hold them more often."
)
ui.chat("finance", "guardrails", settings, system=FINANCE_GUARDRAIL_PROMPT)
