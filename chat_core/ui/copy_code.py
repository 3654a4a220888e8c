"""Copy as code: the last request as a runnable Python script and as a curl command, the key left to the shell."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from chat_core.errors import ChatError
from chat_core.lab.code import curl_command, python_script
from chat_core.settings import Settings
from chat_core.ui.resources import base_settings, connect


def server_url(settings: Settings | None) -> str | None:
    """The address the app sends requests to: the embedded model's server when it answers, else the configured one."""
    if settings is None:
        return None
    try:
        return str(connect(settings).client.base_url)
    except ChatError:
        return settings.base_url


def _settings() -> Settings | None:
    try:
        return base_settings()
    except ChatError:
        return None


def copy_as_code(body: Mapping[str, object], key: str) -> None:
    """The request as Python (openai SDK, key from the environment) and as curl, each to copy or download."""
    st.markdown("**Copy as code**")
    st.caption("The same request, to run yourself. The API key stays in the OPENAI_API_KEY environment variable.")
    settings = _settings()
    base_url = server_url(settings)
    python, curl = st.tabs(["Python", "curl"])
    if settings is not None and settings.provider == "local":
        st.caption(
            "The address is the embedded model's for as long as the app runs: it changes when the app restarts "
            "(a conversation's exported script says how to serve the model yourself)."
        )
    with python:
        script = python_script(body, base_url)
        st.code(script, language="python")
        st.download_button("⬇️ Download the script", script, "request.py", "text/x-python", key=f"{key}.code.python")
    with curl:
        command = curl_command(body, base_url)
        st.code(command, language="bash", wrap_lines=True)
        st.download_button(
            "⬇️ Download the command", command, "request.sh", "text/x-shellscript", key=f"{key}.code.curl"
        )
