"""Conversations and their messages: written through as the chat goes, listed, searched, renamed and deleted, with the
checkpoint of a reply being written."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from chat_core.checkpoints import Checkpoint, abandoned
from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.store.database import storable, upsert
from chat_core.store.schema import conversations, messages, reply_checkpoints


@dataclass(frozen=True)
class Summary:
    """One line of the history list."""

    id: str
    title: str
    page: str
    thread: str
    settings: dict
    updated_at: float
    origin: dict | None = None
    """Where a continued conversation came from (`Conversation.origin`)."""


def conflict_error() -> ChatError:
    """Another tab or process wrote to the same conversation first."""
    return ChatError(
        "This conversation was changed in another tab or window.",
        "Reload the page to see both sides.",
        kind="conflict",
    )


def title_from(text: str, limit: int = 60) -> str:
    """A conversation title from its first message: its first line, shortened."""
    line = " ".join(storable(text).strip().split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class Conversations:
    """The store's conversations (a part of `Store`)."""

    def create(
        self, owner: str, page: str, thread: str, title: str, settings: dict | None = None, origin: dict | None = None
    ) -> str:
        """A new, empty conversation (continued from `origin`, if given); returns its unguessable id."""
        conversation_id = str(uuid.uuid4())
        now = time.time()
        row = {
            "id": conversation_id, "owner": owner, "page": page, "thread": thread, "title": title_from(title),
            "settings": json.dumps(settings or {}), "created_at": now, "updated_at": now,
            "origin": json.dumps(origin) if origin else None,
        }  # fmt: skip
        self._run(lambda conn: conn.execute(conversations.insert().values(**row)))
        return conversation_id

    def save(self, owner: str, conversation: Conversation, settings: dict | None = None) -> None:
        """Write the messages new in a conversation and the branch it shows, in one transaction; nothing is deleted.

        Raises ChatError(kind="conflict"), writing nothing, when another writer changed the messages since this
        conversation was last saved or loaded.
        """

        def write(conn: Connection) -> None:
            owned_conversation(conn, conversation.id, owner)
            of_this = messages.c.conversation_id == conversation.id
            if conn.execute(sa.select(sa.func.count()).where(of_this)).scalar() != conversation.stored:
                raise conflict_error()
            changes = {"updated_at": time.time(), "active_leaf": conversation.leaf}
            rows = [_message_row(conversation.id, entry) for entry in conversation.unsaved_messages()]
            if rows:
                try:
                    conn.execute(messages.insert(), rows)
                except sa.exc.IntegrityError:  # another writer took these positions after the count above
                    raise conflict_error() from None
            conn.execute(
                reply_checkpoints.delete().where(
                    reply_checkpoints.c.conversation_id == conversation.id,
                    reply_checkpoints.c.position < conversation.size,
                )
            )
            if settings is not None:
                changes["settings"] = json.dumps(settings)
            conn.execute(conversations.update().where(conversations.c.id == conversation.id).values(**changes))

        self._run(write)
        conversation.mark_saved()

    def load(self, conversation_id: str, owner: str) -> tuple[Summary, Conversation]:
        """A conversation and its summary, only for its owner: every branch, read in one query, showing its active leaf.

        A reply whose writer ended before it finished (its checkpoint was left behind) comes last, marked
        `interrupted`; it is not saved yet, so the next save writes it as it was shown.
        """

        def read(conn: Connection):
            row = owned_conversation(conn, conversation_id, owner)
            rows = conn.execute(
                sa.select(messages).where(messages.c.conversation_id == conversation_id).order_by(messages.c.position)
            ).all()
            left = conn.execute(
                sa.select(reply_checkpoints).where(reply_checkpoints.c.conversation_id == conversation_id)
            )
            return row, rows, left.first()

        row, rows, left = self._run(read)
        summary = _summary(row)
        conversation = Conversation(id=conversation_id, others=[_entry(r) for r in rows], origin=summary.origin)
        ids = {entry.id for entry in conversation.others}
        leaf = row.active_leaf if row.active_leaf in ids else None
        conversation.show_branch(leaf)
        conversation.mark_saved()
        if left is not None:
            left = Checkpoint(left.position, left.content, left.writer, left.updated_at)
            if left.position == conversation.size and abandoned(left):
                conversation.add_reply(left.content, "interrupted", meta={"interrupted_at": left.updated_at})
        return summary, conversation

    def write_checkpoint(self, owner: str, conversation_id: str, checkpoint: Checkpoint) -> None:
        """Keep a streaming reply's text so far beside the conversation (replaced by the finished reply)."""
        row = {
            "conversation_id": conversation_id, "position": checkpoint.position,
            "content": storable(checkpoint.content), "writer": checkpoint.writer, "updated_at": checkpoint.updated_at,
        }  # fmt: skip

        def write(conn: Connection) -> None:
            owned_conversation(conn, conversation_id, owner)
            changes = {key: value for key, value in row.items() if key != "conversation_id"}
            upsert(conn, reply_checkpoints, row, ["conversation_id"], changes)

        self._run(write)

    def list(
        self, owner: str, search: str = "", limit: int = 200, page: str | None = None, thread: str | None = None
    ) -> list[Summary]:
        """The owner's conversations, newest first; `search` matches titles and message text."""
        query = sa.select(conversations).where(conversations.c.owner == owner)
        if page is not None:
            query = query.where(conversations.c.page == page)
        if thread is not None:
            query = query.where(conversations.c.thread == thread)
        if search.strip():
            pattern = f"%{_escape_like(search.strip())}%"
            in_messages = (
                sa.select(messages.c.conversation_id)
                .join(conversations, conversations.c.id == messages.c.conversation_id)
                .where(conversations.c.owner == owner, messages.c.content.ilike(pattern, escape="\\"))
            )
            query = query.where(
                sa.or_(conversations.c.title.ilike(pattern, escape="\\"), conversations.c.id.in_(in_messages))
            )
        query = query.order_by(conversations.c.updated_at.desc()).limit(limit)
        return [_summary(row) for row in self._run(lambda conn: conn.execute(query).all())]

    def title(self, conversation_id: str, owner: str) -> str:
        """A conversation's title, only for its owner."""
        return self._run(lambda conn: owned_conversation(conn, conversation_id, owner)).title

    def rename(self, conversation_id: str, owner: str, title: str) -> None:
        """Give a conversation a new title."""
        if not title.strip():
            raise ChatError("A conversation needs a title.", "Type a few words.", kind="invalid_title")

        def write(conn: Connection) -> None:
            owned_conversation(conn, conversation_id, owner)
            conn.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id)
                .values(title=title_from(title, 200), updated_at=time.time())
            )

        self._run(write)

    def delete(self, conversation_id: str, owner: str) -> None:
        """Remove a conversation and its messages."""

        def write(conn: Connection) -> None:
            owned_conversation(conn, conversation_id, owner)
            conn.execute(reply_checkpoints.delete().where(reply_checkpoints.c.conversation_id == conversation_id))
            conn.execute(messages.delete().where(messages.c.conversation_id == conversation_id))
            conn.execute(conversations.delete().where(conversations.c.id == conversation_id))

        self._run(write)


