"""The one turn runner against the scripted server: events, checks, cancelling, two at once, what is sent."""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from chat_core.checks import NO_GUARD, CheckInput, Guard, Verdict
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.providers.client import ChatProvider
from chat_core.turn import Checked, Chunk, Finished, Planned, Retracted, Running, Streamed, Turn, TurnSpec, UserAdded
from tests.support.openai_errors import MAX_TOKENS_REFUSED, TEMPERATURE_REFUSED
from tests.support.scripted_server import Step

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WordCheck:
    """Blocks any text containing a word: a stand-in guardrail whose decision is obvious."""

    word: str
    name: str = "word"
    layer: str = "input"
    seen: list = None

    def __call__(self, turn: CheckInput, reply: str | None = None, *, final: bool = True) -> Verdict:
        text = turn.user_text if reply is None else reply
        if self.seen is not None:
            self.seen.append((text, final))
        blocked = self.word in text.lower()
        return Verdict(self.layer, self.name, blocked, f"mentions {self.word!r}" if blocked else "fine",
                       redirect="Let me explain how that works instead.")  # fmt: skip


@pytest.fixture
def runner_for(scripted_settings):
    def make(guard=NO_GUARD, save=None, **env) -> tuple[Turn, ChatProvider]:
        settings = scripted_settings(**env)
        provider = ChatProvider(settings)

        def turn(text: str, conversation: Conversation | None = None) -> Turn:
            spec = TurnSpec(settings, system="Be brief.", guard=guard)
            return Turn(spec, conversation or Conversation(), text, connect=lambda: provider, save=save)

        return turn, provider

    return make


def test_a_turn_yields_its_stages_in_order_and_records_the_reply(runner_for, scripted):
    scripted.enqueue(Step(text="Paris is the capital.", chunks=3))
    turn, _ = runner_for()
    conversation = Conversation()
    events = list(turn("Capital of France?", conversation).events())
    kinds = [type(e) for e in events]
    assert kinds == [UserAdded, Planned, Chunk, Chunk, Chunk, Streamed, Finished]
    assert "".join(e.text for e in events if isinstance(e, Chunk)) == "Paris is the capital."
    entry = events[-1].entry
    assert [e.content for e in conversation.entries] == ["Capital of France?", "Paris is the capital."]
    assert entry.status == "complete"
    assert entry.meta["request"] == {"model": "scripted-model", "temperature": 0.0, "max_tokens": 512, "seed": 42}
    assert entry.meta["verdicts"] == []


def test_the_users_message_is_saved_before_the_model_is_called(runner_for, scripted):
    saved_sizes = []
    scripted.on_request = lambda body: saved_sizes[-1]
    turn, _ = runner_for(save=lambda conversation: saved_sizes.append(len(conversation.entries)))
    turn("Hello?").run()
    assert scripted.observed == [1]
    assert saved_sizes == [1, 2]


def test_a_blocked_input_never_reaches_the_model(runner_for, scripted):
    turn, _ = runner_for(guard=Guard(input=[WordCheck("stock")]))
    conversation = Conversation()
    run = turn("Which stock should I buy?", conversation)
    events = list(run.events())
    assert scripted.history == []
    verdict = next(e.verdict for e in events if isinstance(e, Checked))
    assert verdict.blocked and verdict.reason == "mentions 'stock'"
    assert verdict.millis is not None
    assert conversation.entries[0].content == "Which stock should I buy?"
    reply = conversation.entries[1]
    assert (reply.status, reply.content) == ("blocked", "Let me explain how that works instead.")
    assert reply.meta["verdicts"][0]["check"] == "word"


def test_a_passing_input_check_lets_the_turn_through_with_its_verdict(runner_for, scripted):
    turn, _ = runner_for(guard=Guard(input=[WordCheck("stock")]))
    entry = turn("What is an index fund?").run()
    assert entry.status == "complete"
    assert len(scripted.history) == 1
    assert entry.meta["verdicts"][0]["blocked"] is False


