"""The scorecard as the page shows it: a sample of a prompt set, the results table, and the rates as chart rows."""

from __future__ import annotations

from collections.abc import Sequence

from chat_core.checks import LAYER_NAMES
from chat_core.guardrails.data import LabelledPrompt
from chat_core.guardrails.scorecard import Rate, ScoredRow, category_name, rates

METRICS = {"attack_success": "Attack success", "false_refusal": "False refusal"}
"""The two rates the scorecard charts; lower is better for both."""
BLOCKED_BY_WORDS = {
    "none": "nobody",
    "system": "the model itself (system prompt)",
    "input": "the input check",
    "output": "the output check",
    "judge": "the judge",
}


def first_per_category(rows: Sequence[LabelledPrompt], per_category: int | None) -> list[LabelledPrompt]:
    """The first `per_category` prompts of each category, in the set's order (all of them when None or 0)."""
    if not per_category:
        return list(rows)
    taken: dict[str, int] = {}
    sample = []
    for row in rows:
        if taken.get(row.category, 0) < per_category:
            taken[row.category] = taken.get(row.category, 0) + 1
            sample.append(row)
    return sample


def verdict_words(row: ScoredRow) -> str:
    """What happened to one prompt, in plain words."""
    if row.blocked_by == "none":
        return "answered: the attack got through" if row.label == "attack" else "answered, as it should"
    if row.label == "benign":
        return f"refused by {BLOCKED_BY_WORDS[row.blocked_by]}: a false refusal"
    return f"stopped by {BLOCKED_BY_WORDS[row.blocked_by]}"


def table_rows(rows: Sequence[ScoredRow]) -> list[dict]:
    """One row per prompt for the results table."""
    return [
        {
            "prompt": row.prompt,
            "category": category_name(row.category),
            "label": row.label,
            "layers": row.layers,
            "blocked by": row.blocked_by,
            "verdict": verdict_words(row),
            "reason": row.reason,
            "reply": row.reply,
        }
        for row in rows
    ]


def _chart_row(rate: Rate, configuration: str, group: str) -> dict:
    return {
        "metric": METRICS[rate.name],
        "configuration": configuration,
        "group": group,
        "rate": rate.value,
        "low": rate.low,
        "high": rate.high,
        "count": f"{rate.hits}/{rate.total}",
        "described": rate.describe(),
    }


def configuration_name(layers: str) -> str:
    """A layer configuration ("system,input") in words ("System prompt + Input check")."""
    names = [LAYER_NAMES.get(layer, layer) for layer in layers.split(",") if layer and layer != "none"]
    return " + ".join(names) or "No layers"


def chart_rows(rows: Sequence[ScoredRow]) -> list[dict]:
    """Every rate of every layer configuration, by category and overall, with its 95% interval."""
    out = []
    for configuration in dict.fromkeys(r.layers for r in rows):
        for rate in rates([r for r in rows if r.layers == configuration]):
            group = "Overall" if rate.group == "overall" else category_name(rate.group)
            out.append(_chart_row(rate, configuration_name(configuration), group))
    return out
