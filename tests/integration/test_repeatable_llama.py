"""The embedded model's repeatable prompt evaluation, in-process on the real model: chunks and numbers."""

import llama_cpp
import numpy as np
import pytest

from chat_core.providers.local_server import DEFAULT_CHUNK
from chat_core.providers.repeatable_llama import (
    FIRST_CHUNK_MOST,
    RepeatableLlama,
    chunk_end,
    chunk_start,
    plain_weight_buffers,
)

CHAT = "".join(
    f"<|im_start|>user\nTell me about {topic}, please.<|im_end|>\n"
    f"<|im_start|>assistant\n{topic.capitalize()} have a long and curious history.<|im_end|>\n"
    for topic in ("rivers", "birds", "bridges", "clocks", "maps", "bread", "glass")
)
SYSTEM = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"


def load(model_path, model_class, batch=FIRST_CHUNK_MOST):
    with plain_weight_buffers():
        return model_class(
            str(model_path), n_ctx=1024, n_batch=batch, n_ubatch=batch, n_threads=1, n_threads_batch=1, verbose=False
        )


@pytest.fixture(scope="module")
def model(model_path):
    return load(model_path, RepeatableLlama)


def tokens(model, text: str) -> list[int]:
    return model.tokenize(text.encode(), special=True)


def prompt(model, question: str, history: str = CHAT) -> list[int]:
    return tokens(model, f"{SYSTEM}{history}<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n")


def first_logits(model, prompt_tokens: list[int], reply_tokens: int = 1) -> np.ndarray:
    """The logits the first reply token is chosen from (after generating `reply_tokens`, the last ones')."""
    tokens_out = model.generate(prompt_tokens, temp=0.0)
    for _ in range(reply_tokens):
        next(tokens_out)
    logits = np.ctypeslib.as_array(model._ctx.get_logits(), shape=(model.n_vocab(),)).copy()
    tokens_out.close()
    return logits


def cold(model, prompt_tokens: list[int]) -> np.ndarray:
    model.reset()
    return first_logits(model, prompt_tokens)


QUESTION = "Which of these did we talk about first?"
EARLIER = CHAT[: CHAT.rindex("<|im_start|>user")]


def the_turn_before_with_its_reply(model):
    first_logits(model, prompt(model, "Tell me about glass, please.", EARLIER), reply_tokens=12)


def the_turn_before_answered(model, tidied: bool) -> list[int]:
    """The turn before, answered as the server answers; returns the next turn's prompt, which resends the reply."""
    before = prompt(model, "Tell me about glass, please.", EARLIER)
    reply = model.create_completion(before, max_tokens=32, temperature=0.0)["choices"][0]["text"]
    if tidied:
        model.finish_tidying()
    return before + tokens(model, f"{reply}<|im_end|>\n<|im_start|>user\n{QUESTION}<|im_end|>\n<|im_start|>assistant\n")


def a_longer_conversation_holding_it(model):
    first_logits(model, prompt(model, QUESTION) + tokens(model, "Rivers.<|im_end|>\n"), reply_tokens=3)


BEFORE = {
    "the turn before, with its reply": the_turn_before_with_its_reply,
    "the same question, answered": lambda model: first_logits(model, prompt(model, QUESTION), reply_tokens=6),
    "the same question, just read": lambda model: first_logits(model, prompt(model, QUESTION)),
    "the turn before, answered, its reply read again while idle": lambda model: the_turn_before_answered(model, True),
    "the turn before, answered, the reading again cut short": lambda model: the_turn_before_answered(model, False),
    "a longer conversation holding it": a_longer_conversation_holding_it,
    "another conversation": lambda model: first_logits(model, prompt(model, "Hello!", history="")),
}


@pytest.mark.parametrize("before", BEFORE.values(), ids=BEFORE.keys())
def test_a_prompt_gives_bit_identical_logits_whatever_the_cache_held(model, before):
    expected = cold(model, prompt(model, QUESTION))
    before(model)
    assert np.array_equal(first_logits(model, prompt(model, QUESTION)), expected)


def test_llama_cpp_pythons_own_batches_do_not_so_this_test_can_tell(model_path):
    stock = load(model_path, llama_cpp.Llama, batch=512)
    expected = cold(stock, prompt(stock, QUESTION))
    the_turn_before_with_its_reply(stock)
    assert not np.array_equal(first_logits(stock, prompt(stock, QUESTION)), expected)


