"""Conversations in a real database (SQLite by default, PostgreSQL by URL), with versioned migrations."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from chat_core.checkpoints import Checkpoint, abandoned
from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.lab.examples import ExampleSet, check_can_save
from chat_core.lab.feedback import Tally

MIGRATIONS: list[Callable[[Connection], None]] = []
SQLITE_BUSY_SECONDS = 5
"""How long a SQLite write waits for another writer before the page says the database is locked."""


def migration(step: Callable[[Connection], None]) -> Callable[[Connection], None]:
    """Register the next schema version's upgrade; versions count up in the order they are defined."""
    MIGRATIONS.append(step)
    return step


@migration
def m001_conversations_and_messages(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE conversations ("
        " id VARCHAR(36) PRIMARY KEY, owner VARCHAR(200) NOT NULL, page VARCHAR(40) NOT NULL,"
        " thread VARCHAR(200) NOT NULL, title VARCHAR(200) NOT NULL,"
        " created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TABLE messages ("
        " conversation_id VARCHAR(36) NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
        " position INTEGER NOT NULL, role VARCHAR(20) NOT NULL, content TEXT NOT NULL,"
        " status VARCHAR(20) NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
        " PRIMARY KEY (conversation_id, position))"
    )


@migration
def m002_settings_errors_and_figures(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE conversations ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'")
    conn.exec_driver_sql("ALTER TABLE messages ADD COLUMN error TEXT")
    conn.exec_driver_sql("ALTER TABLE messages ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")
    conn.exec_driver_sql("CREATE INDEX conversations_by_owner ON conversations (owner, updated_at)")


@migration
def m003_example_sets_and_feedback(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE example_sets ("
        " owner VARCHAR(200) NOT NULL, name VARCHAR(200) NOT NULL, system TEXT NOT NULL, examples TEXT NOT NULL,"
        " created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,"
        " PRIMARY KEY (owner, name))"
    )
    conn.exec_driver_sql(
        "CREATE TABLE feedback ("
        " conversation_id VARCHAR(36) NOT NULL, position INTEGER NOT NULL, thumbs_up BOOLEAN NOT NULL,"
        " example_set VARCHAR(200) NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
        " PRIMARY KEY (conversation_id, position),"
        " FOREIGN KEY (conversation_id, position) REFERENCES messages (conversation_id, position) ON DELETE CASCADE)"
    )


@migration
def m004_reply_checkpoints(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE reply_checkpoints ("
        " conversation_id VARCHAR(36) PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,"
        " position INTEGER NOT NULL, content TEXT NOT NULL, writer VARCHAR(300) NOT NULL,"
        " updated_at DOUBLE PRECISION NOT NULL)"
    )


SCHEMA_VERSION = len(MIGRATIONS)

metadata = sa.MetaData()
conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(200)),
    sa.Column("page", sa.String(40)),
    sa.Column("thread", sa.String(200)),
    sa.Column("title", sa.String(200)),
    sa.Column("settings", sa.Text),
    sa.Column("created_at", sa.Float),
    sa.Column("updated_at", sa.Float),
)
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("conversation_id", sa.String(36)),
    sa.Column("position", sa.Integer),
    sa.Column("role", sa.String(20)),
    sa.Column("content", sa.Text),
    sa.Column("status", sa.String(20)),
    sa.Column("error", sa.Text),
    sa.Column("meta", sa.Text),
    sa.Column("created_at", sa.Float),
)

reply_checkpoints = sa.Table(
    "reply_checkpoints",
    metadata,
    sa.Column("conversation_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.Integer),
    sa.Column("content", sa.Text),
    sa.Column("writer", sa.String(300)),
    sa.Column("updated_at", sa.Float),
)
example_sets = sa.Table(
    "example_sets",
    metadata,
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("system", sa.Text),
    sa.Column("examples", sa.Text),
    sa.Column("created_at", sa.Float),
    sa.Column("updated_at", sa.Float),
)
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("conversation_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("thumbs_up", sa.Boolean),
    sa.Column("example_set", sa.String(200)),
    sa.Column("created_at", sa.Float),
)


@dataclass(frozen=True)
class Summary:
    """One line of the history list."""

    id: str
    title: str
    page: str
    thread: str
    settings: dict
    updated_at: float


def storage_error(exc: Exception) -> ChatError:
    """A database failure, said plainly: the chat goes on in memory."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        reason = "The database is locked by another program."
    elif "readonly" in text or "read-only" in text or "read only" in text:
        reason = "The database file is read-only."
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        reason = "The database file is damaged."
    else:
        reason = "The database cannot be reached."
    return ChatError(
        f"{reason} Your conversation is kept in this tab and saved once the database is back.",
        "Check CHAT_DATABASE_URL and the database file's permissions.",
        kind="storage",
        retryable=True,
    )


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


def make_engine(url: str) -> Engine:
    """An engine for a database URL; a SQLite file's folder is created on first use."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        return sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 3})


class Store:
    """Reads and writes conversations; every method raises ChatError(kind="storage") when the database fails."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.ready = False
        self._lock = threading.Lock()
        self._file_lock = threading.Lock()
        self._file = None
        """A SQLite file and its (device, inode) when last used: deleted or replaced, the schema is made anew."""
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            database = engine.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                self._file = (Path(database), None)

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def _run(self, work: Callable[[Connection], object]):
        self._follow_the_file()
        try:
            with self.engine.begin() as conn:
                return work(conn)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()  # pooled connections may point at what failed; the next call reconnects
            raise storage_error(exc) from None

    def schema_version(self) -> int:
        """The version the database is at (0: empty)."""
        return self._run(_read_version)

    def migrate(self) -> int:
        """Bring the schema up to date, one migration per transaction; returns the new version."""
        return self._run(upgrade_schema)

    def ensure_ready(self) -> None:
        """Migrate once per process; after a failure the next call tries again."""
        with self._lock:
            if not self.ready:
                self.migrate()
                self.ready = True

    def _follow_the_file(self) -> None:
        # Pooled connections to a deleted SQLite file write into the removed file, and everything written is lost:
        # once the file is gone or replaced, they are dropped and the schema made again in the new file. The
        # conversations then are "not found", and the pages save them anew, whole.
        if self._file is None:
            return
        with self._file_lock:
            path, known = self._file
            identity = _file_identity(path)
            if identity == known:
                return
            self.engine.dispose()
            if known is not None:
                try:
                    with self.engine.begin() as conn:
                        upgrade_schema(conn)
                except sa.exc.SQLAlchemyError:
                    return
                identity = _file_identity(path)
                if identity is None:
                    return
            self._file = (path, identity)

    def create(self, owner: str, page: str, thread: str, title: str, settings: dict | None = None) -> str:
        """A new, empty conversation; returns its unguessable id."""
        conversation_id = str(uuid.uuid4())
        now = time.time()
        row = {
            "id": conversation_id, "owner": owner, "page": page, "thread": thread, "title": title_from(title),
            "settings": json.dumps(settings or {}), "created_at": now, "updated_at": now,
        }  # fmt: skip
        self._run(lambda conn: conn.execute(conversations.insert().values(**row)))
        return conversation_id

    def save(self, owner: str, conversation: Conversation, settings: dict | None = None) -> None:
        """Write what is new in a conversation (and drop what was rewound) in one transaction.

        Raises ChatError(kind="conflict"), writing nothing, when another writer changed the messages since this
        conversation was last saved or loaded.
        """

        def write(conn: Connection) -> None:
            _owned(conn, conversation.id, owner)
            of_this = messages.c.conversation_id == conversation.id
            if conn.execute(sa.select(sa.func.count()).where(of_this)).scalar() != conversation.stored:
                raise conflict_error()
            changes = {"updated_at": time.time()}
            if conversation.truncate_to is not None:
                conn.execute(
                    messages.delete().where(
                        messages.c.conversation_id == conversation.id, messages.c.position >= conversation.truncate_to
                    )
                )
            start = min(conversation.synced, len(conversation.entries))
            rows = [_message_row(conversation.id, i, e) for i, e in enumerate(conversation.entries[start:], start)]
            if rows:
                try:
                    conn.execute(messages.insert(), rows)
                except sa.exc.IntegrityError:  # another writer took these positions after the count above
                    raise conflict_error() from None
            conn.execute(
                reply_checkpoints.delete().where(
                    reply_checkpoints.c.conversation_id == conversation.id,
                    reply_checkpoints.c.position < len(conversation.entries),
                )
            )
            if settings is not None:
                changes["settings"] = json.dumps(settings)
            conn.execute(conversations.update().where(conversations.c.id == conversation.id).values(**changes))

        self._run(write)
        conversation.mark_saved()

    def load(self, conversation_id: str, owner: str) -> tuple[Summary, Conversation]:
        """A conversation and its summary, only for its owner.

        A reply whose writer ended before it finished (its checkpoint was left behind) comes last, marked
        `interrupted`; it is not saved yet, so the next save writes it as it was shown.
        """

        def read(conn: Connection):
            row = _owned(conn, conversation_id, owner)
            rows = conn.execute(
                sa.select(messages).where(messages.c.conversation_id == conversation_id).order_by(messages.c.position)
            ).all()
            left = conn.execute(
                sa.select(reply_checkpoints).where(reply_checkpoints.c.conversation_id == conversation_id)
            )
            return row, rows, left.first()

        row, rows, left = self._run(read)
        entries = [
            Entry(
                r.role, r.content, status=r.status, error=json.loads(r.error) if r.error else None,
                meta=json.loads(r.meta or "{}"),
            )
            for r in rows
        ]  # fmt: skip
        conversation = Conversation(entries, id=conversation_id)
        conversation.mark_saved()
        if left is not None:
            left = Checkpoint(left.position, left.content, left.writer, left.updated_at)
            if left.position == len(entries) and abandoned(left):
                conversation.add_reply(left.content, "interrupted", meta={"interrupted_at": left.updated_at})
        return _summary(row), conversation

    def write_checkpoint(self, owner: str, conversation_id: str, checkpoint: Checkpoint) -> None:
        """Keep a streaming reply's text so far beside the conversation (replaced by the finished reply)."""
        row = {
            "conversation_id": conversation_id, "position": checkpoint.position,
            "content": storable(checkpoint.content), "writer": checkpoint.writer, "updated_at": checkpoint.updated_at,
        }  # fmt: skip

        def write(conn: Connection) -> None:
            _owned(conn, conversation_id, owner)
            changes = {key: value for key, value in row.items() if key != "conversation_id"}
            _upsert(conn, reply_checkpoints, row, ["conversation_id"], changes)

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

    def rename(self, conversation_id: str, owner: str, title: str) -> None:
        """Give a conversation a new title."""
        if not title.strip():
            raise ChatError("A conversation needs a title.", "Type a few words.", kind="invalid_title")

        def write(conn: Connection) -> None:
            _owned(conn, conversation_id, owner)
            conn.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id)
                .values(title=title_from(title, 200), updated_at=time.time())
            )

        self._run(write)

    def delete(self, conversation_id: str, owner: str) -> None:
        """Remove a conversation and its messages."""

        def write(conn: Connection) -> None:
            _owned(conn, conversation_id, owner)
            conn.execute(reply_checkpoints.delete().where(reply_checkpoints.c.conversation_id == conversation_id))
            conn.execute(messages.delete().where(messages.c.conversation_id == conversation_id))
            conn.execute(conversations.delete().where(conversations.c.id == conversation_id))

        self._run(write)

    def save_example_set(self, owner: str, example_set: ExampleSet) -> None:
        """Keep an example set under its name for its owner, replacing one saved before under that name."""
        checked = check_can_save(example_set)
        now = time.time()
        row = {
            "owner": owner, "name": checked.name, "system": checked.system,
            "examples": json.dumps([list(pair) for pair in checked.examples], ensure_ascii=False),
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        changes = {"system": row["system"], "examples": row["examples"], "updated_at": now}
        self._run(lambda conn: _upsert(conn, example_sets, row, ["owner", "name"], changes))

    def list_example_sets(self, owner: str) -> list[ExampleSet]:
        """The owner's saved example sets, by name."""
        query = sa.select(example_sets).where(example_sets.c.owner == owner).order_by(example_sets.c.name)
        return [_example_set(row) for row in self._run(lambda conn: conn.execute(query).all())]

    def load_example_set(self, owner: str, name: str) -> ExampleSet:
        """One saved example set, only for its owner."""
        query = sa.select(example_sets).where(example_sets.c.owner == owner, example_sets.c.name == name)
        row = self._run(lambda conn: conn.execute(query).first())
        if row is None:
            raise _no_example_set(name)
        return _example_set(row)

    def delete_example_set(self, owner: str, name: str) -> None:
        """Remove a saved example set (feedback already given with it keeps its tally)."""
        query = example_sets.delete().where(example_sets.c.owner == owner, example_sets.c.name == name)
        if self._run(lambda conn: conn.execute(query).rowcount) == 0:
            raise _no_example_set(name)

    def record_feedback(
        self, owner: str, conversation_id: str, position: int, thumbs_up: bool | None, example_set: str = ""
    ) -> None:
        """Keep a thumbs up or down on the reply at `position` (None takes it back), with the set it was made with."""

        def write(conn: Connection) -> None:
            _owned(conn, conversation_id, owner)
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
            _upsert(conn, feedback, row, ["conversation_id", "position"], changes)

        self._run(write)

    def feedback_for(self, owner: str, conversation_id: str) -> dict[int, bool]:
        """The thumbs given in one conversation, by reply position (True: up)."""

        def read(conn: Connection):
            _owned(conn, conversation_id, owner)
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


def _file_identity(path: Path) -> tuple[int, int] | None:
    """A file's (device, inode), or None when there is no file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def upgrade_schema(conn: Connection) -> int:
    """Run the migrations a database lacks (serialised on PostgreSQL); returns the schema version."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7342001)")
    version = _read_version(conn)
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        step(conn)
        conn.exec_driver_sql(f"UPDATE schema_version SET version = {number}")
    return len(MIGRATIONS)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Write-ahead logging: readers never hold up a writer, and a writer waits only for another writer's (short)
    # transaction. With the default rollback journal, twenty sessions chatting at once met "database is locked"
    # about once in 900 messages: a commit waited for every reader.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL").fetchall()
    cursor.close()


