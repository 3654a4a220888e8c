import httpx2
import openai
import pytest

from chat_core.errors import ChatError, redact
from chat_core.providers.sdk_errors import is_retryable, translate

REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def status_error(cls, status: int, body: dict):
    return cls("failure", response=httpx2.Response(status, request=REQUEST), body=body)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (status_error(openai.AuthenticationError, 401, {"error": {"message": "bad key"}}), "auth"),
        (status_error(openai.PermissionDeniedError, 403, {"error": {"message": "no"}}), "forbidden"),
        (status_error(openai.NotFoundError, 404, {"error": {"message": "no model"}}), "not_found"),
        (status_error(openai.RateLimitError, 429, {"error": {"message": "slow down"}}), "rate_limited"),
        (status_error(openai.RateLimitError, 429, {"error": {"code": "insufficient_quota"}}), "quota"),
        (status_error(openai.InternalServerError, 503, {"error": {"message": "overloaded"}}), "server"),
        (openai.APITimeoutError(request=REQUEST), "timeout"),
        (openai.APIConnectionError(request=REQUEST), "connection"),
        (httpx2.RemoteProtocolError("peer closed connection"), "stream_cut"),
    ],
)
def test_each_failure_becomes_a_plain_error_with_a_hint(exc, kind):
    error = translate(exc, model="gpt-x")
    assert isinstance(error, ChatError)
    assert error.kind == kind
    assert error.message and error.hint


@pytest.mark.parametrize(
    "wording",
    [
        {
            "error": {
                "message": "This model's maximum context length is 128000 tokens.",
                "code": "context_length_exceeded",
            }
        },
        {"message": "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens"},
        {"error": {"message": "the request exceeds the available context size, try increasing it"}},
        {"error": {"message": "Requested tokens (2100) exceed context window of 2048"}},
    ],
)
def test_context_overflow_is_recognised_in_each_servers_words(wording):
    error = translate(status_error(openai.BadRequestError, 400, wording))
    assert error.kind == "context_too_long"
    assert not error.retryable


def test_quota_exhausted_is_never_retried_but_rate_limits_are():
    quota = status_error(openai.RateLimitError, 429, {"error": {"code": "insufficient_quota"}})
    limited = status_error(openai.RateLimitError, 429, {"error": {"message": "slow down"}})
    too_long = status_error(openai.BadRequestError, 400, {"error": {"code": "context_length_exceeded"}})
    assert not is_retryable(quota)
    assert is_retryable(limited)
    assert not is_retryable(too_long)


def test_keys_are_removed_from_anything_shown():
    text = "Incorrect API key provided: sk-proj-abcdefghijklmnop. Also my-own-secret."
    cleaned = redact(text, ("my-own-secret",))
    assert "abcdefghijklmnop" not in cleaned
    assert "my-own-secret" not in cleaned


def test_a_server_message_echoing_the_key_is_redacted():
    body = {"error": {"message": "key sk-live-1234567890abcdef is not valid for org"}}
    error = translate(status_error(openai.BadRequestError, 400, body), secrets=("sk-live-1234567890abcdef",))
    assert "1234567890abcdef" not in str(error)
    assert "1234567890abcdef" not in repr(error)
