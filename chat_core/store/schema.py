"""The database's tables and the versioned migrations that build them, one small function per version."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

MIGRATIONS: list[Callable[[Connection], None]] = []


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


@migration
def m005_scorecard_runs(conn: Connection) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE scorecard_runs ("
        " id VARCHAR(36) PRIMARY KEY, owner VARCHAR(200) NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
        " updated_at DOUBLE PRECISION NOT NULL, layers TEXT NOT NULL, model TEXT NOT NULL, prompt_set TEXT NOT NULL,"
        " digest VARCHAR(64) NOT NULL, sample TEXT NOT NULL, planned INTEGER NOT NULL, scored INTEGER NOT NULL,"
        " status VARCHAR(20) NOT NULL, results TEXT NOT NULL, figures TEXT NOT NULL)"
    )
    conn.exec_driver_sql("CREATE INDEX scorecard_runs_by_owner ON scorecard_runs (owner, created_at)")


@migration
def m006_messages_as_a_tree(conn: Connection) -> None:
    """Each message gets an id and its parent's, and each conversation its active leaf: a linear conversation
    becomes one path (each message's parent is the one before it), ending at its last message."""
    conn.exec_driver_sql("ALTER TABLE messages ADD COLUMN id VARCHAR(64)")
    conn.exec_driver_sql("ALTER TABLE messages ADD COLUMN parent_id VARCHAR(64)")
    conn.exec_driver_sql("ALTER TABLE conversations ADD COLUMN active_leaf VARCHAR(64)")
    conn.exec_driver_sql("UPDATE messages SET id = conversation_id || '.' || CAST(position AS VARCHAR(12))")
    conn.exec_driver_sql(
        "UPDATE messages SET parent_id = (SELECT earlier.id FROM messages earlier"
        " WHERE earlier.conversation_id = messages.conversation_id AND earlier.position < messages.position"
        " ORDER BY earlier.position DESC LIMIT 1)"
    )
    conn.exec_driver_sql(
        "UPDATE conversations SET active_leaf = (SELECT newest.id FROM messages newest"
        " WHERE newest.conversation_id = conversations.id ORDER BY newest.position DESC LIMIT 1)"
    )
    conn.exec_driver_sql("CREATE UNIQUE INDEX messages_by_id ON messages (conversation_id, id)")


@migration
def m007_conversation_origin(conn: Connection) -> None:
    """A conversation continued from another's message records where it came from (JSON; NULL for the rest)."""
    conn.exec_driver_sql("ALTER TABLE conversations ADD COLUMN origin TEXT")


@migration
def m008_challenge(conn: Connection) -> None:
    """The challenge: each visitor's progress, every attempt and guess, and the attacks level 8 learns from."""
    conn.exec_driver_sql(
        "CREATE TABLE challenge_progress ("
        " owner VARCHAR(200) PRIMARY KEY, passed TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,"
        " updated_at DOUBLE PRECISION NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TABLE challenge_attempts ("
        " id VARCHAR(36) PRIMARY KEY, owner VARCHAR(200) NOT NULL, level INTEGER NOT NULL, prompt TEXT NOT NULL,"
        " reply TEXT NOT NULL, blocked_by VARCHAR(20) NOT NULL, check_name VARCHAR(60) NOT NULL, reason TEXT NOT NULL,"
        " leaked BOOLEAN NOT NULL, category VARCHAR(40) NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
        " room_id VARCHAR(36))"
    )
    conn.exec_driver_sql("CREATE INDEX challenge_attempts_by_owner ON challenge_attempts (owner, level, created_at)")
    conn.exec_driver_sql("CREATE INDEX challenge_attempts_by_room ON challenge_attempts (room_id, created_at)")
    conn.exec_driver_sql(
        "CREATE TABLE challenge_guesses ("
        " id VARCHAR(36) PRIMARY KEY, owner VARCHAR(200) NOT NULL, level INTEGER NOT NULL, guess TEXT NOT NULL,"
        " correct BOOLEAN NOT NULL, created_at DOUBLE PRECISION NOT NULL, room_id VARCHAR(36))"
    )
    conn.exec_driver_sql("CREATE INDEX challenge_guesses_by_owner ON challenge_guesses (owner, level, created_at)")
    conn.exec_driver_sql(
        "CREATE TABLE challenge_adaptive ("
        " prompt_key VARCHAR(64) PRIMARY KEY, prompt TEXT NOT NULL, level INTEGER NOT NULL,"
        " owner VARCHAR(200) NOT NULL, vector TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
        " room_id VARCHAR(36))"
    )


@migration
def m009_rooms(conn: Connection) -> None:
    """Audience rooms: the room, its participants, the presenter's moderation of attempt texts, and wrong codes
    tried per browser."""
    conn.exec_driver_sql(
        "CREATE TABLE rooms ("
        " code VARCHAR(12) PRIMARY KEY, owner VARCHAR(200) NOT NULL, token_digest VARCHAR(64) NOT NULL,"
        " state VARCHAR(10) NOT NULL, level INTEGER, approve_first BOOLEAN NOT NULL, spotlight VARCHAR(36),"
        " created_at DOUBLE PRECISION NOT NULL, active_at DOUBLE PRECISION NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TABLE room_participants ("
        " room_code VARCHAR(12) NOT NULL REFERENCES rooms(code) ON DELETE CASCADE, owner VARCHAR(200) NOT NULL,"
        " nickname VARCHAR(60) NOT NULL, joined_at DOUBLE PRECISION NOT NULL, removed BOOLEAN NOT NULL,"
        " PRIMARY KEY (room_code, owner))"
    )
    conn.exec_driver_sql(
        "CREATE TABLE room_moderation ("
        " attempt_id VARCHAR(36) PRIMARY KEY, room_code VARCHAR(12) NOT NULL, state VARCHAR(10) NOT NULL,"
        " updated_at DOUBLE PRECISION NOT NULL)"
    )
    conn.exec_driver_sql(
        "CREATE TABLE room_join_tries ("
        " owner VARCHAR(200) NOT NULL, typed VARCHAR(40) NOT NULL, created_at DOUBLE PRECISION NOT NULL)"
    )
    conn.exec_driver_sql("CREATE INDEX room_join_tries_by_owner ON room_join_tries (owner, created_at)")


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
    sa.Column("active_leaf", sa.String(64)),
    sa.Column("origin", sa.Text),
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
    sa.Column("id", sa.String(64)),
    sa.Column("parent_id", sa.String(64)),
)
"""A conversation's messages on every branch: `position` numbers them in the order written, `parent_id` links each
to the one it follows (children are found by query, never listed beside their parent)."""
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
scorecard_runs = sa.Table(
    "scorecard_runs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(200)),
    sa.Column("created_at", sa.Float),
    sa.Column("updated_at", sa.Float),
    sa.Column("layers", sa.Text),
    sa.Column("model", sa.Text),
    sa.Column("prompt_set", sa.Text),
    sa.Column("digest", sa.String(64)),
    sa.Column("sample", sa.Text),
    sa.Column("planned", sa.Integer),
    sa.Column("scored", sa.Integer),
    sa.Column("status", sa.String(20)),
    sa.Column("results", sa.Text),
    sa.Column("figures", sa.Text),
)
"""One row per scorecard run: `results` holds the scored rows and `figures` their rates, both as JSON."""


