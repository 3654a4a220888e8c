"""Thumbs between the feedback widget and the store, and the tally as the page's table."""

import pytest

from chat_core.lab.feedback import Tally, tally_rows, thumbs_up_from, widget_value_from


@pytest.mark.parametrize(("widget", "stored"), [(1, True), (0, False), (None, None)])
def test_a_thumb_goes_to_the_store_and_back_unchanged(widget, stored):
    assert thumbs_up_from(widget) is stored
    assert widget_value_from(stored) == widget


def test_the_tally_table_puts_the_set_that_earns_the_most_thumbs_up_first():
    rows = tally_rows([Tally("Python", ups=1, downs=3), Tally("", ups=2, downs=2), Tally("Terse", ups=3, downs=1)])
    assert [(r["example set"], r["👍"], r["👎"], r["total"], r["share up"]) for r in rows] == [
        ("Terse", 3, 1, 4, 0.75),
        ("(no examples)", 2, 2, 4, 0.5),
        ("Python", 1, 3, 4, 0.25),
    ]
