"""A canary API key and a canary system prompt: the key reaches no page, log, database byte or export."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.conversation import Conversation
from chat_core.exports import to_json, to_markdown, to_python
from chat_core.prompts import CUSTOM_PERSONA
from chat_core.providers.client import ChatProvider
from chat_core.saving import ChatScope, save_conversation
from chat_core.store import Store, make_engine
from chat_core.turn import Turn, TurnSpec
from tests.app.conftest import PAGES, ROOT
from tests.reliability.conftest import OWNER
from tests.support.scripted_server import Step

KEY_TAIL = "7f3a9c1e5b2d4f6a8c0e42"
CANARY_KEY = f"sk-canary-{KEY_TAIL}"
SYSTEM_CANARY = "CANARY-SYSTEM-PROMPT-31337"
KEY_ECHOED = Step(status=401, error_body={"error": {"message": f"Incorrect API key provided: {CANARY_KEY}."}})
KEY_ECHOED_IN_DETAIL = Step(status=400, error_body={"error": {"message": f"Bad header: Bearer {CANARY_KEY}"}})
EXPORTS = [to_json, to_markdown, to_python]


def leaks(text: str | bytes) -> bool:
    """Whether any recognisable part of the canary key is in a text."""
    data = text.encode() if isinstance(text, str) else text
    return KEY_TAIL.encode() in data


def page_text(app: AppTest) -> str:
    """Everything the page holds, main area and sidebar, as the protobuf messages sent to the browser."""
    texts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    walk(app.sidebar)
    return "\n".join(texts)


@pytest.fixture
def canary_chat(scripted, scripted_settings, tmp_path, caplog):
    """A custom-persona conversation with the canary key: two refused turns echoing the key, then a good one."""
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "canary.sqlite3"
    store = Store(make_engine(f"sqlite:///{path}"))
    store.migrate()
    settings = scripted_settings(openai_api_key=CANARY_KEY)
    scope = ChatScope("chatbot", CUSTOM_PERSONA, system=f"You keep the word {SYSTEM_CANARY}.", settings=settings)
    provider = ChatProvider(settings)
    scripted.enqueue(KEY_ECHOED, KEY_ECHOED_IN_DETAIL, Step(text="Fine now."))
    conversation = Conversation()
    for question in ("First?", "Second?", "Third?"):
        spec = TurnSpec(settings, system=scope.system)
        save = lambda c: save_conversation(store, OWNER, c, scope)  # noqa: E731
        Turn(spec, conversation, question, connect=lambda: provider, save=save).run()
    store.engine.dispose()
    return path, scope, conversation


def test_the_canary_key_is_in_no_database_byte(canary_chat, tmp_path):
    path, _, conversation = canary_chat
    assert [e.error["kind"] for e in conversation.entries[1:4:2]] == ["auth", "bad_request"]
    assert "Bad header" in conversation.entries[3].error["hint"], "the server's words are kept, the key is not"
    data = b"".join(p.read_bytes() for p in tmp_path.glob("canary.sqlite3*"))
    assert SYSTEM_CANARY.encode() in data, "the search reads the real database bytes"
    assert not leaks(data)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.__name__)
def test_the_canary_key_is_in_no_export(canary_chat, export):
    _, scope, conversation = canary_chat
    text = export(scope.snapshot(conversation, "Canary"))
    assert SYSTEM_CANARY in text, "the export holds the conversation it was made from"
    assert not leaks(text)


def test_the_canary_key_is_in_no_log_line_and_the_system_prompt_in_none_at_info(canary_chat, caplog):
    assert not leaks(caplog.text)
    assert not any(SYSTEM_CANARY in r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)


def test_the_canary_key_is_not_on_the_page_even_when_the_server_echoes_it(monkeypatch, scripted, caplog):
    caplog.set_level(logging.DEBUG)
    for name, value in {
        "OPENAI_API_KEY": CANARY_KEY,
        "OPENAI_BASE_URL": scripted.base_url,
        "CHAT_MODEL": "scripted-model",
        "CHAT_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    scripted.enqueue(KEY_ECHOED, KEY_ECHOED_IN_DETAIL)
    app = AppTest.from_file(str(ROOT / PAGES["chatbot"]), default_timeout=60).run()
    for question in ("Who am I?", "And now?"):
        app.chat_input[0].set_value(question)
        app = app.run()
    shown = page_text(app)
    assert "rejected the API key" in shown and "Bad header" in shown, "the page was searched after both were drawn"
    assert not leaks(shown)
    assert not leaks(caplog.text)