def owned_conversation(conn: Connection, conversation_id: str | None, owner: str):
    """A conversation's row, only for its owner; ChatError(kind="not_found") otherwise."""
    row = conn.execute(
        sa.select(conversations).where(conversations.c.id == conversation_id, conversations.c.owner == owner)
    ).first()
    if row is None:
        raise ChatError(
            "That conversation does not exist, or it is not yours.",
            "Open one from the history in the sidebar, or start a new chat.",
            kind="not_found",
        )
    return row


def _message_row(conversation_id: str, entry: Entry) -> dict:
    return {
        "conversation_id": conversation_id, "position": entry.position, "id": entry.id, "parent_id": entry.parent,
        "role": entry.role,
        "content": storable(entry.content),
        "status": entry.status, "error": json.dumps(entry.error) if entry.error else None,
        "meta": json.dumps(entry.meta), "created_at": time.time(),
    }  # fmt: skip


def _entry(row) -> Entry:
    return Entry(
        row.role, row.content, status=row.status, error=json.loads(row.error) if row.error else None,
        meta=json.loads(row.meta or "{}"), id=row.id, parent=row.parent_id, position=row.position,
    )  # fmt: skip


def _summary(row) -> Summary:
    origin = json.loads(row.origin) if row.origin else None
    return Summary(row.id, row.title, row.page, row.thread, json.loads(row.settings or "{}"), row.updated_at, origin)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