def decodes(model, monkeypatch) -> list[tuple[int, int]]:
    """Every decode from now on, as (first position, tokens)."""
    seen = []
    decode = RepeatableLlama._decode

    def spy(self, piece, logits):
        seen.append((self.n_tokens, len(piece)))
        return decode(self, piece, logits)

    monkeypatch.setattr(RepeatableLlama, "_decode", spy)
    return seen


def grid(start: int, end: int, head: int) -> list[tuple[int, int]]:
    """The decodes that read positions [start, end) on the grid of a prompt whose first message ends at `head`."""
    pieces = []
    while start < end:
        following = min(chunk_end(start, head, DEFAULT_CHUNK), end)
        pieces.append((start, following - start))
        start = following
    return pieces


def test_a_prompt_is_evaluated_as_its_first_message_in_one_decode_then_chunks_fixed_by_position(model, monkeypatch):
    question = prompt(model, QUESTION)
    seen = decodes(model, monkeypatch)
    cold(model, question)
    head = len(tokens(model, SYSTEM.removesuffix("\n")))
    assert model.head_of(question) == head
    assert seen[0] == (0, head), "the system message in one decode"
    assert seen == grid(0, len(question), head)
    assert {size for _, size in seen[1:-1]} == {DEFAULT_CHUNK}


def test_a_warm_prompt_reuses_the_cache_back_to_a_chunk_boundary_and_reads_the_rest_in_the_same_chunks(
    model, monkeypatch
):
    question = prompt(model, QUESTION)
    model.reset()
    the_turn_before_with_its_reply(model)
    seen = decodes(model, monkeypatch)
    first_logits(model, question)
    head = model.head_of(question)
    read_before = len(prompt(model, "Tell me about glass, please.", EARLIER))
    kept = seen[0][0]
    assert kept == chunk_start(read_before, head, DEFAULT_CHUNK), "kept up to the last whole chunk read the turn before"
    assert kept > head
    assert seen == grid(kept, len(question), head)


def test_a_prompt_with_another_first_message_reuses_nothing_of_the_cache(model, monkeypatch):
    model.reset()
    first_logits(model, prompt(model, QUESTION))
    other = (
        tokens(model, "<|im_start|>system\nYou are a helpful assistant, always.<|im_end|>\n")
        + prompt(model, QUESTION)[len(tokens(model, SYSTEM)) :]
    )
    seen = decodes(model, monkeypatch)
    expected = first_logits(model, other)
    assert seen[0] == (0, model.head_of(other)), "read from the start, on its own grid"
    assert np.array_equal(expected, cold(model, other))


def test_a_reply_read_again_while_idle_is_reused_by_the_next_turn_with_the_same_numbers(model, monkeypatch):
    model.reset()
    following = the_turn_before_answered(model, tidied=True)
    seen = decodes(model, monkeypatch)
    warm = first_logits(model, following)
    earlier = len(prompt(model, "Tell me about glass, please.", EARLIER))
    assert seen[0][0] > earlier, "the next turn started inside the reply, not before it"
    assert np.array_equal(warm, cold(model, following))


def test_a_state_kept_in_llama_cpp_pythons_cache_and_restored_later_gives_the_same_numbers(model, monkeypatch):
    model.reset()
    following = the_turn_before_answered(model, tidied=False)
    state = model.save_state()
    assert state.scores.size == 0, "no copy of the last batch's logits in a kept state"
    first_logits(model, prompt(model, "Hello!", history=""))  # another conversation in between
    model.load_state(state)
    seen = decodes(model, monkeypatch)
    restored = first_logits(model, following)
    assert seen[0][0] > model.head_of(following), "the restored conversation was reused, not read again"
    assert np.array_equal(restored, cold(model, following))


def test_the_server_keeps_each_conversations_state_and_a_turn_after_another_conversation_reuses_it(model, monkeypatch):
    model.set_cache(llama_cpp.LlamaRAMCache(capacity_bytes=1 << 28))
    try:
        model.reset()
        following = the_turn_before_answered(model, tidied=True)
        model.create_completion(prompt(model, "Hello!", history=""), max_tokens=4, temperature=0.0)
        seen = decodes(model, monkeypatch)
        reply = model.create_completion(following, max_tokens=8, temperature=0.0)["choices"][0]["text"]
        assert seen[0][0] > model.head_of(following), "read from the kept state, not from the start"
        model.set_cache(None)
        model.reset()
        assert model.create_completion(following, max_tokens=8, temperature=0.0)["choices"][0]["text"] == reply
    finally:
        model.set_cache(None)
