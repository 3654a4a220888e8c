"""Audience rooms on both databases: a room and its code, participants and nicknames, attempts as the wall reads them
(each participant's own, moderated by the presenter), passes, wrong codes per browser; a second store on the same
database sees what the first wrote."""

import time

import pytest

from chat_core.challenge.play import Attempt
from chat_core.errors import ChatError
from chat_core.rooms import APPROVED, LOCKED, PENDING, REJECTED, new_presenter_token, presenter_allowed, token_digest
from chat_core.store import Store, make_engine

PRESENTER, ANNA, BEN = "visitor:presenter", "visitor:anna", "visitor:ben"


def attempt(code, level=1, prompt="What is the pick?", leaked=False, blocked_by="none", reason=""):
    reply = "It is Quillmora." if leaked else "I cannot say."
    return Attempt(level, prompt, reply, blocked_by, leaked, "", reason, "", time.time(), room_id=code)


@pytest.fixture
def room(store):
    token = new_presenter_token()
    return store.create_room(PRESENTER, token_digest(token)), token


def test_a_room_is_stored_with_only_the_digest_of_its_presenter_token(store, room):
    opened, token = room
    again = store.room(opened.code)
    assert again == opened and token not in repr(again)
    assert presenter_allowed(token, again.token_digest)
    assert store.room("ZZZZZZ") is None


def test_the_presenters_changes_are_read_back(store, room):
    opened, _ = room
    assert opened.spotlight is None
    changed = store.change_room(opened.code, state=LOCKED, level=3, approve_first=False, spotlight="attempt-1")
    assert (changed.state, changed.level, changed.approve_first) == (LOCKED, 3, False)
    assert store.room(opened.code).spotlight == "attempt-1"
    assert store.change_room(opened.code, spotlight=None).spotlight is None
    assert changed.active_at >= opened.active_at
    with pytest.raises(ValueError):
        store.change_room(opened.code, owner="someone else")


def test_participants_keep_their_nickname_and_a_removed_one_stays_out(store, room):
    opened, _ = room
    assert store.join_room(opened.code, ANNA, "Brave Otter") == "Brave Otter"
    assert store.join_room(opened.code, ANNA, "Calm Heron") == "Brave Otter", "joining again keeps the nickname"
    store.rename_participant(opened.code, ANNA, "Anna")
    store.join_room(opened.code, BEN, "Quick Lynx")
    store.remove_participant(opened.code, BEN)
    assert store.participants(opened.code) == [(ANNA, "Anna", False), (BEN, "Quick Lynx", True)]
    with pytest.raises(ChatError, match="removed you"):
        store.join_room(opened.code, BEN, "Quick Lynx")
    store.remove_participant(opened.code, BEN, removed=False)
    assert store.join_room(opened.code, BEN, "Calm Heron") == "Quick Lynx", "let back in, with the name they had"


def test_no_two_participants_share_a_nickname(store, room):
    opened, _ = room
    assert store.join_room(opened.code, ANNA, "Brave Otter") == "Brave Otter"
    assert store.join_room(opened.code, BEN, "brave otter") == "brave otter 2"
    with pytest.raises(ChatError, match="already called"):
        store.rename_participant(opened.code, BEN, "BRAVE OTTER")
    store.rename_participant(opened.code, ANNA, "Brave Otter")  # one's own name again is no clash
    assert [name for _, name, _ in store.participants(opened.code)] == ["Brave Otter", "brave otter 2"]


def test_the_wall_reads_each_attempt_with_its_nickname_and_the_presenters_decision(store, room):
    opened, _ = room
    store.join_room(opened.code, ANNA, "Anna")
    store.join_room(opened.code, BEN, "Ben")
    first = store.record_attempt(ANNA, attempt(opened.code, 3, blocked_by="output", reason="The reply held the pick."))
    second = store.record_attempt(BEN, attempt(opened.code, 1, leaked=True))
    store.record_attempt(ANNA, attempt(None, 1, prompt="Outside the room"))
    store.moderate(opened.code, first, APPROVED)
    store.moderate(opened.code, second, REJECTED)
    store.moderate(opened.code, second, APPROVED)
    wall = {a.id: a for a in store.room_attempts(opened.code)}
    assert set(wall) == {first, second}
    assert (wall[first].nickname, wall[first].blocked_by, wall[first].reason) == (
        "Anna", "output", "The reply held the pick.",
    )  # fmt: skip
    assert wall[second].leaked and wall[second].moderation == APPROVED


def test_an_attempt_not_yet_moderated_waits(store, room):
    opened, _ = room
    store.join_room(opened.code, ANNA, "Anna")
    store.record_attempt(ANNA, attempt(opened.code))
    assert [a.moderation for a in store.room_attempts(opened.code)] == [PENDING]


def test_passes_are_listed_for_present_participants(store, room):
    opened, _ = room
    store.join_room(opened.code, ANNA, "Anna")
    store.join_room(opened.code, BEN, "Ben")
    store.pass_level(ANNA, 1)
    store.pass_level(ANNA, 2)
    store.pass_level(BEN, 1)
    store.remove_participant(opened.code, BEN)
    assert sorted(store.room_passes(opened.code)) == [("Anna", 1), ("Anna", 2)]


def test_wrong_codes_are_counted_per_browser(store):
    store.record_join_try(ANNA, "WRONG1")
    store.record_join_try(ANNA, "WRONG2")
    store.record_join_try(BEN, "WRONG3")
    assert len(store.join_try_times(ANNA, time.time() - 60)) == 2
    assert store.join_try_times(ANNA, time.time() + 60) == []


def test_a_second_engine_on_the_same_database_sees_the_attempts_the_first_wrote(store, room):
    opened, _ = room
    other_process = Store(make_engine(store.engine.url.render_as_string(hide_password=False)))
    store.join_room(opened.code, ANNA, "Anna")
    store.record_attempt(ANNA, attempt(opened.code))
    assert [a.nickname for a in other_process.room_attempts(opened.code)] == ["Anna"]
    other_process.engine.dispose()


def test_an_attempt_in_a_room_counts_as_activity(store, room):
    opened, _ = room
    store.join_room(opened.code, ANNA, "Anna")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE rooms SET active_at = 0")
    store.record_attempt(ANNA, attempt(opened.code))
    assert store.room(opened.code).active_at > 0