challenge_progress = sa.Table(
    "challenge_progress",
    metadata,
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("passed", sa.Text),
    sa.Column("started_at", sa.Float),
    sa.Column("updated_at", sa.Float),
)
"""A visitor's levels passed (a JSON list) since `started_at`, when the challenge was started or reset."""
challenge_attempts = sa.Table(
    "challenge_attempts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(200)),
    sa.Column("level", sa.Integer),
    sa.Column("prompt", sa.Text),
    sa.Column("reply", sa.Text),
    sa.Column("blocked_by", sa.String(20)),
    sa.Column("check_name", sa.String(60)),
    sa.Column("reason", sa.Text),
    sa.Column("leaked", sa.Boolean),
    sa.Column("category", sa.String(40)),
    sa.Column("created_at", sa.Float),
    sa.Column("room_id", sa.String(36)),
)
challenge_guesses = sa.Table(
    "challenge_guesses",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(200)),
    sa.Column("level", sa.Integer),
    sa.Column("guess", sa.Text),
    sa.Column("correct", sa.Boolean),
    sa.Column("created_at", sa.Float),
    sa.Column("room_id", sa.String(36)),
)
challenge_adaptive = sa.Table(
    "challenge_adaptive",
    metadata,
    sa.Column("prompt_key", sa.String(64), primary_key=True),
    sa.Column("prompt", sa.Text),
    sa.Column("level", sa.Integer),
    sa.Column("owner", sa.String(200)),
    sa.Column("vector", sa.Text),
    sa.Column("created_at", sa.Float),
    sa.Column("room_id", sa.String(36)),
)
"""Attacks that beat level 7, each once (keyed by the sha256 of its normalised text), with its embedding as text."""


rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("owner", sa.String(200)),
    sa.Column("token_digest", sa.String(64)),
    sa.Column("state", sa.String(10)),
    sa.Column("level", sa.Integer),
    sa.Column("approve_first", sa.Boolean),
    sa.Column("spotlight", sa.String(36)),
    sa.Column("created_at", sa.Float),
    sa.Column("active_at", sa.Float),
)
"""An audience room: the presenter token is kept only as its sha256 digest."""
room_participants = sa.Table(
    "room_participants",
    metadata,
    sa.Column("room_code", sa.String(12), primary_key=True),
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("nickname", sa.String(60)),
    sa.Column("joined_at", sa.Float),
    sa.Column("removed", sa.Boolean),
)
room_moderation = sa.Table(
    "room_moderation",
    metadata,
    sa.Column("attempt_id", sa.String(36), primary_key=True),
    sa.Column("room_code", sa.String(12)),
    sa.Column("state", sa.String(10)),
    sa.Column("updated_at", sa.Float),
)
"""The presenter's decision on an attempt's text (no row: still waiting)."""
room_join_tries = sa.Table(
    "room_join_tries",
    metadata,
    sa.Column("owner", sa.String(200)),
    sa.Column("typed", sa.String(40)),
    sa.Column("created_at", sa.Float),
)


def upgrade_schema(conn: Connection) -> int:
    """Run the migrations a database lacks (serialised on PostgreSQL); returns the schema version."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7342001)")
    version = read_version(conn)
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        step(conn)
        conn.exec_driver_sql(f"UPDATE schema_version SET version = {number}")
    return len(MIGRATIONS)


def read_version(conn: Connection) -> int:
    """The version a database is at (0: empty), creating the version table when it has none."""
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    version = conn.exec_driver_sql("SELECT version FROM schema_version").scalar()
    if version is None:
        conn.exec_driver_sql("INSERT INTO schema_version (version) VALUES (0)")
        return 0
    return version
