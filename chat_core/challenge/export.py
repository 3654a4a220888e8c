"""Leaked attempts as red-team cases: JSONL in the scorecard's format, and added to a scorecard set."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from chat_core.challenge.card import SCORECARD_CATEGORY, attack_kind
from chat_core.challenge.play import Attempt
from chat_core.guardrails.normalise import normalise


def scorecard_rows(attempts: Sequence[Attempt]) -> list[dict]:
    """The leaked attempts as scorecard rows (`prompt`, `label: attack`, `category`), each prompt once."""
    rows, seen = [], set()
    for attempt in attempts:
        key = normalise(attempt.prompt).text.lower()
        if attempt.leaked and key not in seen:
            seen.add(key)
            category = attempt.category or SCORECARD_CATEGORY[attack_kind(attempt.prompt)]
            rows.append({"prompt": attempt.prompt, "label": "attack", "category": category})
    return rows


def to_jsonl(rows: Sequence[dict]) -> str:
    """Rows as JSONL text, one object a line."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def leaked_jsonl(attempts: Sequence[Attempt]) -> str:
    """The leaked attempts as a JSONL file the scorecard reads."""
    return to_jsonl(scorecard_rows(attempts))


def add_to_scorecard_set(path: Path | str, attempts: Sequence[Attempt]) -> int:
    """Add the leaked attempts to a scorecard set (JSONL, created if missing), skipping prompts it already holds;
    returns how many were added."""
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    held = {normalise(json.loads(line)["prompt"]).text.lower() for line in existing.splitlines() if line.strip()}
    new = [row for row in scorecard_rows(attempts) if normalise(row["prompt"]).text.lower() not in held]
    if new:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(existing + separator + to_jsonl(new), encoding="utf-8")
    return len(new)


def winning_prompt(attempts: Sequence[Attempt]) -> Attempt | None:
    """The attempt that most likely won a level: the latest that leaked, else the latest nobody stopped."""
    for wanted in (lambda a: a.leaked, lambda a: a.blocked_by == "none"):
        found = [a for a in attempts if wanted(a)]
        if found:
            return max(found, key=lambda a: a.created_at)
    return None
