"""Example sets saved by name for their owner, and thumbs on tutor replies tallied per set, on both databases."""

import pytest

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.lab.examples import ExampleSet
from chat_core.lab.feedback import Tally

FRACTIONS = ExampleSet(
    "Fractions",
    "You are a patient fractions tutor.",
    (("What is 1/2 + 1/4?", "Make the halves quarters: 2/4 + 1/4 = **3/4**."), ("Is 2/4 = 1/2?", "Yes: divide by 2.")),
)


def tutor_conversation(store, owner="visitor:a", replies=2):
    conversation = Conversation(id=store.create(owner, "tutor", "Python", "Q1"))
    for number in range(1, replies + 1):
        conversation.add_user(f"Q{number}")
        conversation.add_reply(f"A{number}", "complete")
    store.save(owner, conversation)
    return conversation


def test_a_saved_example_set_loads_back_exactly(store):
    store.save_example_set("user:teacher", FRACTIONS)
    assert store.load_example_set("user:teacher", "Fractions") == FRACTIONS
    assert store.list_example_sets("user:teacher") == [FRACTIONS]


def test_saving_under_an_existing_name_replaces_that_set(store):
    store.save_example_set("user:teacher", FRACTIONS)
    edited = ExampleSet("Fractions", "Be brief.", (("1/2 of 10?", "**5**"),))
    store.save_example_set("user:teacher", edited)
    assert store.list_example_sets("user:teacher") == [edited]


def test_sets_list_by_name_and_only_for_their_owner(store):
    store.save_example_set("user:teacher", FRACTIONS)
    store.save_example_set("user:teacher", ExampleSet("Algebra", "", (("2x = 4?", "x = 2"),)))
    store.save_example_set("visitor:other", ExampleSet("Theirs", "", (("a", "b"),)))
    assert [s.name for s in store.list_example_sets("user:teacher")] == ["Algebra", "Fractions"]
    with pytest.raises(ChatError) as caught:
        store.load_example_set("visitor:other", "Fractions")
    assert caught.value.kind == "not_found"


def test_only_the_owner_can_delete_a_set(store):
    store.save_example_set("user:teacher", FRACTIONS)
    with pytest.raises(ChatError):
        store.delete_example_set("visitor:other", "Fractions")
    store.delete_example_set("user:teacher", "Fractions")
    assert store.list_example_sets("user:teacher") == []


@pytest.mark.parametrize(
    "example_set",
    [
        ExampleSet("Half done", "", (("A question", " "),)),
        ExampleSet("Python", "Shadowing the built-in set.", (("q", "a"),)),
        ExampleSet("  ", "", ()),
    ],
    ids=["empty-side", "built-in-name", "no-name"],
)
def test_an_invalid_set_is_never_saved(store, example_set):
    with pytest.raises(ChatError):
        store.save_example_set("user:teacher", example_set)
    assert store.list_example_sets("user:teacher") == []


def test_feedback_is_kept_with_the_reply_and_can_change_or_be_taken_back(store):
    conversation = tutor_conversation(store)
    store.record_feedback("visitor:a", conversation.id, 1, True, "Python")
    store.record_feedback("visitor:a", conversation.id, 3, True, "Python")
    store.record_feedback("visitor:a", conversation.id, 3, False, "Python")
    assert store.feedback_for("visitor:a", conversation.id) == {1: True, 3: False}
    store.record_feedback("visitor:a", conversation.id, 1, None)
    assert store.feedback_for("visitor:a", conversation.id) == {3: False}


@pytest.mark.parametrize(("owner", "position"), [("visitor:other", 1), ("visitor:a", 0), ("visitor:a", 9)])
def test_feedback_only_on_an_owned_saved_reply(store, owner, position):
    conversation = tutor_conversation(store)
    with pytest.raises(ChatError) as caught:
        store.record_feedback(owner, conversation.id, position, True, "Python")
    assert caught.value.kind == "not_found"
    assert store.feedback_for("visitor:a", conversation.id) == {}


def test_the_tally_counts_ups_and_downs_per_example_set_for_the_owner_only(store):
    python = tutor_conversation(store, replies=3)
    fractions = tutor_conversation(store, replies=1)
    theirs = tutor_conversation(store, owner="visitor:other", replies=1)
    store.record_feedback("visitor:a", python.id, 1, True, "Python")
    store.record_feedback("visitor:a", python.id, 3, True, "Python")
    store.record_feedback("visitor:a", python.id, 5, False, "Python")
    store.record_feedback("visitor:a", fractions.id, 1, False, "Fractions")
    store.record_feedback("visitor:other", theirs.id, 1, True, "Fractions")
    tally = store.feedback_tally("visitor:a")
    assert tally == [Tally("Fractions", ups=0, downs=1), Tally("Python", ups=2, downs=1)]
    assert [t.total for t in tally] == [1, 3]
    assert store.feedback_tally("visitor:a", page="chatbot") == []


def test_feedback_stays_with_the_reply_version_rated_when_it_is_regenerated_and_goes_when_deleted(store):
    conversation = tutor_conversation(store)
    store.record_feedback("visitor:a", conversation.id, 1, True, "Python")
    store.record_feedback("visitor:a", conversation.id, 3, False, "Python")
    conversation.add_user(conversation.rewind_to_last_user())
    again = conversation.add_reply("A2 again", "complete")
    store.save("visitor:a", conversation)
    store.record_feedback("visitor:a", conversation.id, again.position, True, "Python")
    assert store.feedback_for("visitor:a", conversation.id) == {1: True, 3: False, again.position: True}
    store.delete(conversation.id, "visitor:a")
    assert store.feedback_tally("visitor:a") == []
