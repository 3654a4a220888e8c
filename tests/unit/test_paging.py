import pytest

from chat_core.paging import LATEST, earlier_note, first_shown, hidden_note, latest_exchange, show_earlier


def alternating(count: int) -> list[str]:
    return ["user" if i % 2 == 0 else "assistant" for i in range(count)]


@pytest.mark.parametrize("count", [0, 1, 20, LATEST])
def test_a_short_conversation_is_drawn_whole(count):
    assert first_shown(alternating(count)) == 0


@pytest.mark.parametrize("count", [LATEST + 2, 200, 2000])
def test_a_long_conversation_draws_only_the_latest_messages(count):
    assert first_shown(alternating(count)) == count - LATEST


def test_the_window_starts_on_a_question_not_on_a_reply_whose_question_is_hidden():
    roles = alternating(101)  # ends on a question, so the latest 50 would start on a reply
    start = first_shown(roles)
    assert roles[start] == "user"
    assert start == 101 - LATEST - 1


@pytest.mark.parametrize(("shown", "after"), [(LATEST, 2 * LATEST), (2 * LATEST, 3 * LATEST), (1, 2 * LATEST)])
def test_show_earlier_adds_a_page_of_messages(shown, after):
    assert show_earlier(shown) == after


def test_showing_more_than_the_conversation_holds_draws_it_all():
    assert first_shown(alternating(120), shown=500) == 0


@pytest.mark.parametrize(("hidden", "words"), [(1, "1 earlier message not shown"), (1950, "1,950 earlier messages")])
def test_the_hidden_note_counts_what_is_not_drawn_and_says_the_model_still_has_it(hidden, words):
    note = hidden_note(hidden)
    assert words in note
    assert "The model is still sent the conversation" in note


@pytest.mark.parametrize(
    ("roles", "start"),
    [
        ([], 0),
        (["user"], 0),
        (["user", "assistant"], 0),
        (["user", "assistant", "user", "assistant"], 2),
        (["user", "assistant", "user"], 2),  # a question still waiting for its reply
        (["assistant"], 0),
    ],
)
def test_the_latest_exchange_starts_at_the_last_question(roles, start):
    assert latest_exchange(roles) == start


@pytest.mark.parametrize(("questions", "label"), [(1, "(1 question)"), (3, "(3 questions)")])
def test_the_fold_of_earlier_exchanges_counts_their_questions(questions, label):
    assert earlier_note(questions) == f"Earlier in this conversation {label}"
