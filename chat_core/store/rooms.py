"""Audience rooms: the room (its code, the presenter token's digest, state, level, moderation switch, spotlight), its
participants and their nicknames, what the presenter approved for the wall, and wrong codes tried per browser."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chat_core.errors import ChatError
from chat_core.rooms import PENDING, Room, WallAttempt, free_nickname, new_code, nickname_problem, room_error
from chat_core.store.database import storable, upsert
from chat_core.store.schema import (
    challenge_attempts,
    challenge_progress,
    room_join_tries,
    room_moderation,
    room_participants,
    rooms,
)

CODE_TRIES = 8
"""New codes drawn before giving up on finding a free one (with 113 million codes, one is nearly always enough)."""


class Rooms:
    """The store's rooms (a part of `Store`)."""

    def create_room(self, owner: str, token_digest: str) -> Room:
        """A new open room with a free join code, owned by the presenter who opened it."""
        now = time.time()
        for _ in range(CODE_TRIES):
            room = Room(new_code(), owner, token_digest, created_at=now, active_at=now)
            try:
                self._run(lambda conn, room=room: conn.execute(rooms.insert().values(**_room_row(room))))
            except ChatError as error:
                if error.kind != "storage" or self.room(room.code) is None:
                    raise
                continue  # the code was taken meanwhile: draw another
            return room
        raise room_error("No free room code was found.", "Try again.")

    def room(self, code: str) -> Room | None:
        """The room with this code, or None."""
        row = self._run(lambda conn: conn.execute(sa.select(rooms).where(rooms.c.code == code)).first())
        return _room(row) if row is not None else None

    def change_room(self, code: str, **changes) -> Room:
        """Change a room's state, level, moderation switch or spotlight; it counts as activity."""
        allowed = {"state", "level", "approve_first", "spotlight"}
        if set(changes) - allowed:
            raise ValueError(f"A room has no setting {sorted(set(changes) - allowed)}")
        values = {**changes, "active_at": time.time()}
        self._run(lambda conn: conn.execute(rooms.update().where(rooms.c.code == code).values(**values)))
        return self.room(code)

    def join_room(self, code: str, owner: str, nickname: str) -> str:
        """Add a participant (or bring one back who left), keeping the nickname they had; returns it. A participant
        the presenter removed stays out."""
        now = time.time()

        def write(conn: Connection) -> str:
            row = conn.execute(
                sa.select(room_participants).where(
                    room_participants.c.room_code == code, room_participants.c.owner == owner
                )
            ).first()
            if row is not None and row.removed:
                raise room_error("The presenter removed you from this room.", "Ask the presenter to let you back in.")
            if row is not None:
                return row.nickname
            nickname_free = free_nickname(nickname, _nicknames(conn, code, but=owner))
            values = {"room_code": code, "owner": owner, "nickname": nickname_free, "joined_at": now, "removed": False}
            conn.execute(room_participants.insert().values(**values))
            conn.execute(rooms.update().where(rooms.c.code == code).values(active_at=now))
            return nickname_free

        return self._run(write)

    def participant(self, code: str, owner: str) -> tuple[str, bool] | None:
        """A participant's nickname and whether the presenter removed them; None for someone who never joined."""
        query = sa.select(room_participants.c.nickname, room_participants.c.removed).where(
            room_participants.c.room_code == code, room_participants.c.owner == owner
        )
        row = self._run(lambda conn: conn.execute(query).first())
        return (row.nickname, bool(row.removed)) if row is not None else None

    def rename_participant(self, code: str, owner: str, nickname: str) -> None:
        """Give a participant the nickname they chose (already checked by `rooms.read_nickname`), unless someone
        else in the room has it."""
        table = room_participants
        where = (table.c.room_code == code) & (table.c.owner == owner)

        def write(conn: Connection) -> None:
            problem = nickname_problem(nickname, _nicknames(conn, code, but=owner))
            if problem is not None:
                raise problem
            conn.execute(table.update().where(where).values(nickname=nickname))

        self._run(write)

    def remove_participant(self, code: str, owner: str, removed: bool = True) -> None:
        """Take a participant out of the room (they can no longer play in it), or, with removed=False, let them back."""
        table = room_participants
        where = (table.c.room_code == code) & (table.c.owner == owner)
        self._run(lambda conn: conn.execute(table.update().where(where).values(removed=removed)))

    def participants(self, code: str) -> list[tuple[str, str, bool]]:
        """(owner, nickname, removed) of everyone who joined, in the order they came."""
        table = room_participants
        query = sa.select(table.c.owner, table.c.nickname, table.c.removed).where(table.c.room_code == code)
        rows = self._run(lambda conn: conn.execute(query.order_by(table.c.joined_at)).all())
        return [(row.owner, row.nickname, bool(row.removed)) for row in rows]

    def room_passes(self, code: str) -> list[tuple[str, int]]:
        """(nickname, level) for every level each present participant has passed."""
        table = room_participants
        query = (
            sa.select(table.c.nickname, challenge_progress.c.passed)
            .join(challenge_progress, challenge_progress.c.owner == table.c.owner)
            .where(table.c.room_code == code, table.c.removed == sa.false())
        )
        rows = self._run(lambda conn: conn.execute(query).all())
        return [(row.nickname, int(level)) for row in rows for level in json.loads(row.passed or "[]")]

    def room_attempts(self, code: str, limit: int = 5000, only: str | None = None) -> list[WallAttempt]:
        """The room's attempts, newest first, with each participant's nickname and the presenter's moderation (with
        `only`, just the attempt of that id)."""
        attempts, people, moderated = challenge_attempts, room_participants, room_moderation
        query = (
            sa.select(attempts, people.c.nickname, moderated.c.state.label("moderation"))
            .join(people, (people.c.room_code == attempts.c.room_id) & (people.c.owner == attempts.c.owner))
            .outerjoin(moderated, moderated.c.attempt_id == attempts.c.id)
            .where(attempts.c.room_id == code, *([attempts.c.id == only] if only is not None else []))
            .order_by(attempts.c.created_at.desc())
            .limit(limit)
        )
        rows = self._run(lambda conn: conn.execute(query).all())
        return [
            WallAttempt(
                r.id, r.nickname, r.level, r.blocked_by, bool(r.leaked), r.prompt, r.reason or "",
                r.moderation or PENDING, r.created_at, r.reply,
            )
            for r in rows
        ]  # fmt: skip

    def moderate(self, code: str, attempt_id: str, state: str) -> None:
        """Approve an attempt's text for the wall, or keep it off."""
        row = {"attempt_id": attempt_id, "room_code": code, "state": state, "updated_at": time.time()}
        changes = {"state": state, "updated_at": row["updated_at"]}
        self._run(lambda conn: upsert(conn, room_moderation, row, ["attempt_id"], changes))

    def record_join_try(self, owner: str, typed: str) -> None:
        """Keep a wrong room code a browser tried (for the rate limit)."""
        row = {"owner": owner, "typed": storable(typed[:40]), "created_at": time.time()}
        self._run(lambda conn: conn.execute(room_join_tries.insert().values(**row)))

    def join_try_times(self, owner: str, since: float) -> list[float]:
        """When this browser's wrong codes were tried, from `since` on."""
        table = room_join_tries
        query = sa.select(table.c.created_at).where(table.c.owner == owner, table.c.created_at >= since)
        return [row.created_at for row in self._run(lambda conn: conn.execute(query).all())]


def _room_row(room: Room) -> dict:
    return {
        "code": room.code, "owner": room.owner, "token_digest": room.token_digest, "state": room.state,
        "level": room.level, "approve_first": room.approve_first, "created_at": room.created_at,
        "active_at": room.active_at, "spotlight": room.spotlight,
    }  # fmt: skip


def _room(row) -> Room:
    return Room(
        row.code, row.owner, row.token_digest, row.state, row.level, bool(row.approve_first), row.created_at,
        row.active_at, row.spotlight,
    )  # fmt: skip


def _nicknames(conn: Connection, code: str, but: str) -> list[str]:
    """The nicknames everyone else in the room has."""
    table = room_participants
    query = sa.select(table.c.nickname).where(table.c.room_code == code, table.c.owner != but)
    return list(conn.execute(query).scalars())
