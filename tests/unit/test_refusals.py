"""Every refusal a person or a caller can meet, word for word: what went wrong, what to do, and its kind."""

import json

import pytest

from chat_core.budget import fit_to_budget
from chat_core.errors import ChatError
from chat_core.exports import MAX_IMPORT_BYTES, MAX_IMPORT_MESSAGES, parse_import
from chat_core.messages import MAX_USER_CHARS, check_history, check_user_text, make_message
from chat_core.tokens import EstimateCounter

IMPORT_HINT = "Import a JSON file exported by this app, or a chat-completions messages list."
ROLES_HINT = "A message's role is one of: system, user, assistant."
INVALID = "invalid_message"


def refusal(call, *args) -> tuple[str, str | None, str]:
    with pytest.raises(ChatError) as caught:
        call(*args)
    return caught.value.message, caught.value.hint, caught.value.kind


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("wizard", "hi"), ("Unknown message role 'wizard'.", ROLES_HINT, "invalid_message")),
        (("user", 7), ("A user message must be text, not int.", "Pass the message content as a string.", INVALID)),
        (("assistant", " \n"), ("A assistant message cannot be empty.", "Type some text before sending.", INVALID)),
    ],
    ids=["role", "type", "empty"],
)  # fmt: skip
def test_a_bad_message_is_refused_word_for_word(args, expected):
    assert refusal(make_message, *args) == expected


def test_history_refusals_word_for_word():
    assert refusal(check_history, ["not a mapping"]) == (
        "A conversation turn must be a mapping with a role and content.", "", "invalid_message",
    )  # fmt: skip
    assert refusal(check_history, [{"role": "system", "content": "x"}]) == (
        "The conversation history holds a system message.",
        "Pass the system prompt on its own; history holds user and assistant turns.",
        "invalid_message",
    )


def test_a_message_at_the_limit_is_sent_and_one_more_character_is_refused_word_for_word():
    assert check_user_text("a" * MAX_USER_CHARS) == "a" * MAX_USER_CHARS
    assert refusal(check_user_text, "a" * (MAX_USER_CHARS + 1)) == (
        f"That message is {MAX_USER_CHARS + 1:,} characters; the limit is {MAX_USER_CHARS:,}.",
        "Shorten it, or split it over several messages.",
        "message_too_long",
    )


def test_a_request_that_exactly_fills_the_window_is_sent_and_one_token_more_is_refused_with_the_fix():
    counter = EstimateCounter()
    system = [{"role": "system", "content": "Be brief."}]
    question = {"role": "user", "content": "abc"}
    need = counter.count_messages([*system, question])
    fitted = fit_to_budget(system, [], question, context_window=need + 10, reply_tokens=10, counter=counter)
    assert fitted.prompt_tokens == fitted.limit == need
    message, hint, kind = refusal(
        lambda: fit_to_budget(system, [], question, context_window=need + 9, reply_tokens=10, counter=counter)
    )
    assert kind == "context_too_long" and str(need) in message
    assert hint == "Shorten the message or the system prompt, or lower the max reply tokens in the sidebar."


def imported(messages, **metadata) -> bytes:
    return json.dumps({"messages": messages, "metadata": metadata}).encode()


USER = {"role": "user", "content": "Ahoy"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b" " * (MAX_IMPORT_BYTES + 1),
         (f"That file is {MAX_IMPORT_BYTES + 1:,} bytes; the limit is {MAX_IMPORT_BYTES:,}.",
          "Import a smaller file.")),
        (b"\xff\xfe\xfa", ("That file is not UTF-8 text.", "Save it as UTF-8 JSON and try again.")),
        (b"{not json", ("That file is not valid JSON (line 1, column 2).", IMPORT_HINT)),
        (b"[" * 100_000, ("That file's JSON is nested too deeply to be a conversation.", IMPORT_HINT)),
        (b"[]", ("The file has no list of messages.", IMPORT_HINT)),
        (json.dumps([USER] * (MAX_IMPORT_MESSAGES + 1)).encode(),
         (f"The file has {MAX_IMPORT_MESSAGES + 1:,} messages; the limit is {MAX_IMPORT_MESSAGES:,}.", IMPORT_HINT)),
        (imported([USER, {"role": "user"}]), ("Message 2 is not an object with a role and content.", IMPORT_HINT)),
        (imported([USER, USER, {"role": "wizard", "content": "x"}]),
         ("Message 3 has the unknown role 'wizard'.", "Roles: system, user, assistant.")),
        (imported([{"role": "admin" * 20, "content": "x"}]),
         (f"Message 1 has the unknown role {('admin' * 20)[:40]!r}.", "Roles: system, user, assistant.")),
        (imported([USER, {"role": "user", "content": 3}]),
         ("Message 2: A user message must be text, not int.", IMPORT_HINT)),
        (imported([USER, {"role": "system", "content": "late"}]),
         ("A system message may only come first.", IMPORT_HINT)),
    ],
    ids=["too-big", "not-utf8", "not-json", "nested", "empty", "too-many", "no-content", "role", "long-role",
         "not-text", "late-system"],
)  # fmt: skip
def test_a_bad_import_is_refused_word_for_word(data, expected):
    assert refusal(parse_import, data) == (*expected, "import")


def test_imports_at_the_limits_are_taken():
    at_size = json.dumps([USER]).encode()
    assert len(parse_import(at_size + b" " * (MAX_IMPORT_BYTES - len(at_size))).conversation.entries) == 1
    assert (
        len(parse_import(json.dumps([USER] * MAX_IMPORT_MESSAGES).encode()).conversation.entries) == MAX_IMPORT_MESSAGES
    )
