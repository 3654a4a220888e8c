"""An audience room: a short join code, a secret presenter link, nicknames, what the wall may show and its tallies.

Pure: the store keeps rooms, participants and attempts; the pages draw what these functions decide.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from better_profanity import profanity

from chat_core.errors import ChatError

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
"""Letters and digits a room code is made of: none that reads as another (no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B)."""
CODE_LENGTH = 6
ROOM_IDLE_SECONDS = 4 * 3600.0
"""A room with no activity for this long has expired."""
MAX_NICKNAME_CHARS = 24
JOIN_TRIES = 5
"""Wrong room codes a browser may enter in JOIN_WINDOW seconds before it must wait."""
JOIN_WINDOW = 60.0
OPEN, LOCKED, CLOSED = "open", "locked", "closed"
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
"""An attempt's text on the wall: waiting for the presenter, shown, or kept off it."""

ADJECTIVES = (
    "Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Jolly", "Keen", "Lucky", "Merry", "Nimble",
    "Patient", "Polite", "Quick", "Quiet", "Sunny", "Swift", "Tidy", "Witty", "Bold", "Bright", "Cosy", "Daring",
)  # fmt: skip
ANIMALS = (
    "Otter", "Badger", "Falcon", "Heron", "Koala", "Lynx", "Marten", "Panda", "Puffin", "Raven", "Robin", "Seal",
    "Stoat", "Swan", "Tiger", "Walrus", "Wombat", "Yak", "Zebra", "Beaver", "Bison", "Crane", "Gecko", "Ibis",
)  # fmt: skip

profanity.load_censor_words()


def unreachable_from_phones(address: str) -> bool:
    """Whether a join address names the presenter's own computer only (a phone cannot open it)."""
    host = address.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]").lower()
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")


def room_error(message: str, hint: str = "") -> ChatError:
    """Something about a room a person can fix or should know: a wrong code, a locked room, a bad nickname."""
    return ChatError(message, hint, kind="room")


