"""A conversation as a tree of messages: each names its parent, children are found by asking who names them.

Nodes come in the order they were written. Nothing here stores a list of children beside the parent links, so the
two can never disagree: a reply regenerated, or a question edited, is one more node under the same parent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from chat_core.errors import ChatError


class Node(Protocol):
    """What the tree needs of a message: its id and its parent's (None at the top)."""

    id: str
    parent: str | None


N = TypeVar("N", bound=Node)


def tree_error(message: str) -> ChatError:
    """A tree that cannot be followed: a missing parent, a cycle, a version that does not exist."""
    return ChatError(message, "Nothing was changed.", kind="tree")


def children(nodes: Sequence[N], parent: str | None) -> list[N]:
    """The messages directly under `parent` (None: the first messages), oldest first."""
    return [node for node in nodes if node.parent == parent]


def siblings(nodes: Sequence[N], node_id: str) -> list[N]:
    """The versions of a message: every message with its parent, itself included, oldest first."""
    return children(nodes, _find(nodes, node_id).parent)


def path_to(nodes: Sequence[N], leaf: str | None) -> list[N]:
    """The messages from the top down to `leaf` (None: an empty path): what the model is sent."""
    by_id = {node.id: node for node in nodes}
    path: list[N] = []
    seen: set[str] = set()
    current = leaf
    while current is not None:
        if current in seen:
            raise tree_error("The conversation's messages form a cycle.")
        if current not in by_id:
            raise tree_error(f"A message names a parent that does not exist ({current[:40]}).")
        seen.add(current)
        path.append(by_id[current])
        current = by_id[current].parent
    return path[::-1]


def newest_leaf(nodes: Sequence[N], node_id: str) -> str:
    """The newest message at or under `node_id`: where its branch was left (a child is always newer than its
    parent, so the newest of the branch has nothing under it)."""
    under = {node_id}
    newest = node_id
    for node in nodes:
        if node.parent in under:
            under.add(node.id)
            newest = node.id
    return newest


def switched(nodes: Sequence[N], node_id: str, step: int, left: Mapping[str, str] | None = None) -> str:
    """The active leaf after moving `step` versions from `node_id` (-1: the previous one): where that version's branch
    was left (`left`: version id -> the leaf shown when the page last moved away from it), else its newest message.
    A version past either end is refused."""
    versions = siblings(nodes, node_id)
    index = next(i for i, node in enumerate(versions) if node.id == node_id) + step
    if not 0 <= index < len(versions):
        raise tree_error(f"There is no version {index + 1} of this message; it has {len(versions)}.")
    target = versions[index].id
    remembered = (left or {}).get(target)
    if remembered is not None and any(node.id == target for node in path_to(nodes, remembered)):
        return remembered
    return newest_leaf(nodes, target)


def check_tree(nodes: Sequence[N]) -> None:
    """Refuse a tree that cannot be followed: two messages with one id, a missing parent, a cycle."""
    ids = [node.id for node in nodes]
    if len(set(ids)) != len(ids):
        raise tree_error("Two messages have the same id.")
    by_id = {node.id: node for node in nodes}
    followed: set[str] = set()  # ids whose way up is known to end at the top
    for node in nodes:
        walked: set[str] = set()
        current: str | None = node.id
        while current is not None and current not in followed:
            if current in walked:
                raise tree_error("The conversation's messages form a cycle.")
            if current not in by_id:
                raise tree_error(f"A message names a parent that does not exist ({current[:40]}).")
            walked.add(current)
            current = by_id[current].parent
        followed |= walked


def _find(nodes: Sequence[N], node_id: str) -> N:
    for node in nodes:
        if node.id == node_id:
            return node
    raise tree_error(f"There is no message {node_id[:40]} in this conversation.")


def versions(nodes: Sequence[N]) -> dict[str, tuple[int, int]]:
    """Every message's (version, of how many), read in one pass over the tree."""
    by_parent: dict[str | None, list[str]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent, []).append(node.id)
    return {node_id: (index, len(ids)) for ids in by_parent.values() for index, node_id in enumerate(ids, start=1)}
