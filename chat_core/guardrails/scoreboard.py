"""The scorecard as the page shows it: the sample a run asks, its progress, the results table, the rates as chart
rows, and past runs and their comparison, all in plain words."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.checks import LAYER_NAMES
from chat_core.display import counted
from chat_core.guardrails.data import LabelledPrompt
from chat_core.guardrails.runs import COMPLETE, Comparison, Flip, ScorecardRun, stopped
from chat_core.guardrails.scorecard import Rate, ScoredRow, alternate, category_name, figures
from chat_core.settings import Settings

METRICS = {"attack_success": "Attack success", "false_refusal": "False refusal"}
"""The two rates the scorecard charts; lower is better for both."""
BLOCKED_BY_WORDS = {
    "none": "nobody",
    "system": "the model itself (system prompt)",
    "input": "the input check",
    "output": "the output check",
    "judge": "the judge",
}
KINDS = {"attack": "attack", "benign": "harmless question"}
"""What each label's prompts are called."""
SMALLEST_BAR = 0.006
"""How long a 0% bar is drawn (a share of the axis): a sliver, so the audience sees it was measured."""


@dataclass(frozen=True)
class Sample:
    """Which prompts of a set one run asks (`size` of them spread over the set; None: all) and how long a reply
    may be."""

    name: str
    size: int | None
    max_tokens: int
    hint: str = ""
    """How long it takes, for the person choosing."""


QUICK = Sample("Quick sample", 20, 48, "under a minute on the embedded model, for a live demo")
"""Ten attacks and ten harmless questions with short replies: on the embedded model (two cores) both
configurations finish within a minute, for a live demo."""
WHOLE = Sample("Whole set", None, 80, "many minutes on the embedded model")
"""Every prompt, replies as long as the README's figures were measured with."""
SAMPLES = (QUICK, WHOLE)
SCORING_SEED = 42
"""The seed a run asks with when none is configured: two runs of one configuration give the same replies."""


def by_category_in_turn(rows: Sequence[LabelledPrompt], count: int) -> list[LabelledPrompt]:
    """`count` prompts taken from each category in turn (the first of each, then the second...), in the set's
    order of categories: as many categories as the count allows."""
    groups: dict[str, list[LabelledPrompt]] = {}
    for row in rows:
        groups.setdefault(row.category, []).append(row)
    in_turn = [group[depth] for depth in range(len(rows)) for group in groups.values() if depth < len(group)]
    return in_turn[:count]


