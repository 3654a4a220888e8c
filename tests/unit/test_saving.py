"""The save policy on a real database: create or save, two writers, deleted elsewhere, outages, imports, titles."""

import json

import pytest

from chat_core.conversation import Conversation
from chat_core.exports import Snapshot, parse_import, to_json
from chat_core.prompts import CUSTOM_PERSONA
from chat_core.saving import (
    NEW_CHAT,
    ChatScope,
    catch_up,
    import_landing,
    page_address,
    retitle_after_edit,
    save_conversation,
    save_import,
)
from chat_core.settings import load_settings
from chat_core.store import Store, make_engine

OWNER = "visitor:owner-of-the-test-conversations"
SCOPE = ChatScope("chatbot", "Helpful assistant")


def turn(conversation: Conversation, question: str) -> Conversation:
    conversation.add_user(question)
    conversation.add_reply(f"Reply to {question}", "complete")
    return conversation


def contents(store: Store, conversation_id: str) -> list[str]:
    return [e.content for e in store.load(conversation_id, OWNER)[1].entries]


def two_tabs(store: Store) -> tuple[Conversation, Conversation]:
    """One saved conversation opened in two tabs."""
    first = turn(Conversation(), "Start")
    assert save_conversation(store, OWNER, first, SCOPE) is None
    return store.load(first.id, OWNER)[1], store.load(first.id, OWNER)[1]


def test_a_new_conversation_is_created_on_its_first_save_and_titled_by_its_first_question(store):
    conversation = turn(Conversation(), "What is a list?")
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    summary = store.list(OWNER)[0]
    assert (summary.id, summary.title, summary.thread) == (conversation.id, "What is a list?", "Helpful assistant")
    assert not conversation.unsaved


@pytest.mark.parametrize(("cleared", "address"), [(False, None), (True, NEW_CHAT)], ids=["latest", "cleared"])
def test_a_page_address_names_a_new_chat_from_its_saved_first_question_before_any_reply(store, cleared, address):
    conversation = Conversation()
    assert page_address(conversation, cleared) == address
    conversation.add_user("First question")
    assert page_address(conversation, cleared) == address, "not saved yet: a reload could not find it"
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    assert page_address(conversation, cleared) == conversation.id


def test_an_empty_conversation_is_not_created(store):
    assert save_conversation(store, OWNER, Conversation(), SCOPE) is None
    assert store.list(OWNER) == []


def every_text(store: Store, conversation_id: str) -> list[str]:
    return sorted(e.content for e in store.load(conversation_id, OWNER)[1].messages())


def test_two_tabs_writing_one_conversation_continue_it_as_sibling_branches(store):
    tab_a, tab_b = two_tabs(store)
    assert save_conversation(store, OWNER, turn(tab_a, "Apple?"), SCOPE) is None
    problem = save_conversation(store, OWNER, turn(tab_b, "Banana?"), SCOPE)
    assert problem is not None and problem.kind == "conflict"
    assert "another tab" in problem.message.lower() and "cannot be reached" not in problem.message
    assert save_conversation(store, OWNER, turn(tab_b, "Cherry?"), SCOPE) is None
    assert tab_b.id == tab_a.id and len(store.list(OWNER)) == 1
    assert contents(store, tab_a.id) == [
        "Start", "Reply to Start", "Banana?", "Reply to Banana?", "Cherry?", "Reply to Cherry?",
    ]  # fmt: skip
    apple = next(e for e in tab_b.others if e.content == "Apple?")
    banana = next(e for e in tab_b.entries if e.content == "Banana?")
    assert apple.parent == banana.parent == tab_b.entries[1].id
    assert tab_b.version_of(banana) == (2, 2)
    tab_b.switch(banana, -1)
    assert [e.content for e in tab_b.entries] == ["Start", "Reply to Start", "Apple?", "Reply to Apple?"]