def _read_version(conn: Connection) -> int:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    version = conn.exec_driver_sql("SELECT version FROM schema_version").scalar()
    if version is None:
        conn.exec_driver_sql("INSERT INTO schema_version (version) VALUES (0)")
        return 0
    return version


def _owned(conn: Connection, conversation_id: str | None, owner: str):
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


def storable(text: str) -> str:
    """Text any backend can hold: PostgreSQL's text columns refuse NUL, which would fail every later save too."""
    return text.replace("\x00", "\ufffd")


def _message_row(conversation_id: str, position: int, entry: Entry) -> dict:
    return {
        "conversation_id": conversation_id, "position": position, "role": entry.role,
        "content": storable(entry.content),
        "status": entry.status, "error": json.dumps(entry.error) if entry.error else None,
        "meta": json.dumps(entry.meta), "created_at": time.time(),
    }  # fmt: skip


def _summary(row) -> Summary:
    return Summary(row.id, row.title, row.page, row.thread, json.loads(row.settings or "{}"), row.updated_at)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _upsert(conn: Connection, table: sa.Table, row: dict, keys: list[str], changes: dict) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).values(**row).on_conflict_do_update(index_elements=keys, set_=changes))


def _example_set(row) -> ExampleSet:
    return ExampleSet(row.name, row.system, tuple((question, answer) for question, answer in json.loads(row.examples)))


def _no_example_set(name: str) -> ChatError:
    return ChatError(
        f"There is no saved example set called “{name}”.",
        "Pick one from the list, or save the current examples under a name.",
        kind="not_found",
    )
