"""Red-team scorecard runs, per owner: saved as they progress and when they end, listed, reopened."""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chat_core.errors import ChatError
from chat_core.guardrails.runs import ScorecardRun
from chat_core.guardrails.scorecard import Rate, ScoredRow
from chat_core.store.database import upsert
from chat_core.store.schema import scorecard_runs

LISTED = [column for column in scorecard_runs.c if column.name != "results"]
"""What a list of runs reads: everything but the rows, which only a reopened run needs."""


class ScorecardRuns:
    """The store's scorecard runs (a part of `Store`)."""

    def save_scorecard_run(self, owner: str, run: ScorecardRun) -> None:
        """Keep a run as it stands (first save, progress, end), replacing what was kept of it before."""
        row = {
            "id": run.id, "owner": owner, "created_at": run.created_at, "updated_at": time.time(),
            "layers": json.dumps(list(run.layers)), "model": run.model, "prompt_set": run.prompt_set,
            "digest": run.digest, "sample": run.sample, "planned": run.planned, "scored": run.scored,
            "status": run.status, "results": json.dumps([asdict(r) for r in run.rows], ensure_ascii=False),
            "figures": json.dumps({k: [asdict(rate) for rate in v] for k, v in run.figures.items()}),
        }  # fmt: skip
        changes = {key: row[key] for key in ("updated_at", "scored", "status", "results", "figures")}

        def write(conn: Connection) -> None:
            # Another owner's run under the same id (an id is unguessable, so only by a bug) is left as it was.
            upsert(conn, scorecard_runs, row, ["id"], changes, where=scorecard_runs.c.owner == owner)

        self._run(write)

    def list_scorecard_runs(self, owner: str, limit: int = 100) -> list[ScorecardRun]:
        """The owner's runs, newest first, with their figures but without their rows."""
        query = (
            sa.select(*LISTED)
            .where(scorecard_runs.c.owner == owner)
            .order_by(scorecard_runs.c.created_at.desc())
            .limit(limit)
        )
        return [_run_of(row) for row in self._run(lambda conn: conn.execute(query).all())]

    def load_scorecard_run(self, owner: str, run_id: str) -> ScorecardRun:
        """One run with its rows, only for its owner."""
        query = sa.select(scorecard_runs).where(scorecard_runs.c.id == run_id, scorecard_runs.c.owner == owner)
        row = self._run(lambda conn: conn.execute(query).first())
        if row is None:
            raise ChatError(
                "That scorecard run does not exist, or it is not yours.",
                "Pick one from the list of past runs.",
                kind="not_found",
            )
        return _run_of(row, tuple(ScoredRow(**r) for r in json.loads(row.results)))


def _run_of(row, rows: tuple[ScoredRow, ...] = ()) -> ScorecardRun:
    figures = {layers: [Rate(**rate) for rate in found] for layers, found in json.loads(row.figures).items()}
    return ScorecardRun(
        row.id, row.created_at, tuple(json.loads(row.layers)), row.model, row.prompt_set, row.digest, row.sample,
        row.planned, row.status, row.scored, figures, rows,
    )  # fmt: skip
