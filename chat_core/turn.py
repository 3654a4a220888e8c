"""THE turn: plan (+ input checks) -> stream (cancellable) -> finish (+ output checks) -> record.

A `Turn` yields events that any caller draws or collects: a chat page, a second column, a command-line
run over a prompt set, a test. `Running` runs a turn in a thread of its own, so a page can draw two
at once and a rerun of the page does not stop a reply it did not mean to stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from chat_core.budget import Budget, fit_to_budget
from chat_core.checkpoints import CHECKPOINT_EVERY
from chat_core.checks import NO_GUARD, CheckInput, Guard, Verdict
from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.messages import Example, Message, check_user_text, request_parts
from chat_core.pacing import Pace
from chat_core.providers.client import ChatProvider, ChatRequest, ReplyStream
from chat_core.providers.sdk_errors import translate
from chat_core.queue import ReplyQueue
from chat_core.settings import Settings

HOLD_BACK_CHARS = 80
"""With output checks on, text is shown only after a check passed it: at a sentence end or every this many
characters, so the audience never reads a sentence that a check is about to catch."""
DEFAULT_REDIRECT = (
    "I can't help with that here. I can explain the ideas behind it, such as how risk, diversification "
    "or fees work; for advice about your own money, talk to a licensed financial adviser."
)


@dataclass(frozen=True)
class TurnPlan:
    """What one turn will send, and what the context budget left out: the request inspector's view."""

    request: ChatRequest
    budget: Budget
    example_messages: int = 0

    def inspector_view(self) -> dict:
        """The request body, tokens per message and the left-out turns, ready to show."""
        return {
            "body": self.request.body(),
            "message_tokens": self.budget.message_tokens,
            "prompt_tokens": self.budget.prompt_tokens,
            "token_limit": self.budget.limit,
            "dropped": self.budget.dropped,
            "example_messages": self.example_messages,
        }


def plan_turn(
    settings: Settings,
    provider: ChatProvider,
    *,
    system: str | None,
    examples: Sequence[Example],
    history: Sequence[Message],
    user_text: str,
) -> TurnPlan:
    """Build the request for the next reply and fit it into the model's context window.

    `history` holds the turns before `user_text` (the new message is not in it).
    """
    fixed, history, question = request_parts(system, examples, history, check_user_text(user_text))
    budget = fit_to_budget(
        fixed,
        history,
        question,
        context_window=settings.context_window,
        reply_tokens=settings.max_tokens,
        counter=provider.counter,
    )
    request = ChatRequest(
        model=settings.model,
        messages=budget.messages,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        seed=settings.seed,
    )
    return TurnPlan(request, budget, 2 * len(examples))


def record_reply(conversation: Conversation, stream: ReplyStream, error: ChatError | None = None) -> Entry:
    """Add the reply as it ended: finished, failed (text so far kept) or stopped by the user."""
    if error is not None:
        return conversation.add_failure(error, stream.text)
    if stream.result is None:
        return conversation.add_reply(stream.text, "stopped")
    result = stream.result
    return conversation.add_reply(result.text, result.status, meta=result.figures())


@dataclass(frozen=True)
class TurnSpec:
    """What every request of a conversation starts with, and the checks each turn passes."""

    settings: Settings
    system: str | None = None
    examples: Sequence[Example] = ()
    guard: Guard = NO_GUARD


@dataclass(frozen=True)
class UserAdded:
    """The user's message is recorded and saved before anything else can fail: a new conversation has its id from
    here on, so a page can point its address at it before the reply comes."""

    entry: Entry


@dataclass(frozen=True)
class Planned:
    """The request is built and fits the context window."""

    plan: TurnPlan


@dataclass(frozen=True)
class Checked:
    """A check decided; a blocking verdict ends the turn."""

    verdict: Verdict


@dataclass(frozen=True)
class Chunk:
    """More reply text the audience may read."""

    text: str


@dataclass(frozen=True)
class Streamed:
    """Everything the audience will read of the reply has been shown (the stream ended and no check caught it);
    recording and saving it come next."""


@dataclass(frozen=True)
class Retracted:
    """An output check caught the reply: what was shown is withdrawn."""

    verdict: Verdict


@dataclass(frozen=True)
class Finished:
    """The reply as recorded in the conversation."""

    entry: Entry


Event = UserAdded | Planned | Checked | Chunk | Streamed | Retracted | Finished
Saver = Callable[[Conversation], ChatError | None]
Checkpointer = Callable[[Conversation, str], None]
"""Keeps a streaming reply's text so far (the conversation, the text shown), so a crash cannot lose it unmarked."""


