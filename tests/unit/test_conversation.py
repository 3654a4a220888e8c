import pytest

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


def test_rewinding_returns_the_last_question_and_keeps_what_followed_on_its_branch():
    conversation = Conversation()
    conversation.add_user("one")
    conversation.add_reply("first", "complete")
    conversation.add_user("two")
    conversation.add_reply("second", "stopped")
    assert conversation.entries[-1].note.startswith("Stopped")
    assert conversation.rewind_to_last_user() == "two"
    assert [e.content for e in conversation.entries] == ["one", "first"]
    assert [e.content for e in conversation.messages()] == ["one", "first", "two", "second"]


def test_rewinding_an_empty_conversation_gives_nothing():
    assert Conversation().rewind_to_last_user() is None


def saved(*texts: str) -> Conversation:
    """A conversation of these user/assistant texts, as if just saved."""
    conversation = Conversation()
    for index, text in enumerate(texts):
        if index % 2 == 0:
            conversation.add_user(text)
        else:
            conversation.add_reply(text, "complete")
    conversation.mark_saved()
    return conversation


def test_each_message_follows_the_one_before_it_in_the_order_written():
    conversation = saved("Q1", "A1", "Q2")
    assert [e.position for e in conversation.entries] == [0, 1, 2]
    assert [e.parent for e in conversation.entries] == [None, *(e.id for e in conversation.entries[:2])]


def test_a_question_asked_again_as_it_was_gets_a_sibling_reply_under_the_same_question():
    conversation = saved("Q1", "A1", "Q2", "A2")
    question = conversation.entries[2]
    conversation.add_user(conversation.rewind_to_last_user())
    conversation.add_reply("A2, again", "complete")
    assert conversation.entries[2] is question
    assert [e.content for e in conversation.entries] == ["Q1", "A1", "Q2", "A2, again"]
    assert [conversation.version_of(e) for e in conversation.entries] == [(1, 1), (1, 1), (1, 1), (2, 2)]
    assert [e.content for e in conversation.others] == ["A2"]


def test_an_edited_question_is_a_sibling_question_with_its_own_reply():
    conversation = saved("Q1", "A1", "Q2", "A2")
    conversation.rewind_to_last_user()
    conversation.add_user("Q2, edited")
    conversation.add_reply("A2 to the edit", "complete")
    assert [e.content for e in conversation.entries] == ["Q1", "A1", "Q2, edited", "A2 to the edit"]
    assert conversation.version_of(conversation.entries[2]) == (2, 2)
    assert conversation.off_path() == 2 and conversation.size == 6


def test_switching_shows_the_other_version_and_the_rest_of_its_branch():
    conversation = saved("Q1", "A1", "Q2", "A2", "Q3", "A3")
    conversation.rewind_to_last_user()
    conversation.rewind_to_last_user()
    conversation.add_user("Q2b")
    conversation.add_reply("A2b", "complete")
    conversation.switch(conversation.entries[2], -1)
    assert [e.content for e in conversation.entries] == ["Q1", "A1", "Q2", "A2", "Q3", "A3"]
    conversation.switch(conversation.entries[2], +1)
    assert [e.content for e in conversation.entries] == ["Q1", "A1", "Q2b", "A2b"]


def test_a_switch_is_saved_as_the_branch_shown_though_no_message_is_new():
    conversation = saved("Q1", "A1")
    conversation.add_user(conversation.rewind_to_last_user())
    conversation.add_reply("A1b", "complete")
    conversation.mark_saved()
    conversation.switch(conversation.entries[1], -1)
    assert conversation.unsaved and conversation.unsaved_messages() == []
    conversation.mark_saved()
    assert not conversation.unsaved


def test_a_version_past_the_end_is_refused_and_changes_nothing():
    conversation = saved("Q1", "A1")
    with pytest.raises(ChatError) as caught:
        conversation.switch(conversation.entries[1], +1)
    assert caught.value.kind == "tree"
    assert [e.content for e in conversation.entries] == ["Q1", "A1"]


def test_marking_saved_counts_every_message_on_every_branch():
    conversation = saved("Q1", "A1")
    conversation.rewind_to_last_user()
    assert (conversation.synced, conversation.unsaved) == (2, True), "the branch shown changed"
    conversation.add_user("Q2")
    assert [e.content for e in conversation.unsaved_messages()] == ["Q2"]
    conversation.mark_saved()
    assert (conversation.synced, conversation.stored, conversation.unsaved) == (3, 3, False)


def test_the_last_entry_may_be_the_question_rewound():
    conversation = saved("Q1", "A1", "Q2")
    assert conversation.rewind_to_last_user() == "Q2"
    assert [e.content for e in conversation.entries] == ["Q1", "A1"]


def test_clearing_shows_nothing_and_keeps_every_message():
    conversation = saved("Q1", "A1")
    conversation.clear()
    assert (conversation.entries, conversation.size, conversation.leaf) == ([], 2, None)


def test_forgetting_the_saved_state_makes_the_next_save_write_it_all_anew():
    conversation = saved("Q1", "A1")
    conversation.id = "abc"
    conversation.forget_saved()
    assert (conversation.id, conversation.synced, conversation.stored) == (None, 0, 0)
    assert conversation.unsaved and len(conversation.unsaved_messages()) == 2


