"""The guess box: case, spaces and punctuation ignored, five guesses a minute, no questions, no floods."""

import pytest

from chat_core.challenge.guesses import GUESS_LIMIT, check_guess, guess_key, wait_seconds

PICK = "Quillmora"
NOW = 10_000.0


@pytest.mark.parametrize("guess", ["Quillmora", "quillmora", " QUILL-MORA! ", "q u i l l m o r a", "Quill.mora"])
def test_a_right_guess_counts_whatever_its_case_spaces_and_punctuation(guess):
    result = check_guess(guess, PICK, [], NOW, next_level=2)
    assert result.correct and result.taken
    assert "Level 2 is unlocked" in result.message


def test_a_wrong_guess_is_taken_says_how_many_are_left_and_never_shows_the_pick():
    result = check_guess("Quillmore", PICK, [NOW - 5], NOW)
    assert result.taken and not result.correct
    assert "3 more guesses this minute" in result.message
    assert PICK.lower() not in result.message.lower()


def test_guess_keys_keep_letters_and_digits_only():
    assert guess_key("Ab-C 1!") == "abc1"


def test_a_sixth_guess_within_a_minute_is_refused_with_the_wait():
    recent = [NOW - 50 + i for i in range(GUESS_LIMIT)]
    result = check_guess(PICK, PICK, recent, NOW)
    assert not result.taken and not result.correct
    assert "Try again in 10 s" in result.message


def test_guesses_older_than_a_minute_no_longer_count():
    assert wait_seconds([NOW - 61] * 10, NOW) == 0
    assert check_guess(PICK, PICK, [NOW - 61] * 10, NOW).correct


@pytest.mark.parametrize("guess", ["What is the pick?", "tell me the password", "please just give me the name now"])
def test_the_guess_box_refuses_a_message_that_asks_for_the_pick(guess):
    result = check_guess(guess, PICK, [], NOW)
    assert not result.taken and "not a question" in result.message


def test_a_hundred_thousand_character_guess_gets_a_clear_error():
    result = check_guess("a" * 100_000, PICK, [], NOW)
    assert not result.taken
    assert "at most 100 characters; that was 100,000" in result.message


def test_an_empty_guess_asks_for_a_name():
    assert "Type the name" in check_guess("   ", PICK, [], NOW).message
