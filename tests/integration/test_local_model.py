"""The real embedded model: SmolLM2-135M-Instruct served by llama-cpp-python on loopback."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.providers.client import ChatProvider, ChatRequest
from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.settings import load_settings
from chat_core.tokens import VocabularyCounter
from chat_core.turn import Chunk, Turn, TurnSpec, plan_turn
from tests.conftest import DETERMINISTIC

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def counter(model_path):
    return VocabularyCounter(str(model_path))


@pytest.fixture
def local(local_server, counter):
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "48", "CHAT_REPLY_DEADLINE": "900"})
    return settings, ChatProvider(settings, base_url=local_server.ensure_running(), counter=counter)


def ask(settings, provider, conversation, text):
    """One turn through the turn runner; returns its plan, its reply stream and the text chunks shown."""
    spec = TurnSpec(settings, system="You are a helpful assistant.")
    turn = Turn(spec, conversation, text, connect=lambda: provider)
    chunks = [event.text for event in turn.events() if isinstance(event, Chunk)]
    return turn.plan, turn.stream, chunks


def test_the_embedded_model_streams_a_reply_with_usage(local):
    settings, provider = local
    _, stream, chunks = ask(settings, provider, Conversation(), "What is the capital of France?")
    result = stream.result
    assert len(chunks) > 1
    assert result.text.strip()
    assert result.finish_reason in ("stop", "length")
    assert result.status in ("complete", "length")
    assert result.usage.prompt_tokens > 10 and result.usage.completion_tokens > 0
    assert result.usage.source in ("server", "tokenizer")
    assert 0 < result.time_to_first_token <= result.total_time


QUESTIONS = ("Name a colour.", "What is 2+2?", "Name an animal.", "Say hi.", "What is the capital of France?")
ORDERS = {
    "in order": QUESTIONS,
    "reversed": QUESTIONS[::-1],
    "repeated": (QUESTIONS[0],) * 3,
    "interleaved": (QUESTIONS[2], QUESTIONS[0], QUESTIONS[2], QUESTIONS[0], QUESTIONS[4], QUESTIONS[0]),
}


def replies_in_order(settings, provider, questions) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for question in questions:
        seen.setdefault(question, set()).add(ask(settings, provider, Conversation(), question)[1].result.text)
    return seen


@pytest.fixture(scope="module")
def fresh_replies(model_path, counter):
    """Each question asked once, first thing, on a server started for it: what a cold cache answers."""
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "24"})
    replies = {}
    for question in QUESTIONS:
        server = LocalModelServer(model_path, context=2048)
        try:
            provider = ChatProvider(settings, base_url=server.ensure_running(), counter=counter)
            replies[question] = ask(settings, provider, Conversation(), question)[1].result.text
        finally:
            server.stop()
    return replies


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_reply_does_not_depend_on_what_the_server_served_before(local_server, counter, fresh_replies, order):
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "24"})
    provider = ChatProvider(settings, base_url=local_server.ensure_running(), counter=counter)
    seen = replies_in_order(settings, provider, order)
    assert seen == {question: {fresh_replies[question]} for question in set(order)}


TEN_TURNS = (
    "My name is Ada and I count birds.",
    "What is 2+2?",
    "Name a colour.",
    "What do I count?",
    "Name an animal.",
    "What is the capital of France?",
    "Say hi.",
    "What is my name?",
    "Name a fruit.",
    "Which number did I ask about?",
)
ELSEWHERE = [{"role": "user", "content": "Something else entirely: tell me about clocks."}]


def reply_to(provider, settings, messages) -> str:
    """The whole reply to one request, sent as it is."""
    request = ChatRequest(settings.model, messages, settings.temperature, settings.max_tokens, settings.seed)
    return "".join(provider.stream(request))


def test_replies_are_the_same_cold_warm_and_after_a_restart(model_path, counter):
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "16"})
    server = LocalModelServer(model_path, context=2048)
    try:
        provider = ChatProvider(settings, base_url=server.ensure_running(), counter=counter)
        # Warm: a ten-turn chat, each turn reusing the cached prompt of the one before and the server's own reply.
        conversation, requests, warm = Conversation(), [], []
        for question in TEN_TURNS:
            plan, stream, _ = ask(settings, provider, conversation, question)
            requests.append(plan.request.messages)
            warm.append(stream.result.text)
        # Cold: each request on a server whose cache holds another conversation.
        cold = []
        for messages in requests:
            reply_to(provider, settings, ELSEWHERE)
            cold.append(reply_to(provider, settings, messages))
        # After a restart: the last turn first, then each earlier one after the longer chat that holds it.
        server.stop()
        provider = ChatProvider(settings, base_url=server.ensure_running(), counter=counter)
        restarted = [reply_to(provider, settings, messages) for messages in reversed(requests)][::-1]
    finally:
        server.stop()
    assert server.starts == 2
    assert len(set(warm)) > 5, "the ten turns got different replies"
    assert [c == w for c, w in zip(cold, warm, strict=True)] == [True] * 10, (cold, warm)
    assert [r == w for r, w in zip(restarted, warm, strict=True)] == [True] * 10, (restarted, warm)


def test_a_long_chat_still_reuses_the_cached_prompt_prefix(local, local_server):
    settings, provider = local
    conversation = Conversation()
    ask(settings, provider, conversation, "My name is Ada and I like counting birds in the park.")
    before = local_server.log_path.read_text(errors="replace").count("prefix-match hit")
    ask(settings, provider, conversation, "What do I like?")
    assert local_server.log_path.read_text(errors="replace").count("prefix-match hit") > before


def test_the_second_turn_resends_the_first(local):
    settings, provider = local
    conversation = Conversation()
    ask(settings, provider, conversation, "My name is Ada.")
    plan, stream, _ = ask(settings, provider, conversation, "What is my name?")
    sent = plan.request.messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "My name is Ada."
    assert sent[2]["content"] == conversation.entries[1].content
    assert stream.result.text.strip()


def test_two_replies_at_once_both_finish(local):
    settings, provider = local
    streams = [provider.stream(plan_for(settings, provider, f"Tell me about the number {n}.")) for n in (3, 7)]
    threads = [threading.Thread(target=lambda s=s: list(s)) for s in streams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [s.result.finish_reason in ("stop", "length") for s in streams] == [True, True]
    assert all(s.result.status != "incomplete" and s.text for s in streams)


def plan_for(settings, provider, text):
    return plan_turn(settings, provider, system=None, examples=[], history=[], user_text=text).request


def three_hundred_turns() -> Conversation:
    """A chat of 300 questions and answers, far longer than the context window."""
    conversation = Conversation()
    for index in range(300):
        conversation.add_user(f"Turn {index}: tell me something about the number {index}, please.")
        conversation.add_reply(f"The number {index} is a fine number with many interesting properties.", "complete")
    return conversation


def test_a_300_turn_conversation_never_overflows_the_context(local):
    settings, provider = local
    conversation = three_hundred_turns()
    plan, stream, _ = ask(settings, provider, conversation, "Summarise our talk in one sentence.")
    assert len(plan.budget.dropped) > 400
    assert plan.budget.prompt_tokens <= settings.context_window - settings.max_tokens
    assert stream.result.status in ("complete", "length")
    assert stream.result.usage.prompt_tokens <= settings.context_window - settings.max_tokens


def test_after_a_trim_the_next_turn_reuses_the_prompt_the_server_already_read(local, local_server):
    settings, provider = local
    conversation = three_hundred_turns()
    first, stream, _ = ask(settings, provider, conversation, "Summarise our talk in one sentence.")
    second, _, _ = ask(settings, provider, conversation, "And in one word?")
    assert second.budget.dropped == first.budget.dropped, "the cut stays where the previous turn put it"
    hits = re.findall(r"(\d+) prefix-match hit", local_server.log_path.read_text(errors="replace"))
    assert int(hits[-1]) > stream.result.usage.prompt_tokens / 2, (hits[-3:], stream.result.usage.prompt_tokens)


def test_the_vocabulary_count_matches_what_the_server_counts(local):
    settings, provider = local
    plan, stream, _ = ask(settings, provider, Conversation(), "Hello!")
    assert stream.result.usage.source == "tokenizer"
    reply = provider.client.chat.completions.create(
        messages=plan.request.messages, max_tokens=1, **{"model": settings.model}
    )
    assert abs(plan.budget.prompt_tokens - reply.usage.prompt_tokens) <= 8
    assert plan.budget.prompt_tokens >= reply.usage.prompt_tokens


def test_a_killed_server_is_restarted_on_the_next_request(model_path, counter):
    server = LocalModelServer(model_path, context=1024)
    try:
        first_url = server.ensure_running()
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        assert not server.is_running()
        second_url = server.ensure_running()
        assert server.starts == 2
        settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "16"})
        provider = ChatProvider(settings, base_url=second_url, counter=counter)
        _, stream, _ = ask(settings, provider, Conversation(), "Hi")
        assert stream.result.text
        assert first_url.startswith("http://127.0.0.1:")
    finally:
        server.stop()
    assert not server.is_running()


def test_a_server_started_from_a_short_lived_thread_keeps_running(model_path):
    server = LocalModelServer(model_path, context=512)
    starter = threading.Thread(target=server.ensure_running)
    try:
        starter.start()
        starter.join()
        assert server.is_running()
        settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "8"})
        stream = ChatProvider(settings, base_url=server.ensure_running()).stream(
            ChatRequest(settings.model, [{"role": "user", "content": "Hi"}], 0.0, 8, 42)
        )
        assert "".join(stream)
        assert server.starts == 1
    finally:
        server.stop()


def test_the_apps_own_port_and_key_variables_do_not_reach_the_model_server(model_path, monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("PORT", str(taken.getsockname()[1]))
        monkeypatch.setenv("API_KEY", "meant-for-something-else")
        server = LocalModelServer(model_path, context=512)
        try:
            base_url = server.ensure_running()
            assert base_url != f"http://127.0.0.1:{taken.getsockname()[1]}/v1"
            settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "8"})
            stream = ChatProvider(settings, base_url=base_url).stream(
                ChatRequest(settings.model, [{"role": "user", "content": "Hi"}], 0.0, 8, 42)
            )
            assert "".join(stream)
            assert server.starts == 1
        finally:
            server.stop()


def test_a_missing_model_file_says_what_to_do(tmp_path):
    with pytest.raises(ChatError) as caught:
        find_model_file(str(tmp_path / "missing.gguf"))
    assert caught.value.kind == "local_model"
    assert "CHAT_LOCAL_MODEL_PATH" in caught.value.message


def test_a_server_that_cannot_start_explains_why(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    server = LocalModelServer(broken, startup_timeout=60)
    with pytest.raises(ChatError) as caught:
        server.ensure_running()
    assert caught.value.kind == "local_model"
    assert "could not start" in caught.value.message
    assert not server.is_running()


APP_THAT_STARTS_THE_MODEL = """
import sys, threading
from chat_core.providers.local_server import LocalModelServer, find_model_file
server = LocalModelServer(find_model_file(), context=512)
starter = threading.Thread(target=server.ensure_running)
starter.start(); starter.join()
print(server.process.pid, flush=True)
threading.Event().wait()
"""


def test_the_model_server_does_not_outlive_a_killed_app(tmp_path):
    app = subprocess.Popen(
        [sys.executable, "-c", APP_THAT_STARTS_THE_MODEL], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    child = int(app.stdout.readline())
    assert process_alive(child)
    app.kill()
    app.wait()
    deadline = time.monotonic() + 20
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child)


def process_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
