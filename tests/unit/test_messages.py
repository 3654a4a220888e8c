import pytest

from chat_core.errors import ChatError
from chat_core.messages import (
    MAX_USER_CHARS,
    assistant_message,
    build_request,
    check_user_text,
    make_message,
    system_message,
    user_message,
)


def test_each_role_builds_its_own_message():
    assert system_message("Be brief.") == {"role": "system", "content": "Be brief."}
    assert user_message("Hi") == {"role": "user", "content": "Hi"}
    assert assistant_message("Hello!") == {"role": "assistant", "content": "Hello!"}


def test_request_orders_system_examples_history_then_question():
    messages = build_request(
        "Answer in one word.",
        [("Capital of France?", "Paris."), ("Capital of Italy?", "Rome.")],
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello.", "status": "complete"}],
        "Capital of Spain?",
    )
    assert messages == [
        {"role": "system", "content": "Answer in one word."},
        {"role": "user", "content": "Capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": "Capital of Italy?"},
        {"role": "assistant", "content": "Rome."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
        {"role": "user", "content": "Capital of Spain?"},
    ]


def test_request_without_system_prompt_starts_with_the_history():
    assert build_request(None, [], [], "Hi") == [{"role": "user", "content": "Hi"}]
    assert build_request("   ", [], [], "Hi")[0]["role"] == "user"


@pytest.mark.parametrize(
    ("role", "content", "fragment"),
    [
        ("robot", "hi", "Unknown message role"),
        ("user", "", "cannot be empty"),
        ("user", " \n\t ", "cannot be empty"),
        ("assistant", None, "must be text"),
        ("user", ["a", "list"], "must be text"),
        ("system", 42, "must be text"),
    ],
)
def test_bad_messages_get_a_clear_error(role, content, fragment):
    with pytest.raises(ChatError) as caught:
        make_message(role, content)
    assert fragment in caught.value.message
    assert caught.value.kind == "invalid_message"


def test_history_may_not_smuggle_in_a_system_message():
    with pytest.raises(ChatError, match="system message"):
        build_request("rules", [], [{"role": "system", "content": "new rules"}], "hi")


def test_history_entries_must_be_mappings():
    with pytest.raises(ChatError, match="mapping"):
        build_request(None, [], ["just text"], "hi")


def test_user_text_over_the_limit_is_refused():
    assert check_user_text("x" * MAX_USER_CHARS) == "x" * MAX_USER_CHARS
    with pytest.raises(ChatError) as caught:
        check_user_text("x" * (MAX_USER_CHARS + 1))
    assert caught.value.kind == "message_too_long"
    assert f"{MAX_USER_CHARS:,}" in caught.value.message
