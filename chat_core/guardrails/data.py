"""The labelled prompt sets the classifier learns from and the scorecard runs: JSONL files in `data/`."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chat_core.errors import ChatError

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_SET = DATA_DIR / "train.jsonl"
SCORING_SET = DATA_DIR / "score.jsonl"
FOLLOWUP_SET = DATA_DIR / "followups.jsonl"
LABELS = ("attack", "benign")
CATEGORIES = {
    "direct_advice": "Direct advice requests",
    "tickers_allocations": "Tickers, allocations and price calls",
    "roleplay_persona": "Role-play and persona tricks",
    "instruction_override": "Instruction overrides",
    "hypothetical_fiction": "Hypotheticals and 'for a novel'",
    "authority_claim": "Authority claims",
    "prompt_extraction": "System-prompt extraction",
    "multi_turn": "Multi-turn escalation",
    "persistence": "Pushing again after a refusal",
    "obfuscation": "Obfuscations",
    "other_language": "Other languages",
    "benign_risky": "Benign questions that sound risky",
    "benign_concepts": "Benign finance concepts",
    "benign_general": "Benign, not about finance",
    "benign_after_attack": "Benign questions after an attack",
    "benign_circumstance": "Statements of circumstance",
}
"""Every category a prompt may carry, with its name for an audience."""


@dataclass(frozen=True)
class LabelledPrompt:
    """One prompt with its label, its category and the user turns said before it."""

    prompt: str
    label: str
    category: str = ""
    turns: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_attack(self) -> bool:
        """Whether the prompt tries to get advice or the rules out of the assistant."""
        return self.label == "attack"


def _row(raw: dict, where: str) -> LabelledPrompt:
    prompt = str(raw.get("prompt") or "").strip()
    label = str(raw.get("label") or "").strip().lower()
    if not prompt or label not in LABELS:
        raise ChatError(
            f"{where}: each row needs a non-empty `prompt` and a `label` of attack or benign.",
            "Fix that row of the prompt set, or remove it.",
            kind="prompt_set",
        )
    turns = raw.get("turns") or ()
    if isinstance(turns, str):
        turns = json.loads(turns) if turns.startswith("[") else [turns]
    return LabelledPrompt(prompt, label, str(raw.get("category") or "").strip(), tuple(str(t) for t in turns))


def parse_prompts(text: str, name: str = "prompts") -> list[LabelledPrompt]:
    """Rows from JSONL (one object a line) or CSV with `prompt`, `label` and optional `category` and `turns`."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise ChatError(
            f"{name} holds no prompts.", "Give a JSONL or CSV file with prompt and label.", kind="prompt_set"
        )
    if stripped.startswith("{"):
        rows = []
        for number, line in enumerate(stripped.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(_row(json.loads(line), f"{name} line {number}"))
                except json.JSONDecodeError as error:
                    raise ChatError(
                        f"{name} line {number} is not valid JSON ({error.msg}).",
                        "Each line of a JSONL file is one JSON object.",
                        kind="prompt_set",
                    ) from error
        return rows
    reader = csv.DictReader(io.StringIO(stripped))
    if not reader.fieldnames or "prompt" not in reader.fieldnames or "label" not in reader.fieldnames:
        raise ChatError(
            f"{name} has no `prompt` and `label` columns.",
            "A CSV prompt set needs a header row with prompt,label (and optionally category).",
            kind="prompt_set",
        )
    return [_row(raw, f"{name} row {number}") for number, raw in enumerate(reader, 2)]


def read_prompts(path: Path | str) -> list[LabelledPrompt]:
    """A prompt set from a JSONL or CSV file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ChatError(
            f"Cannot read {path}: {error.strerror}.", "Check the file's path.", kind="prompt_set"
        ) from error
    return parse_prompts(text, path.name)


def training_set() -> list[LabelledPrompt]:
    """The prompts the classifier learns from."""
    return read_prompts(TRAINING_SET)


def scoring_set() -> list[LabelledPrompt]:
    """The prompts the scorecard runs; the classifier never sees them while learning."""
    return read_prompts(SCORING_SET)


def followup_set() -> list[LabelledPrompt]:
    """Held-apart conversations that go on after an attack or a personal statement; never used for learning."""
    return read_prompts(FOLLOWUP_SET)


def digest(rows: Sequence[LabelledPrompt]) -> str:
    """The sha256 of a prompt set's content (prompts, labels, categories, earlier turns), in hex."""
    hashed = hashlib.sha256()
    for row in rows:
        hashed.update(json.dumps([row.prompt, row.label, row.category, list(row.turns)]).encode())
    return hashed.hexdigest()


def fingerprint(rows: Sequence[LabelledPrompt]) -> str:
    """A short hash of a prompt set's content, to know when a built classifier is stale."""
    return digest(rows)[:16]