def test_the_tab_that_wrote_first_takes_in_the_other_tabs_branch_on_its_next_save(store):
    tab_a, tab_b = two_tabs(store)
    assert save_conversation(store, OWNER, turn(tab_a, "Apple?"), SCOPE) is None
    assert save_conversation(store, OWNER, turn(tab_b, "Banana?"), SCOPE).kind == "conflict"
    assert save_conversation(store, OWNER, turn(tab_a, "Avocado?"), SCOPE).kind == "conflict"
    assert contents(store, tab_a.id)[-4:] == ["Apple?", "Reply to Apple?", "Avocado?", "Reply to Avocado?"]
    assert every_text(store, tab_a.id) == sorted(
        ["Start", "Reply to Start", "Apple?", "Reply to Apple?", "Banana?", "Reply to Banana?", "Avocado?",
         "Reply to Avocado?"]
    )  # fmt: skip
    assert tab_a.size == 8 and not tab_a.unsaved


def test_a_rewind_in_one_tab_never_deletes_what_another_tab_added(store):
    tab_a, tab_b = two_tabs(store)
    assert save_conversation(store, OWNER, turn(tab_a, "Apple?"), SCOPE) is None
    tab_b.rewind_to_last_user()
    problem = save_conversation(store, OWNER, turn(tab_b, "Start again"), SCOPE)
    assert problem.kind == "conflict"
    assert contents(store, tab_a.id) == ["Start again", "Reply to Start again"]
    assert every_text(store, tab_a.id) == sorted(
        ["Start", "Reply to Start", "Apple?", "Reply to Apple?", "Start again", "Reply to Start again"]
    )


def test_positions_taken_after_the_check_are_a_conflict_not_an_outage(store):
    tab_a, tab_b = two_tabs(store)
    assert save_conversation(store, OWNER, turn(tab_a, "Apple?"), SCOPE) is None
    tab_b.stored = len(tab_a.entries)  # as if tab B counted the messages just before tab A's insert committed
    problem = save_conversation(store, OWNER, turn(tab_b, "Banana?"), SCOPE)
    assert problem.kind == "conflict"
    assert contents(store, tab_a.id)[-2:] == ["Banana?", "Reply to Banana?"]
    assert "Apple?" in every_text(store, tab_a.id)


def test_a_conversation_deleted_elsewhere_is_saved_again_as_a_new_one(store):
    conversation = turn(Conversation(), "Keep me")
    save_conversation(store, OWNER, conversation, SCOPE)
    old_id = conversation.id
    store.delete(old_id, OWNER)
    problem = save_conversation(store, OWNER, turn(conversation, "Still here?"), SCOPE)
    assert problem.kind == "not_found"
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    assert conversation.id != old_id
    assert contents(store, conversation.id) == ["Keep me", "Reply to Keep me", "Still here?", "Reply to Still here?"]


def test_after_an_outage_catch_up_writes_what_was_missed(tmp_path):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage " * 1000)
    store = Store(make_engine(f"sqlite:///{broken}"))
    new = turn(Conversation(), "Written during the outage")
    threads = {"tutor": {"Math": new}}
    problem = save_conversation(store, OWNER, new, ChatScope("tutor", "Math"))
    assert problem.kind == "storage" and new.unsaved
    assert [p.kind for p in catch_up(store, OWNER, threads)] == ["storage"]
    broken.unlink()
    store.migrate()
    assert catch_up(store, OWNER, threads) == []
    assert not new.unsaved
    summary = store.list(OWNER)[0]
    assert (summary.page, summary.thread) == ("tutor", "Math")
    assert contents(store, new.id) == ["Written during the outage", "Reply to Written during the outage"]


def edited(store: Store, conversation: Conversation, text: str) -> None:
    """What Edit last message does: retitle if it is the first question, rewind, send the new text."""
    retitle_after_edit(store, OWNER, conversation, conversation.last_user_text(), text)
    conversation.rewind_to_last_user()
    save_conversation(store, OWNER, turn(conversation, text), SCOPE)


