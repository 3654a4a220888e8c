"""Counting tokens: exactly with the local model's own vocabulary, otherwise a documented estimate."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

MESSAGE_OVERHEAD = 5
"""Tokens a chat template adds around each message (ChatML: `<|im_start|>role\\n ... <|im_end|>\\n`)."""
REPLY_PRIMER = 4
"""Tokens the template adds to open the assistant's reply, with a start-of-text token."""


class EstimateCounter:
    """A cautious estimate for models whose tokenizer is not at hand: one token per 3 bytes of UTF-8.

    English averages about 4 characters per token, so this overcounts on purpose: a request
    trimmed with it fits the real window.
    """

    exact = False

    def count_text(self, text: str) -> int:
        """Tokens in a piece of text."""
        return math.ceil(len(text.encode("utf-8")) / 3)

    def count_message(self, message: Mapping[str, str]) -> int:
        """Tokens one message costs in a request, template included."""
        return self.count_text(message["content"]) + MESSAGE_OVERHEAD

    def count_messages(self, messages: Iterable[Mapping[str, str]]) -> int:
        """Tokens a whole request's messages cost, with the reply primer."""
        return sum(self.count_message(m) for m in messages) + REPLY_PRIMER


class VocabularyCounter(EstimateCounter):
    """Exact counts with a GGUF model's vocabulary, loaded without its weights."""

    exact = True

    def __init__(self, model_path: str):
        from llama_cpp import Llama

        self._vocab = Llama(model_path=model_path, vocab_only=True, verbose=False)

    def count_text(self, text: str) -> int:
        """Tokens in a piece of text, as the model itself splits it."""
        return len(self._vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True))
