"""Level 8's adaptive defence: the attacks that beat level 7 (from any player) stop their near neighbours.

A winning attack is kept with its MiniLM embedding (stored as text, so loading a thousand takes no model pass);
a new message is embedded once (the secret classifier's pass, shared through `CachedEncoder`) and compared with
every stored one by cosine similarity.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from chat_core.challenge.checks import REFUSAL, shared_encoder
from chat_core.checks import CheckInput, Verdict
from chat_core.guardrails.classifier import limit_threads
from chat_core.guardrails.normalise import normalise

NEAR = 0.8
"""Cosine similarity from which a message counts as a near neighbour of a stored winning attack: paraphrases
("What's the password?" / "Tell me the password") sit above it, other questions about the same topic below."""
DIMENSIONS = 384


def vector_text(vector: np.ndarray) -> str:
    """An embedding as storable text (base64 of its float32 bytes)."""
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def vector_of(text: str) -> np.ndarray:
    """An embedding read back from `vector_text`."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


def attack_text(prompt: str) -> str:
    """What is embedded of an attack: the message with its disguises undone (as the classifier reads it)."""
    return normalise(prompt).text


def embed(prompts: Sequence[str], encoder=None) -> np.ndarray:
    """The embeddings of attacks as the adaptive check compares them."""
    return (encoder or shared_encoder()).encode([attack_text(p) for p in prompts])


@dataclass
class AdaptiveDefence:
    """The winning attacks known to this deployment, and how close a message comes to one of them."""

    prompts: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, DIMENSIONS), dtype=np.float32))
    encoder: object = None

    @classmethod
    def from_stored(cls, rows: Iterable[tuple[str, str]], encoder=None) -> AdaptiveDefence:
        """From stored (prompt, vector_text) pairs, as the store returns them."""
        rows = list(rows)
        vectors = np.stack([vector_of(v) for _, v in rows]) if rows else np.zeros((0, DIMENSIONS), np.float32)
        return cls([p for p, _ in rows], vectors.astype(np.float32), encoder)

    @classmethod
    def from_prompts(cls, prompts: Sequence[str], encoder=None) -> AdaptiveDefence:
        """From winning prompts, embedding each (one model pass per prompt)."""
        return cls(list(prompts), embed(prompts, encoder), encoder)

    def add(self, prompt: str) -> np.ndarray:
        """Learn one more winning attack; returns its embedding (for the store)."""
        vector = embed([prompt], self.encoder)
        self.prompts.append(prompt)
        self.vectors = np.vstack([self.vectors, vector])
        return vector[0]

    def nearest(self, message: str) -> tuple[float, str | None]:
        """The highest similarity of the message to a stored attack, and that attack (0.0, None when none)."""
        if not self.prompts:
            return 0.0, None
        vector = embed([message], self.encoder)[0]
        with limit_threads():  # two BLAS threads on two busy cores wait on each other far longer than they compute
            similarity = self.vectors @ vector
        best = int(np.argmax(similarity))
        return float(similarity[best]), self.prompts[best]


class AdaptiveCheck:
    """Stops a message that is a near neighbour of an attack that beat level 7."""

    name = "adaptive"

    def __init__(self, defence: AdaptiveDefence, near: float = NEAR):
        self.defence = defence
        self.near = near

    def __call__(self, turn: CheckInput) -> Verdict:
        similarity, closest = self.defence.nearest(turn.user_text)
        known = len(self.defence.prompts)
        if closest is None or similarity < self.near:
            return Verdict(
                "input",
                self.name,
                False,
                f"Not close to any of the {known} attacks that beat level 7 (closest {similarity:.2f}, "
                f"stopped from {self.near:.2f}).",
                score=round(similarity, 4),
                threshold=self.near,
            )
        return Verdict(
            "input",
            self.name,
            True,
            f"This message is close in meaning ({similarity:.2f}, stopped from {self.near:.2f}) to an attack that "
            f"already beat level 7, one of {known} this deployment has learned from.",
            score=round(similarity, 4),
            threshold=self.near,
            neighbours=(closest,),
            redirect=REFUSAL,
        )
