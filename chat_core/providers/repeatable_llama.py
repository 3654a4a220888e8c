"""Repeatable replies at batched speed: prompts evaluated in chunks whose boundaries are fixed by the prompt itself.

Run as the embedded model's server: `python -m chat_core.providers.repeatable_llama --chunk 8 <llama-cpp-python
server flags>` starts llama-cpp-python's own OpenAI-compatible server with `RepeatableLlama` as its model class.

Why: the KV-cache entries and logits of a token depend, in their last bits, on the shape of the batch it was
computed in (llama.cpp picks other kernels, and other accumulation orders, for one token, a few, or many), and at
temperature 0 a last bit can flip a reply. A cached prompt prefix was computed in the batches of an earlier request
(or one token at a time, for the reply's own tokens), so a stock server's reply depends on what it served before.
Here every prompt token is computed in the same chunk whether the prompt is evaluated cold or after a cached prefix.
The chunks: the prompt's first message (the system message, up to its `<|im_end|>`, at most `n_batch` tokens) in
one, then chunks of `chunk` tokens from there to the prompt's end. Where the first message ends depends on the first
message alone, so every prompt that starts with the same first message has the same chunks. A cached prefix is reused
only as far as the last chunk boundary below which every chunk was evaluated whole, on this grid, and the rest of the
prompt is evaluated chunk by chunk from there. Cold, warm and after a restart, the same request computes the same
numbers, so it gets the same reply.

The first message in one decode: a short prompt (a tutor's first turn, a system message and its worked examples)
costs a few decodes cold, not one per 8 tokens; it is nearly always cached, so a warm turn still re-reads fewer
than `chunk` tokens.

A reply is decoded one token at a time, so its tokens are not in whole chunks; the next turn of the conversation
resends it. Once a completion has ended, a background thread reads the reply (and the prompt's last chunk) again in
whole chunks while the server waits for the next request, which stops it at the end of the chunk it is reading.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import llama_cpp
import llama_cpp.llama_cpp as llama_cpp_api
import numpy as np

FIRST_CHUNK_MOST = 256
"""The most tokens of a first message read in one decode (the server's `n_batch`); a longer one's rest goes in
chunks. System messages and personas are shorter."""


class RepeatableLlama(llama_cpp.Llama):
    """A llama-cpp-python model whose prompt chunks are fixed by the prompt, so cached prefixes change nothing.

    A decode never holds more than `n_batch` (and `n_ubatch`) tokens: the longest first message read in one.
    """

    chunk = 8
    """Tokens per chunk after the first message (the server sets it from `--chunk`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Positions below this were all computed in whole chunks on the grid of `_head`: the only cache to reuse.
        self._whole_chunks_until = 0
        self._head = 0
        end_token = self.tokenize(b"<|im_end|>", add_bos=False, special=True)
        self._message_end = end_token[0] if len(end_token) == 1 else None
        self._tidying: threading.Thread | None = None
        self._stop_tidying = threading.Event()

    def head_of(self, tokens: Sequence[int]) -> int:
        """Where a prompt's first chunk ends: after its first message's end token, at most `n_batch` tokens in; 0
        (chunks of `chunk` from the start) when the model marks no message ends or the prompt has none."""
        if self._message_end is None:
            return 0
        for position, token in enumerate(tokens[: self.n_batch]):
            if token == self._message_end:
                return position + 1
        return self.n_batch if len(tokens) > self.n_batch else 0

    def reusable_prefix(self, tokens: Sequence[int], head: int) -> int:
        """How many leading tokens of this prompt (whose first chunk ends at `head`) the context may keep: a chunk
        boundary, short of the prompt's end."""
        if head != self._head:
            return 0  # the cache was read on another grid
        shared = min(common_prefix_length(self._input_ids, tokens), self._whole_chunks_until)
        # The prompt's last chunk is always evaluated again: its logits choose the reply's first token.
        return chunk_start(min(shared, len(tokens) - 1), self._head, self.chunk) if tokens else 0

    def _create_completion(self, *args, **kwargs):
        # Tidying waits for the whole completion to end (its last chunk sent, its timings printed), and a new one
        # stops it before llama-cpp-python's prompt cache (if any) reads the context.
        self.finish_tidying(interrupt=True)
        try:
            return (yield from super()._create_completion(*args, **kwargs))
        finally:
            self._start_tidying()

    def generate(self, tokens: Sequence[int], *args, reset: bool = True, **kwargs):
        """llama-cpp-python's generate, after cutting the context back to the prefix this prompt may reuse."""
        self.finish_tidying(interrupt=True)
        tokens = list(tokens)
        if reset:
            head = self.head_of(tokens)
            keep = self.reusable_prefix(tokens, head) if self.n_tokens > 0 else 0
            if keep < self.n_tokens:
                # llama-cpp-python then matches exactly `keep` tokens and evaluates the rest through `eval`.
                self.n_tokens = keep
                self._ctx.kv_cache_seq_rm(-1, keep, -1)
            self._head = head
        return (yield from super().generate(tokens, *args, reset=reset, **kwargs))

    def _start_tidying(self) -> None:
        self._stop_tidying.clear()
        self._tidying = threading.Thread(target=self._tidy, name="repeatable-llama-tidy", daemon=True)
        self._tidying.start()

    def finish_tidying(self, interrupt: bool = False) -> None:
        """Wait for the tidying after the last reply to end (`interrupt`: at the end of the chunk it is reading)."""
        if self._tidying is not None:
            if interrupt:
                self._stop_tidying.set()
            self._tidying.join()
            self._tidying = None

    def _tidy(self) -> None:
        # While the server waits for the next request: read the last request's tail again in whole chunks (its
        # prompt's last chunk, and the reply, decoded one token at a time), so the next turn of the conversation,
        # which resends the reply, reuses it. A request arriving meanwhile stops this after the chunk being read.
        start, end = self._whole_chunks_until, chunk_start(self.n_tokens, self._head, self.chunk)
        if end <= start:
            return
        self.n_tokens = position = start
        while position < end:
            if self._stop_tidying.is_set():
                return
            following = chunk_end(position, self._head, self.chunk)
            self.eval(self.input_ids[position:following].tolist(), logits=False)
            position = following

    def eval(self, tokens: Sequence[int], logits: bool = True) -> None:
        """Evaluate tokens one decode per chunk of the prompt's grid (a reply's tokens come one at a time).

        Only the last decode computes logits (with `logits`): the others' would never be read.
        """
        self._whole_chunks_until = min(self._whole_chunks_until, self.n_tokens)
        tokens = list(tokens)
        start = 0
        while start < len(tokens):
            position = self.n_tokens
            following = chunk_end(position, self._head, self.chunk)
            end = start + following - position
            piece = tokens[start:end]
            self._decode(piece, logits=logits and end >= len(tokens))
            if position == self._whole_chunks_until and position + len(piece) == following:
                self._whole_chunks_until = following
            start = end

    def _decode(self, piece: list[int], logits: bool) -> None:
        if self._logits_all:
            super().eval(piece)
            return
        # llama-cpp-python's eval for one batch, with the last token's logits only when asked for.
        n_past = self.n_tokens
        self._ctx.kv_cache_seq_rm(-1, n_past, -1)
        self._batch.set_batch(batch=piece, n_past=n_past, logits_all=False)
        self._batch.batch.logits[len(piece) - 1] = logits
        self._ctx.decode(self._batch)
        self.input_ids[n_past : n_past + len(piece)] = piece
        self.n_tokens += len(piece)
        self._requires_eval = not logits

    def save_state(self) -> llama_cpp.LlamaState:
        """The state, with how far it holds whole chunks and on which grid (for llama-cpp-python's cache of states).

        Without the logits of the last batch: llama-cpp-python copies them (up to `n_batch` rows of the vocabulary,
        50 MB here) into every state, and nothing here reads them: a restored prompt's last chunk is read again.
        """
        self.finish_tidying(interrupt=True)
        size = llama_cpp_api.llama_state_get_size(self._ctx.ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        written = int(llama_cpp_api.llama_state_get_data(self._ctx.ctx, buffer, size))
        state = llama_cpp.LlamaState(
            input_ids=self.input_ids.copy(), scores=np.empty((0, self._n_vocab), dtype=np.single),
            n_tokens=self.n_tokens, llama_state=ctypes.string_at(buffer, written), llama_state_size=written,
            seed=self._seed,
        )  # fmt: skip
        state.whole_chunks_until, state.head = self._whole_chunks_until, self._head
        return state

    def load_state(self, state: llama_cpp.LlamaState) -> None:
        """Restore a saved state; a state saved by another class is trusted for nothing."""
        self.finish_tidying(interrupt=True)
        if not hasattr(state, "head"):
            super().load_state(state)
            self._whole_chunks_until = self._head = 0
            return
        self.input_ids = state.input_ids.copy()
        self.n_tokens = state.n_tokens
        self._requires_eval = True
        self._seed = state.seed
        data = (ctypes.c_uint8 * state.llama_state_size).from_buffer_copy(state.llama_state)
        if llama_cpp_api.llama_state_set_data(self._ctx.ctx, data, state.llama_state_size) != state.llama_state_size:
            raise RuntimeError("Failed to set llama state data")
        self._whole_chunks_until = min(state.whole_chunks_until, self.n_tokens)
        self._head = state.head


def chunk_start(position: int, head: int, chunk: int) -> int:
    """The first position of the chunk holding `position`: 0 inside the first chunk [0, head), else on the grid of
    `chunk` tokens from `head`."""
    return 0 if position < head else head + (position - head) // chunk * chunk


def chunk_end(position: int, head: int, chunk: int) -> int:
    """The position after the chunk holding `position`."""
    return head if position < head else chunk_start(position, head, chunk) + chunk


def common_prefix_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


@contextmanager
def plain_weight_buffers() -> Iterator[None]:
    """While inside, models load their weights into plain CPU buffers: no AMX tiles, no repacked weights.

    llama.cpp built on a CPU with AMX puts quantized weights in AMX buffers, and its AMX matrix product crashed
    (SIGSEGV in ggml_backend_amx_mul_mat) on every decode of two tokens or more on the Xeon this was measured on;
    repacked weights switch kernels with the batch's size. Plain buffers keep one kernel per shape.
    """
    default_params = llama_cpp_api.llama_model_default_params

    def plain_params():
        params = default_params()
        params.use_extra_bufts = False
        return params

    llama_cpp_api.llama_model_default_params = plain_params
    try:
        yield
    finally:
        llama_cpp_api.llama_model_default_params = default_params


def main(argv: Sequence[str] | None = None) -> None:
    """Start llama-cpp-python's server with the repeatable model class (or, with `--chunk 0`, its stock one)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], add_help=False)
    parser.add_argument("--chunk", type=int, required=True, help="tokens per prompt chunk; 0: llama-cpp-python's Llama")
    ours, theirs = parser.parse_known_args(argv)
    if ours.chunk > 0:
        # llama-cpp-python's server builds its model as `llama_cpp.Llama(...)`: this process's Llama is ours.
        llama_cpp.Llama = RepeatableLlama
        RepeatableLlama.chunk = ours.chunk
        theirs = [*theirs, "--n_batch", str(FIRST_CHUNK_MOST), "--n_ubatch", str(FIRST_CHUNK_MOST)]
    from llama_cpp.server.__main__ import main as serve

    sys.argv = [sys.argv[0], *theirs]
    with plain_weight_buffers():
        serve()


if __name__ == "__main__":
    main()