def new_code(choose: random.Random | None = None) -> str:
    """A fresh join code (`choose` gives repeatable codes in tests)."""
    pick = choose.choice if choose is not None else secrets.choice
    return "".join(pick(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def read_code(text: str) -> str:
    """A typed room code as stored: case, spaces and dashes ignored; a code of the wrong shape is refused."""
    code = re.sub(r"[\s\-]+", "", text or "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise room_error(
            "That is not a room code.",
            f"A room code has {CODE_LENGTH} letters and digits, as shown on the presenter's screen.",
        )
    return code


def new_presenter_token() -> str:
    """The secret in the presenter link: unguessable, shown once, stored only as its digest."""
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """What the database keeps of a presenter token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def presenter_allowed(given: str | None, stored_digest: str) -> bool:
    """Whether a presenter link's token is this room's (compared in constant time)."""
    if not given:
        return False
    return hmac.compare_digest(token_digest(given), stored_digest)


@dataclass(frozen=True)
class Room:
    """A room as stored: its code, state, the level everyone plays (None: each climbs freely), whether attempt texts
    wait for approval before the wall shows them, when it was last active, and the attempt in the spotlight."""

    code: str
    owner: str
    token_digest: str
    state: str = OPEN
    level: int | None = None
    approve_first: bool = True
    created_at: float = 0.0
    active_at: float = 0.0
    spotlight: str | None = None
    """The id of the attempt the presenter put on the big screen, if any."""

    def expired(self, now: float) -> bool:
        """Whether the room has had no activity for too long."""
        return now - self.active_at > ROOM_IDLE_SECONDS


def join_problem(room: Room | None, now: float) -> ChatError | None:
    """Why a participant cannot join or play now, in plain words; None when they can."""
    if room is None:
        return room_error("There is no room with that code.", "Check the code on the presenter's screen.")
    if room.state == CLOSED or room.expired(now):
        return room_error("This room has closed.", "Ask the presenter for a new code.")
    if room.state == LOCKED:
        return room_error("The presenter has paused this room.", "Attempts open again when the presenter reopens it.")
    return None


def new_nickname(choose: random.Random | None = None) -> str:
    """A generated two-word nickname ("Brave Otter")."""
    pick = choose.choice if choose is not None else secrets.choice
    return f"{pick(ADJECTIVES)} {pick(ANIMALS)}"


def read_nickname(text: str) -> str:
    """A nickname a participant typed, tidied; refused when empty, too long, or offensive."""
    name = unicodedata.normalize("NFKC", text or "")
    name = " ".join("".join(char for char in name if char.isspace() or unicodedata.category(char)[0] != "C").split())
    if not name:
        raise room_error("A nickname cannot be empty.", "Type a name, or keep the one given.")
    if len(name) > MAX_NICKNAME_CHARS:
        raise room_error(f"A nickname has at most {MAX_NICKNAME_CHARS} characters.", "Shorten it.")
    if profanity.contains_profanity(name) or profanity.contains_profanity(name.replace(" ", "")):
        raise room_error("That nickname is not allowed here.", "Choose another one.")
    return name


def free_nickname(wanted: str, taken: Iterable[str]) -> str:
    """`wanted`, or, when someone in the room has it already (in any case), it with the first free number after it
    ("Brave Otter 2"): two people never share a name on the wall."""
    used = {name.casefold() for name in taken}
    name, number = wanted, 1
    while name.casefold() in used:
        number += 1
        name = f"{wanted} {number}"
    return name


def nickname_problem(wanted: str, taken: Iterable[str]) -> ChatError | None:
    """Why a participant cannot take the nickname they typed (someone else has it), or None."""
    if wanted.casefold() in {name.casefold() for name in taken}:
        return room_error(f"Someone in this room is already called “{wanted}”.", "Choose another nickname.")
    return None


@dataclass(frozen=True)
class WallAttempt:
    """An attempt as the wall may need it: who, at which level, what stopped it (or "none") and why, whether the pick
    leaked, its text and reply, and whether the presenter approved the text for the wall."""

    id: str
    nickname: str
    level: int
    blocked_by: str
    leaked: bool
    prompt: str
    reason: str = ""
    moderation: str = PENDING
    created_at: float = 0.0
    reply: str = ""


def shown_text(attempt: WallAttempt, approve_first: bool) -> str | None:
    """The attempt's text as the wall may show it: only once approved, when approval is on; never when rejected."""
    if attempt.moderation == REJECTED:
        return None
    if approve_first and attempt.moderation != APPROVED:
        return None
    return attempt.prompt


@dataclass
class LevelTally:
    """One level's numbers on the wall: attempts, how many each layer stopped, how many leaked the pick."""

    attempts: int = 0
    stopped_by: Counter = field(default_factory=Counter)
    leaked: int = 0


def tallies(attempts: Iterable[WallAttempt]) -> dict[int, LevelTally]:
    """The wall's numbers per level, lowest level first."""
    by_level: dict[int, LevelTally] = {}
    for attempt in attempts:
        tally = by_level.setdefault(attempt.level, LevelTally())
        tally.attempts += 1
        if attempt.blocked_by != "none":
            tally.stopped_by[attempt.blocked_by] += 1
        tally.leaked += attempt.leaked
    return dict(sorted(by_level.items()))


def passed_levels(passes: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """Who has passed which levels, from (nickname, level) pairs: each nickname's levels, in order."""
    by_name: dict[str, set[int]] = {}
    for nickname, level in passes:
        by_name.setdefault(nickname, set()).add(level)
    return {name: sorted(levels) for name, levels in sorted(by_name.items())}


def latest(attempts: Sequence[WallAttempt], count: int = 8) -> list[WallAttempt]:
    """The newest attempts, newest first."""
    return sorted(attempts, key=lambda attempt: attempt.created_at, reverse=True)[:count]


PLAYING_WINDOW = 300.0
"""A participant with an attempt this recent counts as playing now."""


def playing_now(attempts: Iterable[WallAttempt], now: float) -> int:
    """How many people sent an attempt in the last few minutes (those who joined and left do not count)."""
    return len({attempt.nickname for attempt in attempts if now - attempt.created_at <= PLAYING_WINDOW})
