"""The simplest Streamlit chat (Streamlit's llm-examples pattern): the baseline the chat pages are measured against.

Every message is replayed with `st.chat_message(role).write(content)` on every run; a question gets the scripted
server's streamed reply through the bare openai client. `OPENAI_BASE_URL` names the server; `SIMPLE_CHAT_MESSAGES`
a JSON file of messages the session starts with.
"""

import json
import os
from pathlib import Path

import openai
import streamlit as st

st.title("Simple chat")
if "messages" not in st.session_state:  # a saved chat to start from, for the long-conversation benchmark
    saved = os.environ.get("SIMPLE_CHAT_MESSAGES")
    st.session_state.messages = json.loads(Path(saved).read_text()) if saved else []
messages = st.session_state.messages
for message in messages:
    st.chat_message(message["role"]).write(message["content"])
if prompt := st.chat_input("Type a message"):
    messages.append({"role": "user", "content": prompt})
    st.chat_message("user").write(prompt)
    client = openai.OpenAI(base_url=os.environ["OPENAI_BASE_URL"], api_key="not-needed", max_retries=0)
    stream = client.chat.completions.create(model="scripted-model", messages=messages, stream=True)
    reply = st.chat_message("assistant").write_stream(stream)
    messages.append({"role": "assistant", "content": reply})
