"""Role messages and request building: the exact `messages` list a chat model is sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from chat_core.errors import ChatError

ROLES = ("system", "user", "assistant")
MAX_USER_CHARS = 8000
"""The longest message a user may send; longer ones are refused before any model call."""

Message = dict[str, str]
Example = tuple[str, str]


def make_message(role: str, content: object) -> Message:
    """One chat message, checked: a known role and non-empty text."""
    if role not in ROLES:
        raise ChatError(
            f"Unknown message role {role!r}.",
            f"A message's role is one of: {', '.join(ROLES)}.",
            kind="invalid_message",
        )
    if not isinstance(content, str):
        raise ChatError(
            f"A {role} message must be text, not {type(content).__name__}.",
            "Pass the message content as a string.",
            kind="invalid_message",
        )
    if not content.strip():
        raise ChatError(
            f"A {role} message cannot be empty.",
            "Type some text before sending.",
            kind="invalid_message",
        )
    return {"role": role, "content": content}


def system_message(text: str) -> Message:
    """The message that sets behaviour, tone and rules."""
    return make_message("system", text)


def user_message(text: str) -> Message:
    """A question or instruction from the person chatting."""
    return make_message("user", text)


def assistant_message(text: str) -> Message:
    """An earlier reply, or a worked example of the reply wanted."""
    return make_message("assistant", text)


def example_messages(examples: Iterable[Example]) -> list[Message]:
    """Few-shot examples as user/assistant pairs, in order."""
    pairs: list[Message] = []
    for question, answer in examples:
        pairs += [user_message(question), assistant_message(answer)]
    return pairs


def check_history(history: Iterable[Mapping[str, object]]) -> list[Message]:
    """Earlier turns as clean role messages (extra keys such as status are dropped)."""
    cleaned = []
    for item in history:
        if not isinstance(item, Mapping):
            raise ChatError(
                "A conversation turn must be a mapping with a role and content.",
                kind="invalid_message",
            )
        role = item.get("role")
        if role == "system":
            raise ChatError(
                "The conversation history holds a system message.",
                "Pass the system prompt on its own; history holds user and assistant turns.",
                kind="invalid_message",
            )
        cleaned.append(make_message(str(role), item.get("content")))
    return cleaned


def check_user_text(text: object) -> str:
    """The user's typed text if it may be sent; a clear error when it is too long or empty.

    NUL characters (invisible, and refused by PostgreSQL's text columns) are dropped; everything else is kept as typed.
    """
    if isinstance(text, str):
        text = text.replace("\x00", "")
    message = make_message("user", text)
    if len(message["content"]) > MAX_USER_CHARS:
        raise ChatError(
            f"That message is {len(message['content']):,} characters; the limit is {MAX_USER_CHARS:,}.",
            "Shorten it, or split it over several messages.",
            kind="message_too_long",
        )
    return message["content"]


def request_parts(
    system: str | None,
    examples: Sequence[Example],
    history: Iterable[Mapping[str, object]],
    user_text: str,
) -> tuple[list[Message], list[Message], Message]:
    """The request in three parts: what always stays (system, examples), the history, the question."""
    fixed = [system_message(system)] if system and system.strip() else []
    fixed += example_messages(examples)
    return fixed, check_history(history), user_message(user_text)


def build_request(
    system: str | None,
    examples: Sequence[Example],
    history: Iterable[Mapping[str, object]],
    user_text: str,
) -> list[Message]:
    """System prompt, then few-shot pairs, then the conversation so far, then the new question."""
    fixed, turns, question = request_parts(system, examples, history, user_text)
    return [*fixed, *turns, question]
