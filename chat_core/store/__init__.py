"""Everything the app keeps, in a real database (SQLite by default, PostgreSQL by URL), one module per noun."""

from __future__ import annotations

from chat_core.store.challenge import Challenge, Progress
from chat_core.store.conversations import Conversations, Summary, conflict_error, title_from
from chat_core.store.database import SQLITE_BUSY_SECONDS, Database, make_engine, storable, storage_error
from chat_core.store.example_sets import ExampleSets
from chat_core.store.feedback import Feedback
from chat_core.store.rooms import Rooms
from chat_core.store.schema import MIGRATIONS, SCHEMA_VERSION, migration, reply_checkpoints, upgrade_schema
from chat_core.store.scorecard_runs import ScorecardRuns

__all__ = [
    "MIGRATIONS",
    "Progress",
    "SCHEMA_VERSION",
    "SQLITE_BUSY_SECONDS",
    "Store",
    "Summary",
    "conflict_error",
    "make_engine",
    "migration",
    "reply_checkpoints",
    "storable",
    "storage_error",
    "title_from",
    "upgrade_schema",
]


class Store(Database, Conversations, ExampleSets, Feedback, ScorecardRuns, Challenge, Rooms):
    """Reads and writes conversations, example sets, feedback, scorecard runs, the challenge and audience rooms; every
    method raises
    ChatError(kind="storage") when the database fails."""