def test_an_output_check_holds_text_back_and_retracts_what_it_catches(runner_for, scripted):
    seen = []
    scripted.enqueue(Step(text="Index funds spread risk. You should buy ACME shares tomorrow. Really.", chunks=12))
    turn, _ = runner_for(guard=Guard(output=[WordCheck("buy", layer="output", seen=seen)]))
    conversation = Conversation()
    events = list(turn("Tell me about funds", conversation).events())
    shown = "".join(e.text for e in events if isinstance(e, Chunk))
    assert shown == "Index funds spread risk."
    assert "buy" not in shown
    assert isinstance(events[-2], Retracted)
    reply = conversation.entries[-1]
    assert reply.status == "blocked"
    assert "buy ACME" in reply.meta["withheld"]
    assert reply.meta["retracted"] is True
    assert reply.content == "Let me explain how that works instead."
    assert all(final is False for _, final in seen)


def test_an_output_check_sees_the_whole_reply_at_the_end(runner_for, scripted):
    seen = []
    scripted.enqueue(Step(text="Diversify", chunks=2))
    turn, _ = runner_for(guard=Guard(output=[WordCheck("buy", layer="output", seen=seen)]))
    events = list(turn("Hi").events())
    assert "".join(e.text for e in events if isinstance(e, Chunk)) == "Diversify"
    assert seen == [("Diversify", True)]
    assert events[-1].entry.meta["verdicts"][0]["layer"] == "output"


def test_a_message_that_cannot_be_sent_raises_before_anything_is_recorded(runner_for, scripted):
    turn, _ = runner_for()
    conversation = Conversation()
    with pytest.raises(ChatError) as caught:
        list(turn("x" * 9000, conversation).events())
    assert caught.value.kind == "message_too_long"
    assert conversation.entries == []


def test_cancelling_keeps_the_partial_reply_as_stopped(runner_for, scripted):
    scripted.enqueue(Step(text="tick ", chunks=1, forever=True, delay=0.01))
    turn, _ = runner_for()
    run = turn("Count forever")
    for event in run.events():
        if isinstance(event, Chunk):
            run.cancel()
    entry = run.entry
    assert entry.status == "stopped"
    assert entry.content.startswith("tick ")


def test_two_running_turns_stream_at_once_and_stopping_one_leaves_the_other(runner_for, scripted):
    scripted.enqueue(
        Step(text="left ", chunks=1, forever=True, delay=0.01), Step(text="Right side answer.", chunks=40, delay=0.01)
    )
    turn, _ = runner_for()
    left = Running(turn("Left?", Conversation()), key="left").start()
    version = 0
    while "left" not in left.shown:
        version = left.wait_for_change(version)
    right = Running(turn("Right?", Conversation()), key="right").start()
    right_version = right.wait_for_change(0)
    while not right.shown:
        right_version = right.wait_for_change(right_version)
    assert not left.done and not right.done
    left.cancel()
    assert left.join(timeout=30) and right.join(timeout=30)
    assert left.turn.entry.status == "stopped"
    assert (right.turn.entry.status, right.turn.entry.content) == ("complete", "Right side answer.")
    assert right.shown == "Right side answer."


def test_max_tokens_is_sent_as_max_completion_tokens_to_openai(runner_for, scripted):
    turn, _ = runner_for(provider="openai", openai_api_key="sk-test-not-real-0000")
    turn("Hi").run()
    sent = scripted.history[0]
    assert sent["max_completion_tokens"] == 512 and "max_tokens" not in sent


def test_a_server_that_refuses_max_tokens_is_asked_again_and_remembered(runner_for, scripted):
    scripted.enqueue(Step(status=400, error_body=MAX_TOKENS_REFUSED), Step(text="ok"), Step(text="again"))
    turn, provider = runner_for()
    first = turn("Hi").run()
    second = turn("Hi again").run()
    assert ["max_tokens" in body for body in scripted.history] == [True, False, False]
    assert [body.get("max_completion_tokens") for body in scripted.history] == [None, 512, 512]
    assert (first.content, second.content) == ("ok", "again")
    assert second.meta["request"]["max_completion_tokens"] == 512
    assert "max_completion_tokens sent instead of max_tokens" in second.meta["adapted"][0]


