"""The tree of a conversation's messages: paths, versions and switches, on plain nodes."""

from dataclasses import dataclass

import pytest

from chat_core.errors import ChatError
from chat_core.tree import check_tree, children, newest_leaf, path_to, siblings, switched, versions


@dataclass
class Node:
    id: str
    parent: str | None


def grown() -> list[Node]:
    """q1 -> a1, regenerated as a1b; a1 -> q2 -> a2; q2 edited as q2b -> a2b (in the order written)."""
    return [
        Node("q1", None), Node("a1", "q1"), Node("q2", "a1"), Node("a2", "q2"), Node("a1b", "q1"),
        Node("q2b", "a1"), Node("a2b", "q2b"),
    ]  # fmt: skip


def ids(nodes: list[Node]) -> list[str]:
    return [node.id for node in nodes]


def test_the_path_to_a_leaf_runs_from_the_first_message_down():
    assert ids(path_to(grown(), "a2b")) == ["q1", "a1", "q2b", "a2b"]


def test_no_leaf_is_an_empty_path():
    assert path_to(grown(), None) == []


def test_children_are_found_by_their_parent_link_oldest_first():
    assert ids(children(grown(), "q1")) == ["a1", "a1b"]
    assert ids(children(grown(), None)) == ["q1"]


def test_the_siblings_of_a_message_are_its_versions_itself_included():
    assert ids(siblings(grown(), "a1b")) == ["a1", "a1b"]
    assert ids(siblings(grown(), "q1")) == ["q1"]


def test_a_sibling_added_is_one_more_node_under_the_same_parent():
    nodes = [*grown(), Node("a1c", "q1")]
    assert ids(siblings(nodes, "a1")) == ["a1", "a1b", "a1c"]


def test_every_message_knows_its_version_and_how_many_there_are():
    found = versions(grown())
    assert (found["a1"], found["a1b"], found["q2b"], found["q1"]) == ((1, 2), (2, 2), (2, 2), (1, 1))


def test_the_newest_leaf_under_a_message_is_where_its_branch_was_left():
    assert newest_leaf(grown(), "a1") == "a2b"
    assert newest_leaf(grown(), "q2") == "a2"
    assert newest_leaf(grown(), "a1b") == "a1b"


@pytest.mark.parametrize(
    ("start", "step", "leaf"),
    [("a1", 1, "a1b"), ("a1b", -1, "a2b"), ("q2b", -1, "a2"), ("q2", 1, "a2b")],
    ids=["next reply", "previous reply and its newest branch", "previous question", "next question"],
)
def test_switching_goes_to_the_siblings_newest_leaf(start, step, leaf):
    assert switched(grown(), start, step) == leaf


@pytest.mark.parametrize(("start", "step"), [("a1", -1), ("a1b", 1), ("q1", 1)])
def test_a_version_past_either_end_is_refused(start, step):
    with pytest.raises(ChatError) as caught:
        switched(grown(), start, step)
    assert caught.value.kind == "tree" and "no version" in caught.value.message


def test_an_unknown_message_is_refused():
    with pytest.raises(ChatError, match="no message"):
        siblings(grown(), "nope")


@pytest.mark.parametrize(
    ("nodes", "said"),
    [
        ([Node("a", None), Node("b", "ghost")], "does not exist"),
        ([Node("a", "b"), Node("b", "a")], "cycle"),
        ([Node("a", None), Node("a", None)], "same id"),
    ],
    ids=["missing parent", "cycle", "duplicate id"],
)
def test_a_tree_that_cannot_be_followed_is_refused(nodes, said):
    with pytest.raises(ChatError, match=said):
        check_tree(nodes)


def test_a_sound_tree_passes_the_check():
    check_tree(grown())