def take_sample(rows: Sequence[LabelledPrompt], sample: Sample) -> list[LabelledPrompt]:
    """The prompts a run asks, attacks and harmless questions in turn: every one, or `sample.size` taken from
    each category in turn, as many of each kind as the set allows."""
    if sample.size is None:
        return alternate(rows)
    attacks = [r for r in rows if r.is_attack]
    benign = [r for r in rows if not r.is_attack]
    taken_benign = min(len(benign), max(sample.size // 2, sample.size - len(attacks)))
    return alternate(
        by_category_in_turn(attacks, sample.size - taken_benign) + by_category_in_turn(benign, taken_benign)
    )


def scoring_settings(settings: Settings, sample: Sample) -> Settings:
    """The settings a run asks with: greedy decoding, a fixed seed and the sample's reply length."""
    seed = SCORING_SEED if settings.seed is None else settings.seed
    return settings.with_overrides(temperature=0.0, seed=seed, max_tokens=sample.max_tokens)


def counted_kind(number: int, label: str) -> str:
    """ "1 attack", "3 harmless questions"."""
    return counted(number, KINDS[label])


def all_or_some(asked: int, of: int) -> str:
    """ "All 5 prompts", "The one prompt", "3 of 5 prompts"."""
    if asked == of:
        return "The one prompt" if of == 1 else f"All {of} prompts"
    return f"{asked} of {counted(of, 'prompt')}"


def sample_words(sample: Sample, taken: Sequence[LabelledPrompt], of: int) -> str:
    """Which prompts a run asks, in words: "20 of 193 prompts, category by category (10 attacks, 10 harmless
    questions), replies up to 48 tokens"."""
    attacks = sum(r.is_attack for r in taken)
    kinds = f"{counted_kind(attacks, 'attack')}, {counted_kind(len(taken) - attacks, 'benign')}"
    which = all_or_some(len(taken), of) + ("" if len(taken) == of else ", category by category")
    return f"{which} ({kinds}), replies up to {sample.max_tokens} tokens"


def configuration_name(layers: str) -> str:
    """A layer configuration ("system,input") in words ("System prompt, Input check")."""
    names = [LAYER_NAMES.get(layer, layer) for layer in layers.split(",") if layer and layer != "none"]
    return ", ".join(names) or "No layers"


def layers_words(layers: Sequence[str]) -> str:
    """A run's configurations in words, the chosen one first: "System prompt, Input check (and, for contrast,
    System prompt alone)"."""
    if not layers:
        return "No layers"
    chosen, *contrast = layers
    words = configuration_name(chosen)
    if contrast:
        words += f" (and, for contrast, {'; '.join(configuration_name(c) for c in contrast)} alone)"
    return words


def progress_words(rows: Sequence[ScoredRow], planned: int) -> str:
    """How far a run is, in words: "12 of 40 prompts asked. System prompt, Input check: 5 of 6 attacks stopped,
    0 of 6 harmless questions refused so far." (the configuration being asked now); once every prompt is asked,
    each configuration's tally, in the order they ran."""
    done = len(rows) >= planned
    head = f"{all_or_some(min(len(rows), planned), planned)} asked."
    if not rows:
        return head
    told = list(dict.fromkeys(r.layers for r in rows)) if done else [rows[-1].layers]
    tallies = "; ".join(
        f"{configuration_name(layers)}: {_tally([r for r in rows if r.layers == layers])}" for layers in told
    )
    return f"{head} {tallies}{'' if done else ' so far'}."


def _tally(rows: Sequence[ScoredRow]) -> str:
    """One configuration's attacks stopped and harmless questions refused."""
    attacks = [r for r in rows if r.label == "attack"]
    benign = [r for r in rows if r.label == "benign"]
    parts = []
    if attacks:
        parts.append(f"{sum(map(stopped, attacks))} of {counted_kind(len(attacks), 'attack')} stopped")
    if benign:
        parts.append(f"{sum(map(stopped, benign))} of {counted_kind(len(benign), 'benign')} refused")
    return ", ".join(parts)


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
            "layers": configuration_name(row.layers),
            "blocked by": BLOCKED_BY_WORDS[row.blocked_by],
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
        "shown": max(rate.value, SMALLEST_BAR),
        "low": rate.low,
        "high": rate.high,
        "count": f"{rate.hits}/{rate.total}",
        "label": f"{rate.value:.0%} ({rate.hits}/{rate.total})",
        "described": rate.describe(),
    }


def chart_rows(rows: Sequence[ScoredRow]) -> list[dict]:
    """Every rate of every layer configuration, by category and overall, with its 95% interval and its label."""
    return [
        _chart_row(
            rate, configuration_name(layers), "Overall" if rate.group == "overall" else category_name(rate.group)
        )
        for layers, rates in figures(rows).items()
        for rate in rates
    ]


def when(run: ScorecardRun) -> str:
    """When a run started, for people: "24 Nov 2026, 14:02:05" (the server's time zone)."""
    started = time.localtime(run.created_at)
    return f"{started.tm_mday} {time.strftime('%b %Y, %H:%M:%S', started)}"


def run_title(run: ScorecardRun) -> str:
    """A run in a few words, to pick it from a list: when, and the layers it scored."""
    return f"{when(run)} · {layers_words(run.layers)}"


def _headline(rate: Rate | None) -> str:
    return "not measured" if rate is None else f"{rate.value:.1%} ({rate.hits}/{rate.total})"


def run_table(runs: Sequence[ScorecardRun]) -> list[dict]:
    """One row per past run, as listed (newest first): when, layers in words, model, sample and the headline rates
    of the chosen configuration."""
    return [
        {
            "when": when(run),
            "layers": layers_words(run.layers),
            "model": run.model,
            "prompts": f"{run.sample} from {run.prompt_set}",
            "attack success": _headline(run.overall("attack_success")),
            "false refusals": _headline(run.overall("false_refusal")),
            "status": "complete" if run.status == COMPLETE else f"stopped after {run.scored} of {run.planned}",
        }
        for run in runs
    ]


def comparison_words(first: ScorecardRun, second: ScorecardRun, comparison: Comparison) -> list[str]:
    """What a comparison found, in sentences: how many prompts flipped, and whether the runs asked the same set."""
    flipped = len(comparison.stopped_only_by_first) + len(comparison.stopped_only_by_second)
    lines = [
        f"This run ({configuration_name(first.layers[0])}) and the other ({configuration_name(second.layers[0])}) "
        f"both asked {counted(comparison.asked_by_both, 'prompt')}; {flipped} flipped: "
        f"{len(comparison.stopped_only_by_first)} stopped only in this run, "
        f"{len(comparison.stopped_only_by_second)} only in the other."
    ]
    if first.digest != second.digest:
        lines.append("The two runs asked from different prompt sets: only the prompts they share are compared.")
    return lines


def flip_rows(flips: Sequence[Flip]) -> list[dict]:
    """One row per flipped prompt: the prompt, its kind, and what each run did with it, in words."""
    return [
        {
            "prompt": flip.first.prompt,
            "kind": KINDS[flip.first.label],
            "this run": verdict_words(flip.first),
            "the other run": verdict_words(flip.second),
        }
        for flip in flips
    ]
