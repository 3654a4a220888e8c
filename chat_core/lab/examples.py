"""Few-shot example sets: a system message and worked user/assistant pairs a teacher edits, checks, saves and shares."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from chat_core.errors import ChatError
from chat_core.messages import MAX_USER_CHARS, Example, Message, system_message
from chat_core.messages import example_messages as pair_messages
from chat_core.prompts import TUTOR_SUBJECTS
from chat_core.settings import Settings
from chat_core.tokens import EstimateCounter

FORMAT = "chat-lab.example-set"
VERSION = 1
MAX_EXAMPLES = 50
MAX_NAME_CHARS = 80
MAX_TEXT_CHARS = MAX_USER_CHARS
MAX_FILE_BYTES = 500_000
QUESTION_ROOM = 64
"""Tokens a set must leave free for the learner's question, besides the reply budget."""
COLUMNS = ("order", "user", "assistant")
"""The editable table's columns: `order` lets a teacher reorder rows the table cannot drag."""
_FILE_KEYS = {"format", "version", "name", "system", "examples", "exported_at"}


@dataclass(frozen=True)
class ExampleSet:
    """A named few-shot set: the system message and the worked user/assistant pairs sent before a question."""

    name: str
    system: str = ""
    examples: tuple[Example, ...] = field(default_factory=tuple)
    builtin: bool = False

    def messages(self) -> list[Message]:
        """The messages this set puts in front of every question: the system message, then the pairs in order."""
        fixed = [system_message(self.system)] if self.system.strip() else []
        return [*fixed, *pair_messages(self.examples)]

    @property
    def example_messages(self) -> int:
        """How many messages the examples take in a request (two per pair)."""
        return 2 * len(self.examples)


BUILT_IN_SETS: dict[str, ExampleSet] = {
    name: ExampleSet(name, lesson.system_prompt, tuple(lesson.examples), builtin=True)
    for name, lesson in TUTOR_SUBJECTS.items()
}
"""The tutor's subjects as example sets a teacher starts from; saved sets may not take these names."""


def _invalid(message: str, hint: str) -> ChatError:
    return ChatError(message, hint, kind="invalid_examples")


def check_example_set(example_set: ExampleSet) -> ExampleSet:
    """The set if every example has both sides and nothing is too long; a clear error naming the example if not."""
    name = example_set.name.strip()
    if not name:
        raise _invalid("An example set needs a name.", "Type a short name, such as “Fractions, step by step”.")
    if len(name) > MAX_NAME_CHARS:
        raise _invalid(
            f"That name is {len(name):,} characters; the limit is {MAX_NAME_CHARS}.", "Choose a shorter name."
        )
    if len(example_set.system) > MAX_TEXT_CHARS:
        raise _invalid(
            f"The system message is {len(example_set.system):,} characters; the limit is {MAX_TEXT_CHARS:,}.",
            "Shorten the system message.",
        )
    if len(example_set.examples) > MAX_EXAMPLES:
        raise _invalid(
            f"The set has {len(example_set.examples)} examples; the limit is {MAX_EXAMPLES}.",
            "A few good examples steer a model as well as many; remove some.",
        )
    for number, (question, answer) in enumerate(example_set.examples, start=1):
        for side, text in (("user question", question), ("assistant answer", answer)):
            if not isinstance(text, str) or not text.strip():
                raise _invalid(
                    f"Example {number} has no {side}.",
                    "Fill in both sides of every example, or delete the row.",
                )
            if len(text) > MAX_TEXT_CHARS:
                raise _invalid(
                    f"Example {number}'s {side} is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}.",
                    "Shorten it: examples show a style, they need not be long.",
                )
    return ExampleSet(name, example_set.system, tuple(example_set.examples), example_set.builtin)


def check_fits(example_set: ExampleSet, settings: Settings, counter: EstimateCounter) -> int:
    """Tokens the set needs (with room for a short question); a clear error saying how many too many."""
    needed = counter.count_messages(example_set.messages()) + QUESTION_ROOM
    limit = settings.context_window - settings.max_tokens
    if needed > limit:
        raise ChatError(
            f"This example set needs about {needed:,} tokens with room for a short question: {needed - limit:,} "
            f"more than the {limit:,} the model can take (a {settings.context_window:,}-token window less "
            f"{settings.max_tokens:,} kept for the reply).",
            "Remove or shorten some examples or the system message, or lower the max reply tokens in the sidebar.",
            kind="examples_too_long",
        )
    return needed


