"""The one user-facing error type, and the plain-language errors any layer can raise."""

from __future__ import annotations

import re

_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_\-*]{6,})")
_CONTEXT_PATTERN = re.compile(
    r"context length|context window|context size|maximum context|context_length_exceeded"
    r"|exceed_context_size|prompt is too long|too many tokens|input is too large",
    re.IGNORECASE,
)


class ChatError(Exception):
    """A failure explained for the person at the keyboard: what happened and what to do."""

    def __init__(self, message: str, hint: str = "", *, kind: str = "error", retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind
        self.retryable = retryable

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def __repr__(self) -> str:
        return f"ChatError(kind={self.kind!r}, message={self.message!r})"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove API keys from text that may be shown or logged."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _KEY_PATTERN.sub("sk-***", text)


def is_context_overflow(text: str) -> bool:
    """Whether a server's error text says the prompt did not fit the context window."""
    return bool(_CONTEXT_PATTERN.search(text))


def stream_cut_error() -> ChatError:
    """The connection dropped after the reply had started."""
    return ChatError(
        "The connection to the model server was cut before the reply finished.",
        "What arrived is kept; press Retry to try again.",
        kind="stream_cut",
        retryable=True,
    )


def context_error() -> ChatError:
    return ChatError(
        "The conversation is too long for this model's context window.",
        "Clear the conversation, or set CHAT_CONTEXT_WINDOW to the model's real window size.",
        kind="context_too_long",
    )