def test_a_failure_is_an_assistant_entry_with_the_error_and_the_text_so_far():
    conversation = Conversation()
    entry = conversation.add_failure(ChatError("Server down.", "Try later.", kind="server"), "Par")
    assert (entry.role, entry.content, entry.status) == ("assistant", "Par", "error")
    assert entry.error == {"message": "Server down.", "hint": "Try later.", "kind": "server"}
    assert entry.note == "Failed before the reply finished."


def test_each_reply_gets_its_own_figures():
    conversation = Conversation()
    one, two = conversation.add_reply("a", "complete"), conversation.add_reply("b", "complete")
    one.meta["x"] = 1
    assert two.meta == {} and one.meta == {"x": 1}
    assert conversation.add_reply("c", "length", meta={"usage": 3}).meta == {"usage": 3}


def blocked_in_the_middle() -> Conversation:
    conversation = Conversation()
    conversation.add_user("What is an index fund?")
    conversation.add_reply("A fund that holds a whole index.", "complete")
    conversation.add_user("Which stock should I buy?")
    conversation.add_reply("I can't tell you what to buy or sell.", "blocked")
    conversation.add_user("Why not time the market?")
    conversation.add_reply("Nobody can, reliably.", "complete")
    return conversation


def test_the_model_is_not_resent_an_exchange_a_guardrail_blocked():
    assert blocked_in_the_middle().history(blocked=False) == [
        {"role": "user", "content": "What is an index fund?"},
        {"role": "assistant", "content": "A fund that holds a whole index."},
        {"role": "user", "content": "Why not time the market?"},
        {"role": "assistant", "content": "Nobody can, reliably."},
    ]


def test_the_whole_history_keeps_the_blocked_exchange_for_checks_and_exports():
    contents = [m["content"] for m in blocked_in_the_middle().history()]
    assert contents[2:4] == ["Which stock should I buy?", "I can't tell you what to buy or sell."]


def test_the_branch_note_counts_the_path_sent_and_the_messages_off_it():
    conversation = saved("Q1", "A1")
    assert conversation.branch_note() is None, "one branch: nothing to say"
    conversation.add_user(conversation.rewind_to_last_user())
    conversation.add_reply("A1b", "complete")
    assert conversation.branch_note() == (
        "The model is sent the active path only: 2 messages; 1 more exists on other branches."
    )


def two_turns() -> Conversation:
    conversation = Conversation(id="original")
    for question in ("One?", "Two?"):
        conversation.add_user(question)
        conversation.add_reply(f"Reply to {question}", "complete")
    return conversation


def test_continuing_from_a_reply_copies_the_path_up_to_it_and_records_where_it_came_from():
    original = two_turns()
    continued, question = original.continued_from(original.entries[1], "Numbers")
    assert question is None
    assert [e.content for e in continued.entries] == ["One?", "Reply to One?"]
    assert continued.origin == {"conversation": "original", "message": original.entries[1].id, "title": "Numbers"}
    assert continued.id is None and continued.unsaved
    assert {e.id for e in continued.entries}.isdisjoint(e.id for e in original.entries)
    assert original.size == 4, "the original is untouched"


def test_continuing_from_a_question_copies_the_path_before_it_and_returns_the_question():
    original = two_turns()
    continued, question = original.continued_from(original.entries[2], "Numbers")
    assert question == "Two?" and [e.content for e in continued.entries] == ["One?", "Reply to One?"]


def test_continuing_from_a_message_off_the_branch_shown_is_refused():
    original = two_turns()
    original.rewind_to_last_user()
    with pytest.raises(ChatError, match="not on the branch shown"):
        original.continued_from(original.others[0], "Numbers")


def test_taking_in_another_tabs_messages_numbers_this_tabs_unsaved_ones_after_them():
    saved = two_turns()
    saved.mark_saved()
    other_tab = Conversation(id="original", others=[*saved.messages()])
    other_tab.show_branch(saved.entries[1].id)
    other_tab.mark_saved()
    other_tab.add_user("Three?")
    theirs = [*saved.messages()]
    saved.add_user("Four?")
    written = [*theirs, *other_tab.unsaved_messages()]
    assert saved.take_in(written) == 1
    assert saved.entries[-1].content == "Four?" and saved.entries[-1].position == 5
    assert (saved.synced, saved.stored) == (5, 5)
    assert [e.content for e in saved.unsaved_messages()] == ["Four?"]


def test_moving_back_to_a_version_returns_to_the_branch_as_it_was_left():
    conversation = Conversation()
    conversation.add_user("Name a colour.")
    conversation.add_reply("Red.", "complete")
    for reply in ("Blue.", "Green."):
        conversation.add_user(conversation.rewind_to_last_user())
        conversation.add_reply(reply, "complete")
    question = conversation.entries[0]
    conversation.switch(conversation.entries[-1], -2)
    assert conversation.entries[-1].content == "Red."
    conversation.rewind_to_last_user()
    conversation.add_user("Name a fruit.")  # an edited question: a sibling of the first
    conversation.add_reply("Apple.", "complete")
    edited = conversation.entries[0]
    assert edited is not question
    conversation.switch(edited, -1)
    assert [e.content for e in conversation.entries] == ["Name a colour.", "Red."], "not the newest reply, Green."
    conversation.switch(conversation.entries[0], +1)
    assert [e.content for e in conversation.entries] == ["Name a fruit.", "Apple."]
