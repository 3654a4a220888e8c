from chat_core.conversation import Conversation
from chat_core.errors import ChatError


def test_a_question_that_got_no_answer_is_not_resent():
    conversation = Conversation()
    conversation.add_user("Hi")
    conversation.add_failure(ChatError("down", kind="connection"))
    conversation.add_user("Still there?")
    conversation.add_reply("", "stopped")
    conversation.add_user("Hello again")
    conversation.add_reply("Hello!", "complete")
    assert conversation.history() == [
        {"role": "user", "content": "Hello again"},
        {"role": "assistant", "content": "Hello!"},
    ]
    assert conversation.entries[1].error["kind"] == "connection"


def test_a_partial_reply_is_resent_with_its_question():
    conversation = Conversation()
    conversation.add_user("Count")
    conversation.add_reply("one two", "stopped")
    assert [m["role"] for m in conversation.history()] == ["user", "assistant"]


def test_rewinding_returns_the_last_question_and_drops_what_followed():
    conversation = Conversation()
    conversation.add_user("one")
    conversation.add_reply("first", "complete")
    conversation.add_user("two")
    conversation.add_reply("second", "stopped")
    assert conversation.entries[-1].note.startswith("Stopped")
    assert conversation.rewind_to_last_user() == "two"
    assert [e.content for e in conversation.entries] == ["one", "first"]


def test_rewinding_an_empty_conversation_gives_nothing():
    assert Conversation().rewind_to_last_user() is None
