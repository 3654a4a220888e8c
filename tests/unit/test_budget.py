import pytest

from chat_core.budget import REFILL, fit_to_budget
from chat_core.errors import ChatError
from chat_core.tokens import MESSAGE_OVERHEAD, EstimateCounter

counter = EstimateCounter()


def turns(count: int, size: int = 60) -> list[dict]:
    history = []
    for index in range(count):
        history.append({"role": "user", "content": f"question {index} " + "q" * size})
        history.append({"role": "assistant", "content": f"answer {index} " + "a" * size})
    return history


SYSTEM = [{"role": "system", "content": "You are terse."}]
EXAMPLES = [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]
QUESTION = {"role": "user", "content": "And 3+3?"}


def test_everything_is_kept_when_it_fits():
    budget = fit_to_budget(SYSTEM, turns(2), QUESTION, context_window=4096, reply_tokens=256, counter=counter)
    assert budget.dropped == []
    assert budget.messages == [*SYSTEM, *turns(2), QUESTION]
    assert budget.prompt_tokens == counter.count_messages(budget.messages)
    assert len(budget.message_tokens) == len(budget.messages)


def test_the_oldest_turns_go_first_and_fixed_parts_stay():
    history = turns(300)
    budget = fit_to_budget(
        [*SYSTEM, *EXAMPLES], history, QUESTION, context_window=2048, reply_tokens=512, counter=counter
    )
    assert budget.prompt_tokens <= budget.limit == 1536
    assert budget.messages[:3] == [*SYSTEM, *EXAMPLES]
    assert budget.messages[-1] == QUESTION
    assert budget.messages[-2] == history[-1]
    assert budget.dropped == list(range(len(budget.dropped)))
    assert len(budget.dropped) > 500


def test_a_question_and_its_answer_leave_together():
    budget = fit_to_budget(SYSTEM, turns(40), QUESTION, context_window=1024, reply_tokens=256, counter=counter)
    assert len(budget.dropped) % 2 == 0
    assert budget.messages[1]["role"] == "user"


def test_a_question_too_big_for_the_window_is_refused_with_figures():
    huge = {"role": "user", "content": "x" * 9000}
    with pytest.raises(ChatError) as caught:
        fit_to_budget(SYSTEM, [], huge, context_window=2048, reply_tokens=512, counter=counter)
    assert caught.value.kind == "context_too_long"
    assert "1,536" in caught.value.message


def test_the_estimate_overcounts_english():
    text = "The quick brown fox jumps over the lazy dog. " * 20
    assert counter.count_text(text) >= len(text) / 4


def next_turns(history: list[dict], count: int) -> list:
    """The budgets of the next `count` requests of a conversation that goes on."""
    budgets = []
    for index in range(count):
        question = {"role": "user", "content": f"follow-up {index} " + "f" * 60}
        budgets.append(fit_to_budget(SYSTEM, history, question, context_window=1024, reply_tokens=256, counter=counter))
        history = [*history, question, {"role": "assistant", "content": f"reply {index} " + "r" * 60}]
    return budgets


def test_a_trim_drops_down_to_part_of_the_room_so_the_next_turns_send_the_same_beginning():
    budgets = next_turns(turns(20), 12)
    cuts = [len(budget.dropped) for budget in budgets]
    assert cuts == sorted(cuts) and cuts[0] > 0
    assert len(set(cuts)) < len(cuts) / 2, f"the cut moved on most turns: {cuts}"
    moved = [now for before, now in zip(budgets, budgets[1:], strict=False) if now.dropped != before.dropped]
    assert moved, f"the conversation never needed a second trim: {cuts}"
    assert all(budget.prompt_tokens <= int(budget.limit * REFILL) for budget in moved)
    assert all(budget.prompt_tokens <= budget.limit for budget in budgets)


def test_the_same_history_always_gives_the_same_request():
    history = turns(30)
    one = fit_to_budget(SYSTEM, history, QUESTION, context_window=1024, reply_tokens=256, counter=counter)
    two = fit_to_budget(SYSTEM, list(history), dict(QUESTION), context_window=1024, reply_tokens=256, counter=counter)
    assert one == two


def test_a_history_that_starts_with_a_reply_drops_that_reply_alone():
    history = [{"role": "assistant", "content": "Welcome! " + "w" * 300}, *turns(2)]
    question = {"role": "user", "content": "next"}
    need = counter.count_messages([*SYSTEM, *history[1:], question])
    budget = fit_to_budget(SYSTEM, history, question, context_window=need + 256, reply_tokens=256, counter=counter)
    assert budget.dropped == [0]


def test_a_question_with_its_answer_is_dropped_together_even_when_the_answer_is_the_last_turn():
    history = [{"role": "user", "content": "q" * 600}, {"role": "assistant", "content": "a" * 600}]
    question = {"role": "user", "content": "next"}
    budget = fit_to_budget(SYSTEM, history, question, context_window=512, reply_tokens=256, counter=counter)
    assert budget.dropped == [0, 1]


def test_each_message_costs_its_text_and_the_same_overhead():
    assert (
        counter.count_message({"role": "user", "content": "abcdef"}) == counter.count_text("abcdef") + MESSAGE_OVERHEAD
    )
    assert counter.count_text("abcdef") == 2 and counter.count_text("abcdefg") == 3


def test_a_reply_at_the_start_of_the_cut_goes_alone_and_the_kept_history_starts_with_a_question():
    history = [{"role": "assistant", "content": "Hi."}, *turns(6)]
    question = {"role": "user", "content": "next"}
    budget = fit_to_budget(SYSTEM, history, question, context_window=600, reply_tokens=256, counter=counter)
    assert budget.dropped and budget.dropped[0] == 0
    kept = budget.messages[len(SYSTEM) : -1]
    assert kept[0]["role"] == "user" and len(budget.dropped) % 2 == 1


def test_a_question_that_got_no_reply_is_dropped_alone():
    history = [{"role": "user", "content": "lost " + "x" * 900}, {"role": "user", "content": "Q"},
               {"role": "assistant", "content": "A"}]  # fmt: skip
    question = {"role": "user", "content": "next"}
    budget = fit_to_budget(SYSTEM, history, question, context_window=512, reply_tokens=256, counter=counter)
    assert budget.dropped == [0]


def test_a_big_question_with_a_short_answer_is_dropped_with_its_answer():
    history = [{"role": "user", "content": "q" * 900}, {"role": "assistant", "content": "ok"}]
    question = {"role": "user", "content": "next"}
    budget = fit_to_budget(SYSTEM, history, question, context_window=512, reply_tokens=256, counter=counter)
    assert budget.dropped == [0, 1]
