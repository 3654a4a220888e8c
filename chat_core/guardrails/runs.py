"""A scorecard run as it is kept: what was asked of which model, what each prompt met and the figures; and two runs
compared prompt by prompt."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chat_core.guardrails.scorecard import Rate, ScoredRow, figures

COMPLETE, STOPPED = "complete", "stopped"
"""A run is complete once every planned prompt was asked; until then (and for good, if it ends early) stopped."""


@dataclass(frozen=True)
class ScorecardRun:
    """One scorecard run: its configurations, model, prompt set and sample, and the rows measured so far."""

    id: str
    created_at: float
    layers: tuple[str, ...]
    """Each layer configuration the run scores ("system,input,output"), the chosen one first, a contrast after."""
    model: str
    prompt_set: str
    digest: str
    """The sha256 of the whole prompt set (`data.digest`): two runs with the same digest asked from the same set."""
    sample: str
    """Which prompts of the set were asked, and how long a reply could be, in words."""
    planned: int
    status: str = STOPPED
    scored: int = 0
    figures: dict[str, list[Rate]] = field(default_factory=dict)
    """`scorecard.figures` of the rows: kept beside them, so a list of runs needs no rows."""
    rows: tuple[ScoredRow, ...] = ()

    def measured(self, rows: Sequence[ScoredRow]) -> ScorecardRun:
        """The run with these rows and their figures; complete when every planned prompt is among them."""
        status = COMPLETE if len(rows) >= self.planned else STOPPED
        return replace(self, rows=tuple(rows), scored=len(rows), figures=figures(rows), status=status)

    def overall(self, name: str) -> Rate | None:
        """One overall rate ("attack_success", "false_refusal") of the chosen configuration, if it was measured."""
        chosen = self.figures.get(self.layers[0], []) if self.layers else []
        return next((r for r in chosen if r.group == "overall" and r.name == name), None)


def new_run(layers: Sequence[str], model: str, prompt_set: str, digest: str, sample: str, planned: int) -> ScorecardRun:
    """A run about to start: a fresh unguessable id, the time now, nothing measured yet."""
    return ScorecardRun(str(uuid.uuid4()), time.time(), tuple(layers), model, prompt_set, digest, sample, planned)


@dataclass(frozen=True)
class Flip:
    """One prompt two runs treated differently: its row in each run."""

    first: ScoredRow
    second: ScoredRow


@dataclass(frozen=True)
class Comparison:
    """Two runs' chosen configurations, prompt by prompt: what each stopped that the other let through."""

    stopped_only_by_first: tuple[Flip, ...]
    stopped_only_by_second: tuple[Flip, ...]
    asked_by_both: int


def stopped(row: ScoredRow) -> bool:
    """Whether some layer (or the model itself) stopped the prompt."""
    return row.blocked_by != "none"


def chosen_rows(run: ScorecardRun) -> dict[str, ScoredRow]:
    """The rows of a run's chosen configuration, by prompt text."""
    chosen = run.layers[0] if run.layers else ""
    return {row.prompt: row for row in run.rows if row.layers == chosen}


def compare_runs(first: ScorecardRun, second: ScorecardRun) -> Comparison:
    """The prompts both runs asked (by text, chosen configurations) that one stopped and the other let through."""
    before, after = chosen_rows(first), chosen_rows(second)
    both = [prompt for prompt in before if prompt in after]
    flips = [
        Flip(before[prompt], after[prompt]) for prompt in both if stopped(before[prompt]) != stopped(after[prompt])
    ]
    return Comparison(
        tuple(f for f in flips if stopped(f.first)), tuple(f for f in flips if stopped(f.second)), len(both)
    )
