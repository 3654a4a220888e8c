"""Thumbs up and down on saved replies, with the example set each was made with, and their tallies."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chat_core.errors import ChatError
from chat_core.lab.feedback import Tally
from chat_core.store.conversations import owned_conversation
from chat_core.store.database import upsert
from chat_core.store.schema import conversations, feedback, messages


class Feedback:
    """The store's feedback on replies (a part of `Store`)."""

    def record_feedback(
        self, owner: str, conversation_id: str, position: int, thumbs_up: bool | None, example_set: str = ""
    ) -> None:
        """Keep a thumbs up or down on the reply at `position` (None takes it back), with the set it was made with."""

        def write(conn: Connection) -> None:
            owned_conversation(conn, conversation_id, owner)
            role = conn.execute(
                sa.select(messages.c.role).where(
                    messages.c.conversation_id == conversation_id, messages.c.position == position
                )
            ).scalar()
            if role != "assistant":
                raise ChatError(
                    "There is no saved reply there to rate.",
                    "Rate a reply once it has finished and been saved.",
                    kind="not_found",
                )
            key = (feedback.c.conversation_id == conversation_id) & (feedback.c.position == position)
            if thumbs_up is None:
                conn.execute(feedback.delete().where(key))
                return
            row = {
                "conversation_id": conversation_id, "position": position, "thumbs_up": thumbs_up,
                "example_set": example_set, "created_at": time.time(),
            }  # fmt: skip
            changes = {"thumbs_up": thumbs_up, "example_set": example_set, "created_at": row["created_at"]}
            upsert(conn, feedback, row, ["conversation_id", "position"], changes)

        self._run(write)

    def feedback_for(self, owner: str, conversation_id: str) -> dict[int, bool]:
        """The thumbs given in one conversation, by reply position (True: up)."""

        def read(conn: Connection):
            owned_conversation(conn, conversation_id, owner)
            query = sa.select(feedback.c.position, feedback.c.thumbs_up).where(
                feedback.c.conversation_id == conversation_id
            )
            return conn.execute(query).all()

        return {row.position: bool(row.thumbs_up) for row in self._run(read)}

    def feedback_tally(self, owner: str, page: str | None = None) -> list[Tally]:
        """Ups and downs per example set over the owner's conversations (on one page, if given), by set name."""
        ups = sa.func.sum(sa.case((feedback.c.thumbs_up == sa.true(), 1), else_=0))
        query = (
            sa.select(feedback.c.example_set, ups.label("ups"), sa.func.count().label("total"))
            .join(conversations, conversations.c.id == feedback.c.conversation_id)
            .where(conversations.c.owner == owner)
            .group_by(feedback.c.example_set)
            .order_by(feedback.c.example_set)
        )
        if page is not None:
            query = query.where(conversations.c.page == page)
        rows = self._run(lambda conn: conn.execute(query).all())
        return [Tally(row.example_set, int(row.ups), int(row.total) - int(row.ups)) for row in rows]