class Turn:
    """One turn of one conversation. Iterate `events()` once, or call `run()`; `cancel()` works from any thread."""

    def __init__(
        self,
        spec: TurnSpec,
        conversation: Conversation,
        user_text: str,
        *,
        connect: Callable[[], ChatProvider],
        save: Saver | None = None,
        checkpoint: Checkpointer | None = None,
        leave: Checkpointer | None = None,
        queue: ReplyQueue | None = None,
    ):
        self.spec = spec
        self.conversation = conversation
        self.user_text = user_text
        self.connect = connect
        self.save = save
        self.checkpoint = checkpoint
        self.leave = leave
        """Keeps the text shown of a reply whose caller stopped reading before it ended (a page whose run was cut
        short), as one nobody will finish; the reply is then recorded by `settle()`, or found interrupted."""
        self.left = False
        self.queue = queue
        """The replies waiting for a server that answers one at a time; this turn holds a ticket while it asks."""
        self.ticket: int | None = None
        self._checkpoints = Pace(CHECKPOINT_EVERY)
        self.plan: TurnPlan | None = None
        self.verdicts: list[Verdict] = []
        self.entry: Entry | None = None
        self.save_problem: ChatError | None = None
        self.start_index = len(conversation.entries)
        self.cancelled = False
        self.shown = ""
        """The reply text the audience has been shown so far."""
        self.stream: ReplyStream | None = None
        """The reply stream, once the request is sent."""

    def cancel(self) -> None:
        """Stop the reply; what was shown so far is kept and marked as stopped."""
        self.cancelled = True
        stream = self.stream
        if stream is not None:
            stream.cancel()

    def settle(self) -> Entry | None:
        """Record, as stopped, the reply its caller left unrecorded (see `leave`): a page's next run in the same
        session does this, so only a page that is gone (reloaded, closed) leaves a reply to be found interrupted."""
        if self.entry is None and self.left:
            self._finish(self.conversation.add_reply(self.shown, "stopped", meta=self._meta()))
        return self.entry

    def replies_ahead(self) -> int:
        """How many replies asked for earlier are still waiting for the server (0 without a queue)."""
        return self.queue.ahead(self.ticket) if self.queue is not None and self.ticket is not None else 0

    def run(self) -> Entry:
        """Run the whole turn without drawing it; returns the recorded reply."""
        for _ in self.events():
            pass
        return self.entry

    def events(self) -> Iterator[Event]:
        """The turn as it happens. Raises ChatError before recording anything if the message cannot be sent.

        A caller that stops reading early (a page interrupted by its next run) still gets the reply recorded
        in its place, as stopped, with the text shown so far; with `leave`, it is kept aside for `settle()` instead.
        """
        text = check_user_text(self.user_text)
        history = self.conversation.history()
        try:
            added = self.conversation.add_user(text)
            self._save()
            yield UserAdded(added)
            yield from self._phases(text, history)
        except GeneratorExit:
            if self.entry is None:
                self.cancel()
                if self.leave is None:
                    self._finish(self.conversation.add_reply(self.shown, "stopped", meta=self._meta()))
                else:
                    self.left = True
                    self.leave(self.conversation, self.shown)
            raise
        finally:
            self._leave_queue()

    def _phases(self, text: str, history: list[Message]) -> Iterator[Event]:
        spec = self.spec
        check_input = CheckInput(text, tuple(history), spec.system)  # checks read blocked turns too ("just one")
        sent = self.conversation.history(blocked=False)  # without this question: it has no reply yet
        try:
            provider = self.connect()
            self.plan = plan_turn(
                spec.settings, provider, system=spec.system, examples=spec.examples, history=sent, user_text=text
            )
        except ChatError as error:
            yield self._finish(self.conversation.add_failure(error))
            return
        if self.queue is not None:
            self.ticket = self.queue.join()
        yield Planned(self.plan)
        for check in spec.guard.input:
            verdict = self._judge(check, check_input)
            self.verdicts.append(verdict)
            yield Checked(verdict)
            if verdict.blocked:
                yield self._finish(self._blocked(verdict, ""))
                return
        if self.cancelled:
            yield self._finish(self.conversation.add_reply("", "stopped", meta=self._meta()))
            return
        yield from self._stream_reply(provider, check_input)

    def _show(self, text: str) -> Chunk:
        self.shown += text
        return Chunk(text)

    def _stream_reply(self, provider: ChatProvider, check_input: CheckInput) -> Iterator[Event]:
        stream = self.stream = provider.stream(self.plan.request)
        if self.cancelled:
            stream.cancel()
        holding = bool(self.spec.guard.output)
        error = caught = None
        self._checkpoint()
        try:
            for piece in stream:
                self._checkpoint()
                if not holding:
                    yield self._show(piece)
                    continue
                pending = stream.text[len(self.shown) :]
                if len(pending) < HOLD_BACK_CHARS and not _ends_a_sentence(pending):
                    continue
                caught = self._check_output(check_input, stream.text, final=False)
                if caught is not None:
                    break
                yield self._show(pending)
        except ChatError as failure:
            error = failure
        except Exception as unexpected:  # a bug must not lose the conversation
            error = translate(unexpected, secrets=provider.settings.secrets())
        finally:
            if caught is not None or self.cancelled:
                stream.cancel()
            self._leave_queue()  # however it ended, this reply no longer waits for the server
        if caught is None and holding and error is None:
            # Also when stopped: held-back text is recorded only once a check has passed it.
            caught = self._check_output(check_input, stream.text, final=True)
            if caught is None and stream.text[len(self.shown) :]:
                yield self._show(stream.text[len(self.shown) :])
        if caught is None:
            yield Streamed()
        if caught is not None:
            retracted = bool(self.shown)
            self.shown = ""
            if retracted:
                yield Retracted(caught)
            entry = self._blocked(caught, stream.text)
            entry.meta["retracted"] = retracted
            yield self._finish(entry)
            return
        entry = record_reply(self.conversation, stream, error)
        entry.meta.update(self._meta())
        yield self._finish(entry)

    def _check_output(self, check_input: CheckInput, reply: str, *, final: bool) -> Verdict | None:
        for check in self.spec.guard.output:
            verdict = self._judge(check, check_input, reply, final=final)
            if verdict.blocked or final:
                self.verdicts.append(verdict)
            if verdict.blocked:
                return verdict
        return None

    @staticmethod
    def _judge(check, *args, **kwargs) -> Verdict:
        started = time.perf_counter()
        verdict = check(*args, **kwargs)
        if verdict.millis is None:
            verdict = replace(verdict, millis=(time.perf_counter() - started) * 1000)
        return verdict

    def _blocked(self, verdict: Verdict, withheld: str) -> Entry:
        meta = self._meta()
        if withheld:
            meta["withheld"] = withheld
        return self.conversation.add_reply(verdict.redirect or DEFAULT_REDIRECT, "blocked", meta=meta)

    def _meta(self) -> dict:
        meta: dict = {"verdicts": [v.as_dict() for v in self.verdicts]}
        if self.spec.guard.layers:
            meta["layers"] = list(self.spec.guard.layers)
        if self.plan is not None:
            sent = self.stream.sent if self.stream is not None and self.stream.sent else None
            meta["request"] = sent or self.plan.request.parameters()
            if self.stream is not None and self.stream.adapted:
                meta["adapted"] = list(self.stream.adapted)
        return meta

    def _leave_queue(self) -> None:
        if self.queue is not None and self.ticket is not None:
            self.queue.leave(self.ticket)

    def _checkpoint(self) -> None:
        # At the start of the reply, then at most every CHECKPOINT_EVERY seconds: what the audience has seen so far.
        if self.checkpoint is not None and self._checkpoints.due():
            self.checkpoint(self.conversation, self.shown)

    def _finish(self, entry: Entry) -> Finished:
        self.entry = entry
        self._save()
        return Finished(entry)

    def _save(self) -> None:
        if self.save is not None:
            self.save_problem = self.save(self.conversation)


