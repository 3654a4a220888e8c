"""Faults of the embedded model's server: killed mid-reply (a clear error, the text so far kept, restarted for the next
turn) and its port taken by another process (it starts on another port and answers, never the process on the port)."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator

import pytest

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.providers.local_server import LocalModelServer
from chat_core.settings import load_settings
from chat_core.turn import Chunk, Turn, TurnSpec
from tests.conftest import DETERMINISTIC
from tests.reliability.conftest import shown_entries, stored_entries
from tests.support.scripted_server import ScriptedServer

SQUATTER_REPLY = "Hello from the scripted server."


@pytest.fixture
def database_url(tmp_path) -> str:
    """These cases are about the model's port, not the database: one SQLite file is enough."""
    return f"sqlite:///{tmp_path / 'chats.sqlite3'}"


@pytest.fixture
def silent_holder() -> Iterator[int]:
    """A socket that listens on a port and never answers: the port it holds."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


@pytest.fixture
def web_holder() -> Iterator[ScriptedServer]:
    """Another OpenAI-compatible web server, answering every request on the port it holds."""
    server = ScriptedServer().start()
    yield server
    server.stop()


def port_of(server: ScriptedServer) -> int:
    """The port a scripted server listens on."""
    return int(server.base_url.rsplit(":", 1)[1].split("/")[0])


def chat_twice(take_turn, server: LocalModelServer) -> Conversation:
    """Two turns answered by the embedded model, starting it on first use as the page does."""
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "16", "CHAT_REPLY_DEADLINE": "60"})
    conversation = Conversation()
    for question in ("What is the capital of France?", "And of Italy?"):
        provider = ChatProvider(settings, base_url=server.ensure_running())
        taken = take_turn(settings, conversation, question, provider)
        assert taken.entry.status in {"complete", "length"}, taken.entry.error
        assert taken.shown.strip() and taken.shown == taken.entry.content
    return conversation


@pytest.fixture
def model_server(model_path, request) -> Iterator[LocalModelServer]:
    """The real embedded model's server, told to try the port the test's holder took first."""
    held = request.getfixturevalue(request.param)
    port = held if isinstance(held, int) else port_of(held)
    server = LocalModelServer(model_path, context=512, port=port, startup_timeout=60)
    yield server
    server.stop()


@pytest.mark.parametrize("model_server", ["silent_holder"], indirect=True)
def test_a_port_held_by_a_silent_socket_is_passed_over_and_the_model_answers(model_server, take_turn, store):
    conversation = chat_twice(take_turn, model_server)
    assert model_server.port != model_server.preferred_port
    assert model_server.is_running()
    assert stored_entries(store, conversation) == shown_entries(conversation)


@pytest.mark.parametrize("model_server", ["web_holder"], indirect=True)
def test_a_port_held_by_another_web_server_is_not_mistaken_for_the_embedded_model(
    model_server, web_holder, take_turn, store
):
    conversation = chat_twice(take_turn, model_server)
    assert model_server.port != model_server.preferred_port
    assert web_holder.history == [], "a question went to the process holding the port"
    assert SQUATTER_REPLY not in [e.content for e in conversation.entries]
    assert stored_entries(store, conversation) == shown_entries(conversation)


@pytest.fixture
def plain_server(model_path) -> Iterator[LocalModelServer]:
    server = LocalModelServer(model_path, context=512, startup_timeout=60)
    yield server
    server.stop()


def test_a_server_killed_mid_reply_gives_a_clear_error_keeps_the_text_and_is_restarted(plain_server, take_turn, store):
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "200", "CHAT_REPLY_DEADLINE": "60"})
    conversation = Conversation()
    provider = ChatProvider(settings, base_url=plain_server.ensure_running())
    turn = Turn(TurnSpec(settings), conversation, "Tell me a long story about a lighthouse.", connect=lambda: provider)
    shown, killed = "", None
    for event in turn.events():
        if isinstance(event, Chunk):
            shown += event.text
            if killed is None and len(shown.split()) >= 3:
                killed = plain_server.process.pid
                os.kill(killed, signal.SIGKILL)
    assert killed is not None, "the reply ended before three words"
    cut = turn.entry
    assert cut.status == "error" and cut.content == shown and shown.strip()
    assert "Traceback" not in cut.error["message"] and cut.error["message"].endswith(".")
    assert plain_server.process.wait(timeout=30) == -signal.SIGKILL  # the stream broke as the process died

    provider = ChatProvider(settings, base_url=plain_server.ensure_running())
    again = take_turn(settings, conversation, "And a short one?", provider)
    assert plain_server.process.pid != killed and plain_server.starts == 2
    assert again.entry.status in {"complete", "length"} and again.shown.strip()
    assert stored_entries(store, conversation)[-2:] == shown_entries(conversation)[-2:]
