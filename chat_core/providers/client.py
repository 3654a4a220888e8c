"""One streaming call to any OpenAI-compatible server, with explicit timeouts, retries and a deadline."""

from __future__ import annotations

import itertools
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import httpx2
import openai

from chat_core.errors import ChatError, stream_cut_error
from chat_core.messages import Message
from chat_core.providers.sdk_errors import is_retryable, translate
from chat_core.settings import Settings
from chat_core.tokens import EstimateCounter


@dataclass(frozen=True)
class ChatRequest:
    """Everything asked for one reply: the model, the messages and the sampling parameters."""

    model: str
    messages: list[Message]
    temperature: float
    max_tokens: int
    seed: int | None = None

    def parameters(self, token_field: str = "max_tokens") -> dict:
        """The request body's fields other than `messages` and `stream`."""
        params = {"model": self.model, "temperature": self.temperature, token_field: self.max_tokens}
        if self.seed is not None:
            params["seed"] = self.seed
        return params

    def body(self, token_field: str = "max_tokens") -> dict:
        """The whole JSON body, as the request inspector shows it."""
        return {**self.parameters(token_field), "messages": self.messages, "stream": True}


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


def deadline_error(seconds: float) -> ChatError:
    """The reply went on past the wall-clock deadline for one reply."""
    return ChatError(
        f"The reply took longer than {seconds:g} seconds and was stopped.",
        "What arrived is kept. Raise CHAT_REPLY_DEADLINE for slow models.",
        kind="timeout",
        retryable=True,
    )


def status_for(finish_reason: str | None, text: str) -> str:
    """A reply's status from the finish reason the server sent (None: the stream was cut) and the text it sent."""
    if finish_reason is None:
        return "incomplete"
    if finish_reason == "length":
        return "length"
    return "complete" if text else "empty"


TOKEN_FIELDS = ("max_tokens", "max_completion_tokens")
OPTIONAL_PARAMETERS = ("temperature", "seed")


@dataclass
class Adaptation:
    """How requests for one model differ from the default, after the server refused a parameter."""

    token_field: str
    dropped: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


class ChatProvider:
    """A client for one OpenAI-compatible server, shared by every session that uses it.

    OpenAI's current models take `max_completion_tokens` and some only their default temperature;
    llama-cpp-python's server honours only `max_tokens`. Each server is sent what it honours: the default
    by provider, and when a server refuses a parameter, the request is adapted once and remembered per model.
    """

    def __init__(self, settings: Settings, base_url: str | None = None, counter: EstimateCounter | None = None):
        self.settings = settings
        self.counter = counter or EstimateCounter()
        self.sends_usage_option = True
        self.adaptations: dict[str, Adaptation] = {}
        self._adapting = threading.Lock()
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

    def adaptation(self, model: str) -> Adaptation:
        """What this server is known to need for `model`."""
        with self._adapting:
            if model not in self.adaptations:
                default = "max_completion_tokens" if self.settings.provider == "openai" else "max_tokens"
                self.adaptations[model] = Adaptation(default)
            return self.adaptations[model]

    def parameters(self, request: ChatRequest) -> dict:
        """The parameters sent for a request on this server, adapted to what it honours."""
        adapted = self.adaptation(request.model)
        params = request.parameters(adapted.token_field)
        for name in adapted.dropped:
            params.pop(name, None)
        return params

    def _adapt(self, request: ChatRequest, exc: openai.APIStatusError) -> bool:
        """Change what is sent when the server refused one parameter; False when nothing can be changed."""
        refused = refused_parameter(exc)
        adapted = self.adaptation(request.model)
        with self._adapting:
            if refused in TOKEN_FIELDS and refused == adapted.token_field:
                other = TOKEN_FIELDS[1 - TOKEN_FIELDS.index(refused)]
                adapted.token_field = other
                adapted.notes.append(f"{other} sent instead of {refused}, which the server refused")
                return True
            if refused in OPTIONAL_PARAMETERS and refused not in adapted.dropped:
                adapted.dropped.add(refused)
                adapted.notes.append(f"{refused} left out: the server accepts only its default for this model")
                return True
        return False

    def open_stream(self, request: ChatRequest, sent: dict | None = None, stopped: Callable[[], bool] | None = None):
        """The SDK's stream, retried on transient failures before any text has arrived.

        `sent`, when given, is filled with the parameters of the request that was accepted. `stopped`, when given, is
        asked before each retry: once it says yes, the last failure is raised instead of sending again.
        """
        settings = self.settings
        attempt = 0
        while True:
            params = self.parameters(request)
            try:
                stream = self._create(request, params)
            except openai.APIStatusError as exc:
                if exc.status_code in (400, 422):
                    if self.sends_usage_option and "stream_options" in str(exc.body):
                        self.sends_usage_option = False
                        continue
                    if self._adapt(request, exc):
                        continue
                if attempt >= settings.max_retries or not is_retryable(exc):
                    raise
                failure, wait = exc, _retry_after(exc.response) or settings.retry_backoff * 2**attempt
            except openai.APIConnectionError as exc:
                if attempt >= settings.max_retries:
                    raise
                failure, wait = exc, settings.retry_backoff * 2**attempt
            else:
                if sent is not None:
                    sent.update(params)
                return stream
            attempt += 1
            time.sleep(min(wait, 10.0))
            if stopped is not None and stopped():
                raise failure

    def _create(self, request: ChatRequest, params: dict):
        extra = {"stream_options": {"include_usage": True}} if self.sends_usage_option else {}
        return self.client.chat.completions.create(messages=request.messages, stream=True, **params, **extra)


