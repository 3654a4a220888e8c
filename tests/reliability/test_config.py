"""A guard on configuration: `.streamlit/config.toml` keeps the server's protections on and its sizes bounded."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chat_core.exports import MAX_IMPORT_BYTES
from chat_core.messages import MAX_USER_CHARS

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
MEGABYTE = 1024 * 1024


@pytest.mark.parametrize(
    ("section", "name", "value"),
    [("server", "enableXsrfProtection", True), ("server", "enableCORS", True), ("client", "showErrorDetails", "none")],
)
def test_the_config_guard_keeps_each_protection_explicitly_on(section, name, value):
    assert CONFIG[section][name] == value


def test_the_config_guard_bounds_uploads_to_what_an_import_may_be():
    upload_limit = CONFIG["server"]["maxUploadSize"] * MEGABYTE
    assert MAX_IMPORT_BYTES <= upload_limit <= 10 * MEGABYTE


def test_the_config_guard_bounds_websocket_messages_above_a_pasted_megabyte():
    message_limit = CONFIG["server"]["maxMessageSize"] * MEGABYTE
    assert 4 * MAX_USER_CHARS < MEGABYTE < message_limit <= 50 * MEGABYTE
