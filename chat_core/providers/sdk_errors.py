"""Translating the openai SDK's exceptions into the one user-facing ChatError."""

from __future__ import annotations

import json
import re

import httpx2
import openai

from chat_core.errors import ChatError, context_error, is_context_overflow, redact, stream_cut_error

_QUOTA_PATTERN = re.compile(r"insufficient_quota|exceeded your current quota|quota", re.IGNORECASE)


def _server_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            parts = [str(inner.get(k, "")) for k in ("message", "code", "type")]
            return " ".join(p for p in parts if p and p != "None")
        return str(inner)
    return str(body or exc.message or "")


def is_quota_exhausted(exc: openai.APIStatusError) -> bool:
    """A 429 that waiting will not fix: the account is out of credit."""
    return exc.status_code == 429 and bool(_QUOTA_PATTERN.search(_server_detail(exc)))


def is_retryable(exc: BaseException) -> bool:
    """Transient failures worth another attempt; permanent ones fail at once."""
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        if is_quota_exhausted(exc):
            return False
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def translate(exc: BaseException, *, secrets: tuple[str, ...] = (), model: str = "") -> ChatError:
    """Turn any failure of a model call into a ChatError with a plain message and a hint."""
    if isinstance(exc, ChatError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return ChatError(
            "The model server took too long to answer.",
            "Try again; if it keeps happening, raise CHAT_READ_TIMEOUT or use a faster model.",
            kind="timeout",
            retryable=True,
        )
    if isinstance(exc, openai.APIConnectionError):
        return ChatError(
            "Could not connect to the model server.",
            "Check that the server is running and that OPENAI_BASE_URL points at it.",
            kind="connection",
            retryable=True,
        )
    if isinstance(exc, openai.APIStatusError):
        return _translate_status(exc, secrets, model)
    if isinstance(exc, (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.StreamError)):
        return stream_cut_error()
    if isinstance(exc, (json.JSONDecodeError, openai.APIResponseValidationError)):
        return ChatError(
            "The model server sent a reply this app could not read.",
            "The server may not speak the chat-completions protocol; check OPENAI_BASE_URL.",
            kind="malformed",
            retryable=True,
        )
    if isinstance(exc, openai.APIError):
        detail = redact(str(getattr(exc, "message", exc)), secrets)
        if is_context_overflow(detail):
            return context_error()
        return ChatError(
            "The model server reported an error while answering.",
            f"Server said: {detail[:300]}",
            kind="server",
            retryable=True,
        )
    return ChatError(
        "Something went wrong while talking to the model.",
        f"{type(exc).__name__}: {redact(str(exc), secrets)[:300]}",
        kind="unexpected",
        retryable=True,
    )


def _translate_status(exc: openai.APIStatusError, secrets: tuple[str, ...], model: str) -> ChatError:
    status = exc.status_code
    detail = redact(_server_detail(exc), secrets)
    if status == 401:
        return ChatError(
            "The model server rejected the API key.",
            "Check OPENAI_API_KEY in your .env file (or the environment) and restart the app.",
            kind="auth",
        )
    if status == 403:
        return ChatError(
            "This API key is not allowed to use that model or endpoint.",
            "Check the key's project permissions, or pick another model in the sidebar.",
            kind="forbidden",
        )
    if status == 404:
        return ChatError(
            f"The model server does not know the model {model!r}." if model else "The model was not found.",
            "Pick another model in the sidebar or set CHAT_MODEL to one the server offers.",
            kind="not_found",
        )
    if status == 429 and is_quota_exhausted(exc):
        return ChatError(
            "The API account has run out of quota.",
            "Add credit or raise the limit in your provider's billing settings; waiting will not help.",
            kind="quota",
        )
    if status == 429:
        return ChatError(
            "The model server is rate limiting requests.",
            "Wait a few seconds and retry.",
            kind="rate_limited",
            retryable=True,
        )
    if is_context_overflow(detail):
        return context_error()
    if status >= 500:
        return ChatError(
            f"The model server had an internal error ({status}).",
            "Retry in a moment; if it persists, check the server's logs.",
            kind="server",
            retryable=True,
        )
    return ChatError(
        f"The model server refused the request ({status}).",
        f"Server said: {detail[:300]}",
        kind="bad_request",
    )
