import pytest

from chat_core.budget import fit_to_budget
from chat_core.errors import ChatError
from chat_core.tokens import EstimateCounter

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
