"""The connection to the database (SQLite by default, PostgreSQL by URL): engines, failures said plainly, and the
transaction every store method runs in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from chat_core.errors import ChatError
from chat_core.store.schema import read_version, upgrade_schema

SQLITE_BUSY_SECONDS = 5
"""How long a SQLite write waits for another writer before the page says the database is locked."""


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


def make_engine(url: str) -> Engine:
    """An engine for a database URL; a SQLite file's folder is created on first use."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        return sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 3})


class Database:
    """An engine and the transaction each store method runs in; raises ChatError(kind="storage") when it fails."""

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
        return f"{type(self).__name__}({self.engine.url.render_as_string(hide_password=True)!r})"

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
        return self._run(read_version)

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


def storable(text: str) -> str:
    """Text any backend can hold: PostgreSQL's text columns refuse NUL, which would fail every later save too."""
    return text.replace("\x00", "\ufffd")


def upsert(conn: Connection, table: sa.Table, row: dict, keys: list[str], changes: dict, where=None) -> None:
    """Insert a row, or change an existing one with the same keys (only if it meets `where`, when given)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**row)
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes, where=where))


def _file_identity(path: Path) -> tuple[int, int] | None:
    """A file's (device, inode), or None when there is no file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Write-ahead logging: readers never hold up a writer, and a writer waits only for another writer's (short)
    # transaction. With the default rollback journal, twenty sessions chatting at once met "database is locked"
    # about once in 900 messages: a commit waited for every reader.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL").fetchall()
    cursor.close()