def check_usable(example_set: ExampleSet, settings: Settings, counter: EstimateCounter) -> ExampleSet:
    """The set, checked both ways: every example complete, and the whole set fits the context budget."""
    checked = check_example_set(example_set)
    check_fits(checked, settings, counter)
    return checked


def check_can_save(example_set: ExampleSet) -> ExampleSet:
    """The set if it may be saved under its name: checked, and not named like a built-in set."""
    checked = check_example_set(example_set)
    if checked.name.casefold() in {name.casefold() for name in BUILT_IN_SETS}:
        raise _invalid(
            f"“{checked.name}” is the name of a built-in set.",
            "Save your version under a name of its own, such as “My Python”.",
        )
    return checked


def to_rows(example_set: ExampleSet) -> list[dict]:
    """The examples as table rows for `st.data_editor`: order, user, assistant."""
    return [
        {"order": number, "user": question, "assistant": answer}
        for number, (question, answer) in enumerate(example_set.examples, start=1)
    ]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def _order(value: object) -> float:
    if isinstance(value, bool) or value is None:
        return math.inf
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.inf
    return math.inf if math.isnan(number) else number


def from_rows(rows: Iterable[Mapping[str, object]], *, name: str, system: str = "") -> ExampleSet:
    """An example set from the edited table: blank rows are skipped, rows sort by `order`, half-filled rows refused.

    `rows` is what `st.data_editor` returns for a list of dicts (added rows hold None cells) or a DataFrame.
    """
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    filled = []
    for shown, row in enumerate(rows, start=1):
        question, answer = _cell(row.get("user")), _cell(row.get("assistant"))
        if not question.strip() and not answer.strip():
            continue
        if not question.strip() or not answer.strip():
            side = "user question" if not question.strip() else "assistant answer"
            raise _invalid(f"Row {shown} has no {side}.", "Fill in both sides of every example, or delete the row.")
        filled.append((_order(row.get("order")), shown, (question, answer)))
    filled.sort(key=lambda item: (item[0], item[1]))
    return check_example_set(ExampleSet(name, _cell(system), tuple(pair for _, _, pair in filled)))


def to_json(example_set: ExampleSet) -> str:
    """The set as a JSON file another teacher can import."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "name": example_set.name,
        "system": example_set.system,
        "examples": [{"user": question, "assistant": answer} for question, answer in example_set.examples],
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def file_name(example_set: ExampleSet) -> str:
    """A safe file name for the set's JSON export."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", example_set.name).strip("-").lower()[:60]
    return f"{stem or 'example-set'}.example-set.json"


def _refuse(message: str) -> ChatError:
    return ChatError(message, "Import a JSON file exported from the tutor lab's example editor.", kind="import")


def _refuse_constant(name: str):
    raise _refuse(f"The file holds {name}, which is not a number JSON allows.")


def parse_json(data: bytes | str) -> ExampleSet:
    """An example set read from an exported file; anything else, or anything malformed, is refused clearly."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(f"That file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse("That file is not UTF-8 text.") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise _refuse(f"That file is not valid JSON (line {exc.lineno}, column {exc.colno}).") from None
    except RecursionError:
        raise _refuse("That file is nested too deeply to be an example set.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _refuse(f"That file is not an example set (its format should be “{FORMAT}”).")
    if document.get("version") != VERSION:
        raise _refuse(f"That file is version {str(document.get('version'))[:20]}; this app reads version {VERSION}.")
    unknown = sorted(set(document) - _FILE_KEYS)
    if unknown:
        raise _refuse(f"That file has fields an example set does not: {', '.join(k[:40] for k in unknown[:5])}.")
    name, system, examples = document.get("name"), document.get("system", ""), document.get("examples")
    if not isinstance(name, str):
        raise _refuse("The set's name must be text.")
    if not isinstance(system, str):
        raise _refuse("The set's system message must be text.")
    if not isinstance(examples, list):
        raise _refuse("The set's examples must be a list.")
    if len(examples) > MAX_EXAMPLES:
        raise _refuse(f"The file has {len(examples):,} examples; the limit is {MAX_EXAMPLES}.")
    pairs = []
    for number, item in enumerate(examples, start=1):
        if not isinstance(item, dict) or set(item) != {"user", "assistant"}:
            raise _refuse(f"Example {number} must be an object with exactly a “user” and an “assistant” text.")
        if not isinstance(item["user"], str) or not isinstance(item["assistant"], str):
            raise _refuse(f"Example {number}'s user and assistant must both be text.")
        pairs.append((item["user"], item["assistant"]))
    try:
        return check_example_set(ExampleSet(name, system, tuple(pairs)))
    except ChatError as error:
        raise _refuse(error.message) from None