def _ends_a_sentence(text: str) -> bool:
    return text.rstrip(" \t").endswith((".", "!", "?", ":", "\n"))


@dataclass
class Running:
    """A turn running in a thread of its own; any script run can draw its state as it changes."""

    turn: Turn
    key: str = ""
    shown: str = ""
    verdicts: list[Verdict] = field(default_factory=list)
    retracted: Verdict | None = None
    error: ChatError | None = None
    done: bool = False
    version: int = 0

    def __post_init__(self):
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"turn-{self.key}", daemon=True)

    def start(self) -> Running:
        """Begin the turn in the background."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for event in self.turn.events():
                with self._changed:
                    self._apply(event)
                    self.version += 1
                    self._changed.notify_all()
        except ChatError as error:
            self.error = error
        except Exception as unexpected:  # the thread must always end "done", or a page would wait forever
            self.error = translate(unexpected)
        finally:
            with self._changed:
                self.done = True
                self.version += 1
                self._changed.notify_all()

    def _apply(self, event: Event) -> None:
        if isinstance(event, Chunk):
            self.shown += event.text
        elif isinstance(event, Checked):
            self.verdicts.append(event.verdict)
        elif isinstance(event, Retracted):
            self.retracted = event.verdict
            self.shown = ""

    def wait_for_change(self, seen: int, timeout: float = 0.5) -> int:
        """Block until the state moves past version `seen` (or the turn ends, or the timeout); return the version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.done, timeout=timeout)
            return self.version

    def cancel(self) -> None:
        """Stop the reply."""
        self.turn.cancel()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the turn is recorded; True when it is."""
        self._thread.join(timeout)
        return not self._thread.is_alive()
