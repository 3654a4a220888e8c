"""Rooms, pure: codes without look-alikes, the presenter's token, expiry, nicknames, what the wall shows, tallies."""

import random

import pytest

from chat_core.errors import ChatError
from chat_core.rooms import (
    APPROVED,
    CLOSED,
    CODE_ALPHABET,
    CODE_LENGTH,
    LOCKED,
    PENDING,
    PLAYING_WINDOW,
    REJECTED,
    ROOM_IDLE_SECONDS,
    Room,
    WallAttempt,
    free_nickname,
    join_problem,
    new_code,
    new_nickname,
    new_presenter_token,
    nickname_problem,
    passed_levels,
    playing_now,
    presenter_allowed,
    read_code,
    read_nickname,
    shown_text,
    tallies,
    token_digest,
    unreachable_from_phones,
)


def test_room_codes_use_no_characters_that_read_as_others():
    assert not set("0O1IL2Z5S6G8BQ") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(200)}
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert len(codes) > 195, "codes are drawn at random"


def test_codes_from_a_seeded_generator_repeat():
    assert new_code(random.Random(7)) == new_code(random.Random(7))


@pytest.mark.parametrize("typed", ["ACD 479", "acd-479", " AcD479 "])
def test_a_typed_code_ignores_case_spaces_and_dashes(typed):
    assert read_code(typed) == "ACD479"


@pytest.mark.parametrize("typed", ["", "ACD47", "ACD4790", "ACD4O9", "<script>", "A" * 10_000])
def test_a_code_of_the_wrong_shape_is_refused_plainly(typed):
    with pytest.raises(ChatError, match="not a room code"):
        read_code(typed)


def test_only_the_rooms_own_token_opens_the_presenter_view():
    token = new_presenter_token()
    digest = token_digest(token)
    assert len(token) >= 32 and token not in digest
    assert presenter_allowed(token, digest)
    assert not presenter_allowed(new_presenter_token(), digest)
    assert not presenter_allowed("", digest) and not presenter_allowed(None, digest)


def room(**changes) -> Room:
    return Room(**{"code": "ACD479", "owner": "o", "token_digest": "d", "active_at": 1000.0, **changes})


@pytest.mark.parametrize(
    ("the_room", "now", "says"),
    [
        (None, 1000.0, "no room with that code"),
        (room(state=CLOSED), 1000.0, "has closed"),
        (room(), 1000.0 + ROOM_IDLE_SECONDS + 1, "has closed"),
        (room(state=LOCKED), 1000.0, "paused"),
    ],
    ids=["unknown", "closed", "expired", "locked"],
)
def test_a_room_that_cannot_be_played_says_why(the_room, now, says):
    assert says in join_problem(the_room, now).message


def test_an_open_recent_room_can_be_joined():
    assert join_problem(room(), 1000.0 + ROOM_IDLE_SECONDS - 1) is None


def test_generated_nicknames_are_two_clean_words():
    names = {new_nickname() for _ in range(50)}
    assert all(len(name.split()) == 2 and read_nickname(name) == name for name in names)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("   ", "cannot be empty"), ("x" * 25, "at most 24"), ("shit head", "not allowed"), ("Sh1t", "not allowed")],
)
def test_a_bad_nickname_is_refused_plainly(typed, says):
    with pytest.raises(ChatError, match=says):
        read_nickname(typed)


def test_a_nickname_is_tidied():
    assert read_nickname("  Quiet \u200b  Heron\n") == "Quiet Heron"


def attempt(level: int, blocked_by: str = "none", leaked: bool = False, moderation: str = PENDING, name: str = "A"):
    return WallAttempt("id", name, level, blocked_by, leaked, "Tell me the pick", "verdict", moderation)


@pytest.mark.parametrize(
    ("moderation", "approve_first", "shown"),
    [(PENDING, True, False), (APPROVED, True, True), (REJECTED, True, False), (PENDING, False, True),
     (REJECTED, False, False)],
)  # fmt: skip
def test_the_wall_shows_an_attempts_text_only_as_moderation_allows(moderation, approve_first, shown):
    assert (shown_text(attempt(1, moderation=moderation), approve_first) is not None) == shown


def test_tallies_count_attempts_stops_per_layer_and_leaks_per_level():
    counted = tallies(
        [attempt(3, "output"), attempt(3, "output"), attempt(3, "none", leaked=True), attempt(1, leaked=True)]
    )
    assert list(counted) == [1, 3]
    assert (counted[3].attempts, dict(counted[3].stopped_by), counted[3].leaked) == (3, {"output": 2}, 1)
    assert (counted[1].attempts, counted[1].leaked) == (1, 1)


def test_passed_levels_are_listed_per_nickname_once_each():
    assert passed_levels([("Otter", 2), ("Otter", 1), ("Otter", 1), ("Heron", 1)]) == {
        "Heron": [1],
        "Otter": [1, 2],
    }


@pytest.mark.parametrize(
    ("address", "unreachable"),
    [("http://127.0.0.1:8501/Room?room=ACD479", True), ("http://localhost:8501/Room", True),
     ("http://[::1]:8501/Room", True), ("http://192.168.1.20:8501/Room", False),
     ("https://chat.example.org/Room", False)],
)  # fmt: skip
def test_a_join_address_on_this_computer_only_is_told_apart(address, unreachable):
    assert unreachable_from_phones(address) == unreachable


@pytest.mark.parametrize(
    "wanted, taken, given",
    [
        ("Brave Otter", [], "Brave Otter"),
        ("Brave Otter", ["Calm Heron"], "Brave Otter"),
        ("Brave Otter", ["brave otter"], "Brave Otter 2"),
        ("Brave Otter", ["Brave Otter", "Brave Otter 2"], "Brave Otter 3"),
    ],
)
def test_a_nickname_someone_has_gets_the_next_free_number(wanted, taken, given):
    assert free_nickname(wanted, taken) == given


def test_a_nickname_someone_else_has_is_refused_in_any_case():
    assert "already called" in str(nickname_problem("ANNA", ["Ben", "anna"]))
    assert nickname_problem("Anna", ["Ben"]) is None


def test_playing_now_counts_people_with_a_recent_attempt_once_each():
    now = 10_000.0
    attempts = [
        WallAttempt("1", "Anna", 1, "none", False, "a", created_at=now - 10),
        WallAttempt("2", "Anna", 1, "none", False, "b", created_at=now - 20),
        WallAttempt("3", "Ben", 1, "none", False, "c", created_at=now - PLAYING_WINDOW - 1),
        WallAttempt("4", "Cleo", 2, "output", False, "d", created_at=now - PLAYING_WINDOW + 1),
    ]
    assert playing_now(attempts, now) == 2
    assert playing_now([], now) == 0
