"""Every model fault through the whole turn runner and a real store: the invariants hold whatever the server does."""

from __future__ import annotations

import json

import pytest

from chat_core.conversation import Conversation
from chat_core.providers.local_server import free_port
from tests.reliability.conftest import OWNER, shown_entries, stored_entries
from tests.support.scripted_server import Step

QUESTION = "What is a context window?"
FOLLOW_UP = "And after that?"
OK = Step(text="A context window is what the model reads at once.", chunks=4)


def refusal(status: int, body: dict, **headers: str) -> Step:
    return Step(status=status, error_body=body, headers=headers)


def context_refusal(body: dict) -> Step:
    return refusal(400, body)


FIRST_CHUNK = json.dumps(
    {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}]}
)
CONTEXT_TOO_LONG = {
    "openai": {
        "error": {
            "message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9013 "
            "tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }
    },
    "vllm": {
        "object": "error",
        "message": "This model's maximum context length is 4096 tokens. However, you requested 4609 tokens (4097 in "
        "the messages, 512 in the completion). Please reduce the length of the messages or completion.",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    },
    "vllm-reply-room": {
        "object": "error",
        "message": "'max_tokens' or 'max_completion_tokens' is too large: 512. This model's maximum context length "
        "is 4096 tokens and your request has 3700 input tokens (512 > 4096 - 3700).",
        "type": "BadRequestError",
        "param": None,
        "code": 400,
    },
    "llama.cpp": {
        "error": {
            "code": 400,
            "message": "the request exceeds the available context size, try increasing it",
            "type": "exceed_context_size_error",
            "n_prompt_tokens": 4400,
            "n_ctx": 4096,
        }
    },
    "llama-cpp-python": {
        "error": {
            "message": "Requested tokens (4400) exceed context window of 2048",
            "type": "internal_server_error",
            "param": None,
            "code": None,
        }
    },
}
QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "code": "insufficient_quota",
    }
}
RATE_LIMITED = {"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit"}}

# (steps, settings changes, how the reply ends, the error's kind, requests the server gets)
FAULTS = [
    pytest.param([refusal(401, {"error": {"message": "Incorrect API key"}})], {}, "error", "auth", 1, id="401"),
    pytest.param([refusal(403, {"error": {"message": "No access"}})], {}, "error", "forbidden", 1, id="403"),
    pytest.param([refusal(404, {"error": {"message": "No such model"}})], {}, "error", "not_found", 1, id="404"),
    pytest.param([refusal(429, RATE_LIMITED, **{"Retry-After": "0"}), OK], {}, "complete", None, 2, id="429-transient"),
    pytest.param([refusal(429, QUOTA)], {}, "error", "quota", 1, id="429-quota"),
    pytest.param([refusal(500, {})] * 3, {"max_retries": 2}, "error", "server", 3, id="500"),
    pytest.param([refusal(503, {}, **{"Retry-After": "0"}), OK], {}, "complete", None, 2, id="503-retry-after"),
    pytest.param([], {"connection_refused": True}, "error", "connection", 0, id="connection-refused"),
    pytest.param([Step(hang=1.5)], {"read_timeout": 0.3, "max_retries": 0}, "error", "timeout", 1, id="no-first-byte"),
    pytest.param([Step(text="Slowly, surely, done.", chunks=6, delay=0.02)], {}, "complete", None, 1, id="trickle"),
    pytest.param(
        [Step(text="tick ", chunks=1, delay=0.02, forever=True)],
        {"reply_deadline": 0.5},
        "error",
        "timeout",
        1,
        id="trickle-past-the-deadline",
    ),
    pytest.param(
        [Step(text="Partial answer", chunks=2, cut="abrupt")],
        {"max_retries": 0},
        "error",
        "stream_cut",
        1,
        id="cut-mid-stream",
    ),
    pytest.param([Step(text="Half a sen", cut="clean")], {}, "incomplete", None, 1, id="clean-end-no-finish-reason"),
    pytest.param(
        [Step(raw_events=[FIRST_CHUNK, '{"error": {"message": "model crashed"}}'])],
        {},
        "error",
        "server",
        1,
        id="error-event-in-stream",
    ),
    pytest.param([Step(raw_events=["{this is not json"])], {}, "error", "malformed", 1, id="malformed-stream"),
    pytest.param([Step(text="")], {}, "empty", None, 1, id="empty-reply"),
    pytest.param([Step(text="Once upon a", finish_reason="length")], {}, "length", None, 1, id="finish-length"),
    *[
        pytest.param([context_refusal(body)], {}, "error", "context_too_long", 1, id=f"context-too-long-{server}")
        for server, body in CONTEXT_TOO_LONG.items()
    ],
    pytest.param(
        [Step(reject_stream_options=True), Step(reject_stream_options=True, text="Fine without usage.")],
        {},
        "complete",
        None,
        2,
        id="stream-options-rejected",
    ),
    pytest.param(
        [Step(keepalive=0.05)],
        {"read_timeout": 0.5, "reply_deadline": 1.0, "max_retries": 0},
        "error",
        "timeout",
        1,
        id="keep-alive-comments-only",
    ),
]


@pytest.mark.parametrize(("steps", "env", "status", "kind", "requests"), FAULTS)
def test_every_model_fault_keeps_the_question_marks_the_reply_and_leaves_a_well_formed_next_request(
    scripted, scripted_settings, store, take_turn, steps, env, status, kind, requests
):
    env = dict(env)
    if env.pop("connection_refused", False):
        env["openai_base_url"] = f"http://127.0.0.1:{free_port()}/v1"
        env.setdefault("max_retries", 1)
    scripted.enqueue(*steps)
    saved_at_call = []
    scripted.on_request = lambda body: saved_at_call.append(
        [[e.content for e in store.load(s.id, OWNER)[1].entries] for s in store.list(OWNER)]
    )
    conversation = Conversation()

    taken = take_turn(scripted_settings(**env), conversation, QUESTION)

    entry = taken.entry
    assert len(scripted.history) == requests
    assert all(seen == [[QUESTION]] for seen in saved_at_call), "the question is saved before every model call"
    assert shown_entries(conversation)[0] == ("user", QUESTION, "complete")
    assert (entry.status, (entry.error or {}).get("kind")) == (status, kind)
    assert entry.content == taken.shown, "what is recorded is what was shown"
    if entry.error:
        words = entry.error["message"] + " " + entry.error["hint"]
        assert entry.error["message"].strip() and "Traceback" not in words and 'File "' not in words
    if status != "complete":
        assert entry.note, "a reply that did not finish normally says so under it"
    assert stored_entries(store, conversation) == shown_entries(conversation)

    scripted.on_request = None
    sent_before = len(scripted.history)
    scripted.enqueue(Step(text="Back to normal."))
    history = conversation.history()
    take_turn(scripted_settings(), conversation, FOLLOW_UP)

    assert len(scripted.history) == sent_before + 1
    sent = scripted.history[-1]["messages"]
    assert sent == [{"role": "system", "content": "Be brief."}, *history, {"role": "user", "content": FOLLOW_UP}]
    answered = bool(entry.content.strip())  # a question whose reply brought no text is not resent at all
    assert [m["content"] for m in sent].count(QUESTION) == int(answered), "no user turn is sent twice"
    assert all(a["role"] != b["role"] for a, b in zip(sent[1:], sent[2:], strict=False)), "user and reply alternate"
    assert all(m["content"].strip() for m in sent), "no empty message is sent"
    assert stored_entries(store, conversation) == shown_entries(conversation)
    assert shown_entries(conversation)[-1] == ("assistant", "Back to normal.", "complete")
