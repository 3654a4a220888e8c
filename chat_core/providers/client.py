"""One streaming call to any OpenAI-compatible server, with explicit timeouts, retries and a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import httpx2
import openai

from chat_core.errors import ChatError, stream_cut_error
from chat_core.providers.sdk_errors import is_retryable, translate
from chat_core.messages import Message
from chat_core.settings import Settings
from chat_core.tokens import EstimateCounter


@dataclass(frozen=True)
class ChatRequest:
    """Everything sent for one reply: the model, the messages and the sampling parameters."""

    model: str
    messages: list[Message]
    temperature: float
    max_tokens: int
    seed: int | None = None

    def parameters(self) -> dict:
        """The request body's fields other than `messages` and `stream`."""
        params = {"model": self.model, "temperature": self.temperature, "max_tokens": self.max_tokens}
        if self.seed is not None:
            params["seed"] = self.seed
        return params

    def body(self) -> dict:
        """The whole JSON body, as the request inspector shows it."""
        return {**self.parameters(), "messages": self.messages, "stream": True}


@dataclass
class Usage:
    """Token counts for one reply, and where they came from: server, tokenizer or estimate."""

    prompt_tokens: int
    completion_tokens: int
    source: str

    @property
    def total_tokens(self) -> int:
        """Prompt and reply together."""
        return self.prompt_tokens + self.completion_tokens


@dataclass
class ReplyResult:
    """How a streamed reply ended."""

    text: str
    status: str
    finish_reason: str | None
    usage: Usage
    time_to_first_token: float | None
    total_time: float
    model: str

    def figures(self) -> dict:
        """Everything but the text, as a plain mapping: for storage and the inspector."""
        figures = asdict(self)
        del figures["text"]
        return figures


def status_for(finish_reason: str | None) -> str:
    """A reply's status from the finish reason the server sent (None: the stream was cut)."""
    if finish_reason is None:
        return "incomplete"
    return "length" if finish_reason == "length" else "complete"


class ChatProvider:
    """A client for one OpenAI-compatible server, shared by every session that uses it."""

    def __init__(self, settings: Settings, base_url: str | None = None, counter: EstimateCounter | None = None):
        self.settings = settings
        self.counter = counter or EstimateCounter()
        self.sends_usage_option = True
        self.client = openai.OpenAI(
            api_key=settings.api_key or "not-needed",
            base_url=base_url or settings.base_url,
            timeout=httpx2.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            max_retries=0,
        )

    def __repr__(self) -> str:
        return f"ChatProvider(provider={self.settings.provider!r}, base_url={str(self.client.base_url)!r})"

    def stream(self, request: ChatRequest) -> ReplyStream:
        """Start a reply; iterate the result for text chunks."""
        return ReplyStream(self, request)

    def list_models(self) -> list[str]:
        """Model ids the server offers, or an empty list when it does not say."""
        try:
            return sorted(m.id for m in self.client.models.list())
        except (openai.APIError, httpx2.HTTPError, ValueError):
            return []

    def open_stream(self, request: ChatRequest):
        """The SDK's stream, retried on transient failures before any text has arrived."""
        settings = self.settings
        attempt = 0
        while True:
            try:
                return self._create(request)
            except openai.APIStatusError as exc:
                if self.sends_usage_option and exc.status_code in (400, 422) and "stream_options" in str(exc.body):
                    self.sends_usage_option = False
                    continue
                if attempt >= settings.max_retries or not is_retryable(exc):
                    raise
                wait = _retry_after(exc.response) or settings.retry_backoff * 2**attempt
            except openai.APIConnectionError:
                if attempt >= settings.max_retries:
                    raise
                wait = settings.retry_backoff * 2**attempt
            attempt += 1
            time.sleep(min(wait, 10.0))

    def _create(self, request: ChatRequest):
        extra = {"stream_options": {"include_usage": True}} if self.sends_usage_option else {}
        return self.client.chat.completions.create(
            messages=request.messages, stream=True, **request.parameters(), **extra
        )


def _retry_after(response: httpx2.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@dataclass
class ReplyStream:
    """Iterate for text chunks; `result` tells how the reply ended. Failures raise ChatError."""

    provider: ChatProvider
    request: ChatRequest
    chunks: list[str] = field(default_factory=list)
    result: ReplyResult | None = None
    clock: Callable[[], float] = time.monotonic
    cancelled: bool = False
    _open: object = None

    def cancel(self) -> None:
        """Stop the reply from another thread: the connection is closed and the reply ends as stopped."""
        self.cancelled = True
        if self._open is not None:
            self._open.close()

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self.chunks)

    def __iter__(self) -> Iterator[str]:
        settings = self.provider.settings
        started = self.clock()
        deadline = started + settings.reply_deadline
        first_token_at = None
        finish_reason = None
        usage = None
        stream = None
        try:
            stream = self._open = self.provider.open_stream(self.request)
            for chunk in stream:
                if self.cancelled:
                    return
                if chunk.usage is not None:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens, "server")
                for choice in chunk.choices:
                    piece = choice.delta.content if choice.delta else None
                    if piece:
                        if first_token_at is None:
                            first_token_at = self.clock()
                        self.chunks.append(piece)
                        yield piece
                    finish_reason = choice.finish_reason or finish_reason
                if self.clock() > deadline:
                    raise ChatError(
                        f"The reply took longer than {settings.reply_deadline:g} seconds and was stopped.",
                        "What arrived is kept. Raise CHAT_REPLY_DEADLINE for slow models.",
                        kind="timeout",
                        retryable=True,
                    )
        except ChatError:
            raise
        except Exception as exc:
            if self.cancelled:
                return
            if stream is not None and type(exc) is openai.APIConnectionError:
                raise stream_cut_error() from None
            raise translate(exc, secrets=settings.secrets(), model=self.request.model) from None
        finally:
            if stream is not None:
                stream.close()
        if usage is None:
            counter = self.provider.counter
            usage = Usage(
                counter.count_messages(self.request.messages),
                counter.count_text(self.text),
                "tokenizer" if counter.exact else "estimate",
            )
        ended = self.clock()
        self.result = ReplyResult(
            text=self.text,
            status=status_for(finish_reason),
            finish_reason=finish_reason,
            usage=usage,
            time_to_first_token=None if first_token_at is None else first_token_at - started,
            total_time=ended - started,
            model=self.request.model,
        )
