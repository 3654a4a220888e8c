"""Thumbs on tutor replies: between the feedback widget's numbers and the store's booleans, and the tally as a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

THUMBS_DOWN, THUMBS_UP = 0, 1
"""What a thumbs feedback widget returns for each thumb (None: not rated)."""


@dataclass(frozen=True)
class Tally:
    """Thumbs up and down on the replies made with one example set."""

    example_set: str
    ups: int
    downs: int

    @property
    def total(self) -> int:
        """Every reply rated with this set."""
        return self.ups + self.downs


def thumbs_up_from(widget_value: int | None) -> bool | None:
    """The store's value for what the widget shows: True up, False down, None not rated."""
    return None if widget_value is None else widget_value == THUMBS_UP


def widget_value_from(thumbs_up: bool | None) -> int | None:
    """The widget's value for a stored thumb, to show a rating given earlier."""
    return None if thumbs_up is None else (THUMBS_UP if thumbs_up else THUMBS_DOWN)


def tally_rows(tallies: Iterable[Tally]) -> list[dict]:
    """One row per example set for a table: ups, downs, total and the share of thumbs up, best share first."""
    rows = [
        {
            "example set": tally.example_set or "(no examples)",
            "👍": tally.ups,
            "👎": tally.downs,
            "total": tally.total,
            "share up": round(tally.ups / tally.total, 2) if tally.total else 0.0,
        }
        for tally in tallies
    ]
    return sorted(rows, key=lambda row: (-row["share up"], -row["total"], row["example set"]))
