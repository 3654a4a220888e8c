"""The challenge, per visitor: progress (levels passed, attempts per level; resettable), every attempt and guess,
and the winning attacks level 8 learns from (shared by every player)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chat_core.challenge.play import Attempt
from chat_core.guardrails.normalise import normalise
from chat_core.store.database import storable, upsert
from chat_core.store.schema import (
    challenge_adaptive,
    challenge_attempts,
    challenge_guesses,
    challenge_progress,
    rooms,
)

ADAPTIVE_LIMIT = 1000
"""The newest winning attacks level 8 compares a message with."""


@dataclass(frozen=True)
class Progress:
    """A visitor's climb since they started or last reset: levels passed and attempts per level."""

    passed: frozenset[int] = frozenset()
    attempts: dict[int, int] = field(default_factory=dict)
    started_at: float = 0.0

    @property
    def reached(self) -> int:
        """The highest level open to the visitor: the one after the highest passed (1 to begin with)."""
        return max(self.passed, default=0) + 1


class Challenge:
    """The store's challenge records (a part of `Store`)."""

    def challenge_progress(self, owner: str) -> Progress:
        """The visitor's levels passed and attempts per level since they started or last reset."""

        def read(conn: Connection) -> Progress:
            row = conn.execute(sa.select(challenge_progress).where(challenge_progress.c.owner == owner)).first()
            started = row.started_at if row is not None else 0.0
            counts = conn.execute(
                sa.select(challenge_attempts.c.level, sa.func.count())
                .where(challenge_attempts.c.owner == owner, challenge_attempts.c.created_at >= started)
                .group_by(challenge_attempts.c.level)
            ).all()
            passed = frozenset(json.loads(row.passed)) if row is not None else frozenset()
            return Progress(passed, {int(level): int(count) for level, count in counts}, started)

        return self._run(read)

    def pass_level(self, owner: str, level: int) -> Progress:
        """Mark a level passed for the visitor; returns the progress after it."""
        now = time.time()

        def write(conn: Connection) -> None:
            row = conn.execute(sa.select(challenge_progress).where(challenge_progress.c.owner == owner)).first()
            passed = sorted({*(json.loads(row.passed) if row is not None else ()), int(level)})
            values = {"owner": owner, "passed": json.dumps(passed), "started_at": 0.0, "updated_at": now}
            upsert(conn, challenge_progress, values, ["owner"], {"passed": values["passed"], "updated_at": now})

        self._run(write)
        return self.challenge_progress(owner)

    def reset_challenge(self, owner: str) -> None:
        """Start the visitor's climb again: no level passed, attempts counted from now (the records stay)."""
        now = time.time()
        values = {"owner": owner, "passed": "[]", "started_at": now, "updated_at": now}
        changes = {"passed": "[]", "started_at": now, "updated_at": now}
        self._run(lambda conn: upsert(conn, challenge_progress, values, ["owner"], changes))

    def record_attempt(self, owner: str, attempt: Attempt) -> str:
        """Keep one attempt (every message sent at a level); returns its id."""
        attempt_id = attempt.id or str(uuid.uuid4())
        row = {
            "id": attempt_id, "owner": owner, "level": attempt.level, "prompt": storable(attempt.prompt),
            "reply": storable(attempt.reply), "blocked_by": attempt.blocked_by, "check_name": attempt.check[:60],
            "reason": storable(attempt.reason),
            "leaked": bool(attempt.leaked), "category": attempt.category[:40],
            "created_at": attempt.created_at or time.time(), "room_id": attempt.room_id,
        }  # fmt: skip

        def write(conn: Connection) -> None:
            conn.execute(challenge_attempts.insert().values(**row))
            if attempt.room_id is not None:  # an attempt is activity: a room played in does not expire
                conn.execute(rooms.update().where(rooms.c.code == attempt.room_id).values(active_at=row["created_at"]))

        self._run(write)
        return attempt_id

    def challenge_attempts(
        self,
        owner: str | None = None,
        *,
        level: int | None = None,
        leaked: bool | None = None,
        room_id: str | None = None,
        limit: int = 1000,
    ) -> list[Attempt]:
        """Attempts, newest first: one visitor's (or everyone's, for a presenter's export), of one level, leaked
        or not, of one room."""
        table = challenge_attempts
        query = sa.select(table).order_by(table.c.created_at.desc()).limit(limit)
        for column, value in ((table.c.owner, owner), (table.c.level, level), (table.c.room_id, room_id)):
            if value is not None:
                query = query.where(column == value)
        if leaked is not None:
            query = query.where(table.c.leaked == sa.true() if leaked else table.c.leaked == sa.false())
        rows = self._run(lambda conn: conn.execute(query).all())
        return [
            Attempt(
                r.level, r.prompt, r.reply, r.blocked_by, bool(r.leaked), r.check_name, r.reason, r.category,
                r.created_at, r.id, r.room_id,
            )
            for r in rows
        ]  # fmt: skip

    def record_guess(self, owner: str, level: int, guess: str, correct: bool, *, at: float | None = None) -> None:
        """Keep one taken guess (counted by the rate limit across reloads)."""
        row = {
            "id": str(uuid.uuid4()), "owner": owner, "level": level, "guess": storable(guess[:200]),
            "correct": bool(correct), "created_at": at if at is not None else time.time(), "room_id": None,
        }  # fmt: skip
        self._run(lambda conn: conn.execute(challenge_guesses.insert().values(**row)))

    def guess_times(self, owner: str, level: int, since: float) -> list[float]:
        """When the visitor's guesses at a level were taken, from `since` on (for `guesses.check_guess`)."""
        table = challenge_guesses
        query = sa.select(table.c.created_at).where(
            table.c.owner == owner, table.c.level == level, table.c.created_at >= since
        )
        return [row.created_at for row in self._run(lambda conn: conn.execute(query).all())]

    def add_winning_attack(self, owner: str, level: int, prompt: str, vector: str) -> None:
        """Keep an attack that beat level 7 with its embedding (`adaptive.vector_text`); each text once."""
        key = hashlib.sha256(normalise(prompt).text.lower().encode()).hexdigest()
        row = {
            "prompt_key": key, "prompt": storable(prompt), "level": level, "owner": owner, "vector": vector,
            "created_at": time.time(), "room_id": None,
        }  # fmt: skip
        self._run(lambda conn: upsert(conn, challenge_adaptive, row, ["prompt_key"], {"vector": vector}))

    def winning_attacks(self, limit: int = ADAPTIVE_LIMIT) -> list[tuple[str, str]]:
        """The newest attacks that beat level 7, as (prompt, vector text) for `AdaptiveDefence.from_stored`."""
        table = challenge_adaptive
        query = sa.select(table.c.prompt, table.c.vector).order_by(table.c.created_at.desc()).limit(limit)
        return [(row.prompt, row.vector) for row in self._run(lambda conn: conn.execute(query).all())]