def refused_parameter(exc: openai.APIStatusError) -> str | None:
    """The request parameter a 400 names as unsupported, if any (OpenAI's `param`, or the message's wording)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
    param = inner.get("param")
    if param in (*TOKEN_FIELDS, *OPTIONAL_PARAMETERS):
        return param
    message = str(inner.get("message") or exc.message or "")
    for name in (*TOKEN_FIELDS, *OPTIONAL_PARAMETERS):
        if re.search(rf"(unsupported|not supported|unrecognized|unknown)[^.]*\b{name}\b", message, re.IGNORECASE):
            return name
    return None


def _retry_after(response: httpx2.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@dataclass
class ReplyStream:
    """Iterate for text chunks; `result` tells how the reply ended. Failures raise ChatError.

    The request is sent, and its first word awaited, by a thread of its own that then hands the stream over: the
    iteration waits for that or for `cancel()` (or the deadline), whichever comes first. Stop therefore ends the reply
    at once before its first word whatever the server is doing: a server still reading a long prompt (the embedded
    model takes seconds for a long conversation) sends nothing until its first token, and a read blocked on a socket
    cannot be woken from another thread. That thread lets the abandoned request go as soon as the server answers.
    Once the reply flows, the iteration reads it itself (a hand-over per chunk would slow every reply down):
    `cancel()` closes the connection under it and the reply ends at the next chunk.
    """

    provider: ChatProvider
    request: ChatRequest
    chunks: list[str] = field(default_factory=list)
    result: ReplyResult | None = None
    clock: Callable[[], float] = time.monotonic
    cancelled: bool = False
    sent: dict = field(default_factory=dict)
    """The parameters of the request the server accepted."""
    expired: bool = False
    """The reply deadline passed: the connection was closed whatever the server was sending."""
    _open: object = None
    _arrival: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    _handing_over: threading.Lock = field(default_factory=threading.Lock)

    @property
    def adapted(self) -> list[str]:
        """How the request differs from the default because the server refused a parameter."""
        return list(self.provider.adaptation(self.request.model).notes)

    def cancel(self) -> None:
        """Stop the reply from another thread: it ends as stopped at once, and the connection is closed."""
        self.cancelled = True
        self._arrival.put(None)  # wakes a wait for the first chunk
        self._hang_up()

    def _expire(self) -> None:
        # Runs on a timer: a server that sends nothing but keep-alive comments never yields a chunk to check the
        # deadline against, so the connection is closed from outside.
        self.expired = True
        self._arrival.put(None)
        self._hang_up()

    def _given_up(self) -> bool:
        return self.cancelled or self.expired

    def _hang_up(self) -> None:
        if self._open is not None:
            self._open.close()

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self.chunks)

    def _send(self) -> None:
        """In a thread of its own: send the request, read up to the first chunk with text and hand the stream over with
        what was read (or the failure); close the connection instead once nobody waits for the reply."""
        stream, early, failure = None, [], None
        try:
            stream = self._open = self.provider.open_stream(self.request, self.sent, stopped=self._given_up)
            for chunk in stream:
                early.append(chunk)
                if any(choice.delta and choice.delta.content for choice in chunk.choices) or self._given_up():
                    break
        except Exception as exc:  # handed over, for the iteration to raise
            failure = exc
        with self._handing_over:
            if not self._given_up():
                self._arrival.put((stream, early, failure))
                return
        if stream is not None:
            stream.close()

    def _first_arrival(self) -> tuple | None:
        """(stream, the chunks read so far, failure or None) as handed over, or None when Stop or the deadline came
        first (the sending thread then closes the connection, or it is closed here if it was handed over already)."""
        while not self._given_up():
            arrived = self._arrival.get()
            if arrived is not None:
                return arrived
        with self._handing_over:
            while not self._arrival.empty():
                arrived = self._arrival.get_nowait()
                if arrived is not None and arrived[0] is not None:
                    arrived[0].close()
        return None

    def __iter__(self) -> Iterator[str]:
        settings = self.provider.settings
        started = self.clock()
        deadline = started + settings.reply_deadline
        first_token_at = None
        finish_reason = None
        usage = None
        stream = None
        timer = threading.Timer(settings.reply_deadline, self._expire)
        timer.daemon = True
        timer.start()
        if not self._given_up():
            threading.Thread(target=self._send, name="reply-send", daemon=True).start()
        try:
            arrived = self._first_arrival()
            if arrived is None:
                if self.cancelled:
                    return
                raise deadline_error(settings.reply_deadline)
            stream, early, failure = arrived
            if failure is not None:
                raise failure
            for chunk in itertools.chain(early, stream):
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
                    raise deadline_error(settings.reply_deadline)
            if self.expired and not self.cancelled:
                raise deadline_error(settings.reply_deadline)
        except ChatError:
            raise
        except Exception as exc:
            if self.cancelled:
                return
            if self.expired:
                raise deadline_error(settings.reply_deadline) from None
            if stream is not None and type(exc) is openai.APIConnectionError:
                raise stream_cut_error() from None
            raise translate(exc, secrets=settings.secrets(), model=self.request.model) from None
        finally:
            timer.cancel()
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
            status=status_for(finish_reason, self.text),
            finish_reason=finish_reason,
            usage=usage,
            time_to_first_token=None if first_token_at is None else first_token_at - started,
            total_time=ended - started,
            model=self.request.model,
        )