def test_editing_the_first_message_updates_the_title(store):
    conversation = turn(Conversation(), "Tell me about cats")
    save_conversation(store, OWNER, conversation, SCOPE)
    edited(store, conversation, "Tell me about dogs")
    assert store.list(OWNER)[0].title == "Tell me about dogs"


def test_editing_the_first_message_keeps_a_title_the_owner_chose(store):
    conversation = turn(Conversation(), "Tell me about cats")
    save_conversation(store, OWNER, conversation, SCOPE)
    store.rename(conversation.id, OWNER, "Pets")
    edited(store, conversation, "Tell me about dogs")
    assert store.list(OWNER)[0].title == "Pets"


def test_editing_a_later_message_keeps_the_title(store):
    conversation = turn(turn(Conversation(), "First"), "Second")
    save_conversation(store, OWNER, conversation, SCOPE)
    edited(store, conversation, "Second, edited")
    assert store.list(OWNER)[0].title == "First"


def test_what_a_conversation_remembers_never_holds_the_api_key():
    settings = load_settings({"OPENAI_API_KEY": "sk-test-secret-1234567890", "CHAT_TEMPERATURE": "0.4"})
    kept = ChatScope("tutor", "Math", "system", (), settings).remembered()
    assert kept["temperature"] == 0.4 and kept["thread"] == "Math"
    assert "sk-test-secret" not in json.dumps(kept)


def exported(page: str, thread: str, system: str | None = None) -> bytes:
    fixed = [{"role": "system", "content": system}] if system else []
    document = {
        "messages": [*fixed, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
        "metadata": {"title": "Imported", "page": page, "thread": thread, "fixed_messages": len(fixed)},
    }
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("document", "current_page", "landing"),
    [
        (exported("tutor", "Math"), "chatbot", ("tutor", "Math")),
        (exported("tutor", "Astrology"), "chatbot", ("tutor", "Python")),
        (exported("elsewhere", "x"), "finance", ("finance", "guardrails")),
        (exported("elsewhere", "x"), None, ("chatbot", "Helpful assistant")),
        (exported("chatbot", "Old persona", "You are a pirate."), "tutor", ("chatbot", CUSTOM_PERSONA)),
    ],
)
def test_an_import_lands_on_its_own_page_and_thread_when_they_exist(document, current_page, landing):
    where = import_landing(parse_import(document), current_page)
    assert (where.page, where.thread) == landing


def test_an_imported_custom_persona_keeps_its_system_prompt(store):
    imported = parse_import(exported("chatbot", "Old persona", "You are a pirate."))
    conversation_id = save_import(store, OWNER, imported, None)
    summary, conversation = store.load(conversation_id, OWNER)
    assert (summary.thread, summary.settings["system"], summary.title) == (
        CUSTOM_PERSONA,
        "You are a pirate.",
        "Imported",
    )
    assert [e.content for e in conversation.entries] == ["Hi", "Hello"]


def test_an_imported_tree_is_stored_with_every_branch_and_opens_on_its_active_one(store):
    conversation = turn(Conversation(), "Name a colour.")
    for _ in range(2):
        conversation.add_user(conversation.rewind_to_last_user())
        conversation.add_reply(f"Colour {conversation.size}", "complete")
    conversation.switch(conversation.entries[-1], -1)
    document = to_json(Snapshot("Colours", "chatbot", "Helpful assistant", [], conversation))
    conversation_id = save_import(store, OWNER, parse_import(document.encode()), None)
    _, loaded = store.load(conversation_id, OWNER)
    assert [e.content for e in loaded.entries] == ["Name a colour.", "Colour 2"]
    assert sorted(e.content for e in loaded.messages()) == [
        "Colour 2", "Colour 3", "Name a colour.", "Reply to Name a colour.",
    ]  # fmt: skip
    assert loaded.version_of(loaded.entries[-1]) == (2, 3)
