"""Few-shot example sets saved under a name, per owner."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa

from chat_core.errors import ChatError
from chat_core.lab.examples import ExampleSet, check_can_save
from chat_core.store.database import upsert
from chat_core.store.schema import example_sets


class ExampleSets:
    """The store's saved example sets (a part of `Store`)."""

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
        self._run(lambda conn: upsert(conn, example_sets, row, ["owner", "name"], changes))

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


def _example_set(row) -> ExampleSet:
    return ExampleSet(row.name, row.system, tuple((question, answer) for question, answer in json.loads(row.examples)))


def _no_example_set(name: str) -> ChatError:
    return ChatError(
        f"There is no saved example set called “{name}”.",
        "Pick one from the list, or save the current examples under a name.",
        kind="not_found",
    )
