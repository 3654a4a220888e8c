from chat_core.conversation import Conversation
from chat_core.errors import ChatError


def test_failed_replies_without_text_are_not_resent():
    conversation = Conversation()
    conversation.add_user("Hi")
    conversation.add_failure(ChatError("down", kind="connection"))
    assert conversation.history() == [{"role": "user", "content": "Hi"}]
    assert conversation.entries[-1].error["kind"] == "connection"


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
