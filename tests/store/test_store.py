"""The store, with the same tests on SQLite and PostgreSQL."""

import time

import pytest

from chat_core.checkpoints import LEFT, Checkpoint
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.store import SCHEMA_VERSION


def saved_conversation(store, owner="visitor-a", title="First question", thread="Helpful assistant"):
    conversation = Conversation(id=store.create(owner, "chatbot", thread, title, {"temperature": 0.2}))
    return conversation


def test_a_new_database_is_migrated_to_the_latest_version(store):
    assert store.schema_version() == SCHEMA_VERSION == 9
    assert store.migrate() == SCHEMA_VERSION


def test_messages_are_written_through_and_read_back_in_order(store):
    conversation = saved_conversation(store)
    conversation.add_user("What is 2+2?")
    store.save("visitor-a", conversation)
    assert not conversation.unsaved
    conversation.add_reply("4", "complete", meta={"finish_reason": "stop"})
    conversation.add_user("And 3+3?")
    conversation.add_reply("6 (cut", "stopped")
    store.save("visitor-a", conversation)
    summary, loaded = store.load(conversation.id, "visitor-a")
    assert [(e.role, e.content, e.status) for e in loaded.entries] == [
        ("user", "What is 2+2?", "complete"),
        ("assistant", "4", "complete"),
        ("user", "And 3+3?", "complete"),
        ("assistant", "6 (cut", "stopped"),
    ]
    assert loaded.entries[1].meta == {"finish_reason": "stop"}
    assert (summary.page, summary.thread, summary.settings) == ("chatbot", "Helpful assistant", {"temperature": 0.2})


def test_failed_replies_keep_their_error(store):
    conversation = saved_conversation(store)
    conversation.add_user("Hi")
    conversation.add_failure(ChatError("Server down", "Retry later", kind="server"), "Hel")
    store.save("visitor-a", conversation)
    _, loaded = store.load(conversation.id, "visitor-a")
    assert loaded.entries[1].error == {"message": "Server down", "hint": "Retry later", "kind": "server"}
    assert loaded.entries[1].content == "Hel"


def test_a_rewind_keeps_every_version_in_the_database_and_the_branch_shown_is_reopened(store):
    conversation = saved_conversation(store)
    for text in ("one", "two"):
        conversation.add_user(text)
        conversation.add_reply(f"reply {text}", "complete")
    store.save("visitor-a", conversation)
    conversation.rewind_to_last_user()
    conversation.add_user("two, edited")
    store.save("visitor-a", conversation)
    _, loaded = store.load(conversation.id, "visitor-a")
    assert [e.content for e in loaded.entries] == ["one", "reply one", "two, edited"]
    assert [e.content for e in loaded.others] == ["two", "reply two"]
    assert loaded.version_of(loaded.entries[2]) == (2, 2)
    loaded.switch(loaded.entries[2], -1)
    store.save("visitor-a", loaded)
    assert [e.content for e in store.load(conversation.id, "visitor-a")[1].entries] == [
        "one", "reply one", "two", "reply two",
    ]  # fmt: skip
    loaded.clear()
    store.save("visitor-a", loaded)
    reopened = store.load(conversation.id, "visitor-a")[1]
    assert (reopened.entries, reopened.size) == ([], 5)


def test_regenerating_twice_keeps_three_sibling_replies_under_one_question(store):
    conversation = saved_conversation(store)
    conversation.add_user("Name a colour.")
    conversation.add_reply("Red.", "complete")
    store.save("visitor-a", conversation)
    for reply in ("Blue.", "Green."):
        conversation.add_user(conversation.rewind_to_last_user())
        conversation.add_reply(reply, "complete")
        store.save("visitor-a", conversation)
    _, loaded = store.load(conversation.id, "visitor-a")
    assert [e.content for e in loaded.entries] == ["Name a colour.", "Green."]
    assert loaded.version_of(loaded.entries[1]) == (3, 3)
    assert sorted(e.content for e in loaded.messages()) == ["Blue.", "Green.", "Name a colour.", "Red."]
    assert loaded.history() == [
        {"role": "user", "content": "Name a colour."},
        {"role": "assistant", "content": "Green."},
    ]


def test_conversations_are_listed_newest_first_for_their_owner_only(store):
    first = saved_conversation(store, title="Older")
    second = saved_conversation(store, title="Newer")
    saved_conversation(store, owner="visitor-b", title="Someone else's")
    second.add_user("x")
    store.save("visitor-a", second)
    first.add_user("y")
    store.save("visitor-a", first)
    assert [s.title for s in store.list("visitor-a")] == ["Older", "Newer"]
    assert [s.title for s in store.list("visitor-b")] == ["Someone else's"]


def test_nobody_can_open_rename_or_delete_another_visitors_conversation(store):
    conversation = saved_conversation(store)
    for attempt in (
        lambda: store.load(conversation.id, "intruder"),
        lambda: store.rename(conversation.id, "intruder", "mine now"),
        lambda: store.delete(conversation.id, "intruder"),
        lambda: store.save("intruder", conversation),
    ):
        with pytest.raises(ChatError) as caught:
            attempt()
        assert caught.value.kind == "not_found"
    assert store.load(conversation.id, "visitor-a")[0].title == "First question"


def test_rename_and_delete(store):
    conversation = saved_conversation(store)
    conversation.add_user("hello")
    store.save("visitor-a", conversation)
    store.rename(conversation.id, "visitor-a", "  Greetings  ")
    assert store.list("visitor-a")[0].title == "Greetings"
    with pytest.raises(ChatError):
        store.rename(conversation.id, "visitor-a", "   ")
    store.delete(conversation.id, "visitor-a")
    assert store.list("visitor-a") == []


def test_search_finds_titles_and_message_text_case_insensitively(store):
    about_cats = saved_conversation(store, title="Cats")
    about_cats.add_user("Tell me about whiskers")
    store.save("visitor-a", about_cats)
    saved_conversation(store, title="Dogs")
    saved_conversation(store, owner="visitor-b", title="Whiskers elsewhere")
    assert [s.title for s in store.list("visitor-a", search="WHISKERS")] == ["Cats"]
    assert [s.title for s in store.list("visitor-a", search="dog")] == ["Dogs"]
    assert store.list("visitor-a", search="100%_") == []


def test_long_first_messages_make_short_titles(store):
    conversation = saved_conversation(store, title="word " * 40)
    assert len(store.load(conversation.id, "visitor-a")[0].title) <= 60


def test_a_regenerated_reply_cut_off_by_a_crash_opens_interrupted_beside_the_earlier_version(store):
    conversation = saved_conversation(store)
    conversation.add_user("Name a colour.")
    conversation.add_reply("Red.", "complete")
    store.save("visitor-a", conversation)
    conversation.add_user(conversation.rewind_to_last_user())
    store.save("visitor-a", conversation)  # the turn saves its question before the reply streams
    store.write_checkpoint("visitor-a", conversation.id, Checkpoint(conversation.size, "Blu", LEFT, time.time()))
    _, reopened = store.load(conversation.id, "visitor-a")
    assert [(e.content, e.status) for e in reopened.entries] == [("Name a colour.", "complete"), ("Blu", "interrupted")]
    assert reopened.version_of(reopened.entries[-1]) == (2, 2)
    assert [e.content for e in reopened.others] == ["Red."]
    store.save("visitor-a", reopened)
    assert [e.content for e in store.load(conversation.id, "visitor-a")[1].messages()] == [
        "Name a colour.", "Red.", "Blu",
    ]  # fmt: skip
