"""Every fault a model call can meet, against a scripted server on loopback."""

import json
import threading

import pytest

from chat_core.errors import ChatError
from chat_core.providers.client import ChatProvider, ChatRequest
from chat_core.providers.local_server import free_port
from chat_core.settings import load_settings
from tests.support.scripted_server import Step

MESSAGES = [{"role": "user", "content": "Say hello."}]


def request_for(settings) -> ChatRequest:
    return ChatRequest(settings.model, MESSAGES, settings.temperature, settings.max_tokens, settings.seed)


def stream_all(settings):
    stream = ChatProvider(settings).stream(request_for(settings))
    chunks = list(stream)
    return stream, chunks


def failure(settings) -> tuple[ChatError, str]:
    stream = ChatProvider(settings).stream(request_for(settings))
    with pytest.raises(ChatError) as caught:
        for _ in stream:
            pass
    return caught.value, stream.text


def test_a_reply_streams_in_chunks_with_the_servers_usage(scripted, scripted_settings):
    scripted.enqueue(Step(text="Hello there, friend.", chunks=4))
    stream, chunks = stream_all(scripted_settings())
    assert len(chunks) == 4
    assert "".join(chunks) == "Hello there, friend."
    result = stream.result
    assert (result.status, result.finish_reason) == ("complete", "stop")
    assert result.usage.source == "server"
    assert result.usage.prompt_tokens == 11
    assert result.time_to_first_token is not None and result.time_to_first_token <= result.total_time
    assert scripted.history[0]["stream_options"] == {"include_usage": True}
    assert scripted.history[0]["temperature"] == 0 and scripted.history[0]["seed"] == 42


def test_without_usage_from_the_server_tokens_are_estimated(scripted, scripted_settings):
    scripted.enqueue(Step(text="abcdef", usage=False))
    stream, _ = stream_all(scripted_settings())
    assert stream.result.usage.source == "estimate"
    assert stream.result.usage.completion_tokens == 2


def test_a_server_that_rejects_stream_options_is_asked_again_without_them(scripted, scripted_settings):
    scripted.enqueue(Step(reject_stream_options=True), Step(reject_stream_options=True, text="fine"))
    provider = ChatProvider(scripted_settings())
    settings = provider.settings
    first = provider.stream(request_for(settings))
    assert "".join(first) == "fine"
    assert "stream_options" in scripted.history[0]
    assert "stream_options" not in scripted.history[1]
    assert first.result.usage.source == "estimate"
    scripted.enqueue(Step(reject_stream_options=True, text="again"))
    assert "".join(provider.stream(request_for(settings))) == "again"
    assert len(scripted.history) == 3


def test_a_reply_cut_at_the_token_limit_says_so(scripted, scripted_settings):
    scripted.enqueue(Step(text="Once upon a", finish_reason="length"))
    stream, _ = stream_all(scripted_settings())
    assert stream.result.status == "length"


def test_a_stream_that_ends_without_a_finish_reason_is_incomplete(scripted, scripted_settings):
    scripted.enqueue(Step(text="Half a sen", cut="clean"))
    stream, chunks = stream_all(scripted_settings())
    assert "".join(chunks) == "Half a sen"
    assert stream.result.status == "incomplete"
    assert stream.result.finish_reason is None


def test_a_dropped_connection_mid_reply_keeps_the_text_so_far(scripted, scripted_settings):
    scripted.enqueue(Step(text="Partial answer", chunks=2, cut="abrupt"))
    error, partial = failure(scripted_settings(max_retries=0))
    assert error.kind == "stream_cut"
    assert partial == "Partial answer"


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, {"error": {"message": "Incorrect API key provided: sk-abc123456789xyz"}}, "auth"),
        (403, {"error": {"message": "Project does not have access"}}, "forbidden"),
        (404, {"error": {"message": "The model does not exist", "code": "model_not_found"}}, "not_found"),
        (429, {"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}, "quota"),
        (
            400,
            {"object": "error", "message": "This model's maximum context length is 2048 tokens."},
            "context_too_long",
        ),
    ],
)
def test_permanent_failures_fail_at_once_without_retrying(scripted, scripted_settings, status, body, kind):
    scripted.enqueue(Step(status=status, error_body=body))
    error, _ = failure(scripted_settings(openai_api_key="sk-abc123456789xyz"))
    assert error.kind == kind
    assert len(scripted.history) == 1
    assert "abc123456789xyz" not in str(error)


def test_rate_limits_are_retried_then_succeed(scripted, scripted_settings):
    limited = Step(status=429, error_body={"error": {"message": "Rate limit reached"}}, headers={"Retry-After": "0"})
    scripted.enqueue(limited, limited, Step(text="made it"))
    stream, chunks = stream_all(scripted_settings(max_retries=2))
    assert "".join(chunks) == "made it"
    assert len(scripted.history) == 3


def test_server_errors_are_retried_up_to_the_limit(scripted, scripted_settings):
    broken = Step(status=503, error_body={"error": {"message": "overloaded"}})
    scripted.enqueue(broken, broken, broken, broken)
    error, _ = failure(scripted_settings(max_retries=2))
    assert error.kind == "server"
    assert "503" in error.message
    assert len(scripted.history) == 3


def test_a_server_that_never_answers_times_out(scripted, scripted_settings):
    scripted.enqueue(Step(hang=1.5))
    error, _ = failure(scripted_settings(read_timeout=0.3, max_retries=0))
    assert error.kind == "timeout"


def test_a_server_that_trickles_forever_meets_the_reply_deadline(scripted, scripted_settings):
    scripted.enqueue(Step(text="tick ", chunks=1, delay=0.05, forever=True))
    error, partial = failure(scripted_settings(reply_deadline=0.5))
    assert error.kind == "timeout"
    assert "0.5 seconds" in error.message
    assert partial.startswith("tick tick")


def test_a_server_that_is_not_there_cannot_be_connected(scripted):
    settings = load_settings(
        {"OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "CHAT_MAX_RETRIES": "1", "CHAT_RETRY_BACKOFF": "0"}
    )
    error, _ = failure(settings)
    assert error.kind == "connection"


def test_a_malformed_stream_is_reported_as_unreadable(scripted, scripted_settings):
    scripted.enqueue(Step(raw_events=["{this is not json"]))
    error, _ = failure(scripted_settings())
    assert error.kind == "malformed"


def test_an_error_event_inside_the_stream_is_reported(scripted, scripted_settings):
    first = json.dumps(
        {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
        }
    )
    scripted.enqueue(Step(raw_events=[first, '{"error": {"message": "model crashed"}}']))
    error, partial = failure(scripted_settings())
    assert error.kind == "server"
    assert "model crashed" in error.hint
    assert partial == "Hi"


def test_models_are_listed_from_the_server(scripted, scripted_settings):
    assert ChatProvider(scripted_settings()).list_models() == ["scripted-large", "scripted-model"]


def test_a_reply_cancelled_from_another_thread_ends_as_stopped(scripted, scripted_settings):
    scripted.enqueue(Step(text="tick ", chunks=1, delay=0.05, forever=True))
    stream = ChatProvider(scripted_settings()).stream(request_for(scripted_settings()))
    received = []
    for chunk in stream:
        received.append(chunk)
        if len(received) == 3:
            threading.Thread(target=stream.cancel).start()
    assert stream.cancelled
    assert stream.result is None
    assert stream.text.startswith("tick tick tick")