def test_a_model_that_takes_only_its_default_temperature_gets_none(runner_for, scripted):
    scripted.enqueue(Step(status=400, error_body=TEMPERATURE_REFUSED), Step(text="ok"))
    turn, _ = runner_for()
    entry = turn("Hi").run()
    assert "temperature" in scripted.history[0] and "temperature" not in scripted.history[1]
    assert entry.content == "ok"
    assert "temperature" not in entry.meta["request"]


def test_a_refusal_that_names_no_known_parameter_is_an_error(runner_for, scripted):
    refused = {"error": {"message": "Unsupported parameter: 'frobnicate'", "param": "frobnicate"}}
    scripted.enqueue(Step(status=400, error_body=refused))
    turn, _ = runner_for()
    entry = turn("Hi").run()
    assert entry.status == "error"
    assert len(scripted.history) == 1


def test_the_command_line_asks_through_the_runner_and_prints_the_request(scripted):
    scripted.enqueue(Step(text="Blue."))
    command = [sys.executable, "-m", "chat_core", "ask", "Name a colour.", "--base-url", scripted.base_url,
               "--model", "scripted-model", "--temperature", "0", "--seed", "42", "--json"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["reply"] == "Blue."
    assert printed["request"]["messages"] == scripted.history[0]["messages"]
    assert printed["request"]["messages"][-1] == {"role": "user", "content": "Name a colour."}
    assert printed["request"]["seed"] == 42 == scripted.history[0]["seed"]


def test_a_reader_that_stops_early_still_gets_the_reply_recorded_as_stopped(runner_for, scripted):
    scripted.enqueue(Step(text="one two three four", chunks=4, delay=0.01))
    turn, _ = runner_for()
    conversation = Conversation()
    events = turn("Count", conversation).events()
    first = next(event for event in events if isinstance(event, Chunk))
    events.close()
    assert [(e.role, e.status) for e in conversation.entries] == [("user", "complete"), ("assistant", "stopped")]
    assert conversation.entries[1].content == first.text == "one t"


def test_the_question_is_saved_before_the_caller_hears_of_it(runner_for, scripted):
    saved: list[int] = []
    turn, _ = runner_for(save=lambda conversation: saved.append(len(conversation.entries)))
    events = turn("Hi").events()
    assert isinstance(next(events), UserAdded)
    assert saved == [1], "a page can point its address at the conversation before the reply comes"
    events.close()


def test_a_reader_that_leaves_early_keeps_the_reply_aside_until_settled_as_stopped(scripted_settings, scripted):
    scripted.enqueue(Step(text="one two three four", chunks=4, delay=0.01))
    settings, conversation, left = scripted_settings(), Conversation(), []
    provider = ChatProvider(settings)
    turn = Turn(
        TurnSpec(settings), conversation, "Count", connect=lambda: provider,
        leave=lambda conversation, shown: left.append((len(conversation.entries), shown)),
    )  # fmt: skip
    events = turn.events()
    first = next(event for event in events if isinstance(event, Chunk))
    events.close()
    assert left == [(1, first.text)], "the text shown, where the reply would stand"
    assert [e.role for e in conversation.entries] == ["user"]
    assert turn.settle() is turn.settle() is conversation.entries[1]
    assert [(e.role, e.content, e.status) for e in conversation.entries] == [
        ("user", "Count", "complete"), ("assistant", first.text, "stopped"),
    ]  # fmt: skip


def test_stopping_while_text_is_held_back_records_only_checked_text(runner_for, scripted):
    scripted.enqueue(Step(text="Short start then buy ACME", chunks=5, forever=True, delay=0.01))
    turn, _ = runner_for(guard=Guard(output=[WordCheck("buy", layer="output")]))
    run = turn("Go on")
    running = Running(run).start()
    version = running.wait_for_change(0)
    while len(run.stream.text if run.stream else "") < 30:
        version = running.wait_for_change(version)
    running.cancel()
    assert running.join(timeout=30)
    assert run.entry.status == "blocked"
    assert running.shown == ""
