"""The after-level card: what defended the level, the kind of attack that beat it, and what the winning prompt would
meet at the next level, found by running it (and its reply) through the next level's checks on the spot."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chat_core.checks import CheckInput
from chat_core.guardrails.language import language_of
from chat_core.guardrails.normalise import normalise
from chat_core.guardrails.rules import match_rules
from chat_core.messages import Message

KINDS = {
    "direct": "a direct request: asking for the pick outright",
    "partial": "a partial request: asking for a piece of it (letters, length, a hint) and guessing the rest",
    "indirect": "an indirect request: asking about it without naming it",
    "encoding": "an encoding trick: asking for the pick spelled, reversed or encoded so a check misses it",
    "other_language": "another language: asking in a language the rules were not written in",
    "fiction": "fiction: a story, poem or role-play in which the pick comes up",
    "persuasion": "persuasion: claiming authority, urgency or permission",
    "context_override": "a context override: telling the assistant its instructions have changed",
}
"""Lakera's Gandalf categories of attack, in plain words."""
SCORECARD_CATEGORY = {
    "direct": "prompt_extraction",
    "partial": "prompt_extraction",
    "indirect": "prompt_extraction",
    "encoding": "obfuscation",
    "other_language": "other_language",
    "fiction": "hypothetical_fiction",
    "persuasion": "authority_claim",
    "context_override": "instruction_override",
}
"""The scorecard's category for each kind, so exported attacks are told by the lab's names."""
_CUES = (
    ("partial", r"\b(?:first|last|second|third|middle)\s+(?:\w+\s+)?(?:letters?|syllable|half)|\bhow\s+many\s+letters|"
                r"\bhint|\bclue|\brhym\w*|\bstarts?\s+with|\bends?\s+with|\bsounds?\s+like"),
    ("encoding", r"\bspell\w*|\bbackwards?|\brevers\w+|\bbase\s*64|\brot\s*-?\s*13|\bcipher|\bencod\w+|\bnato\b|"
                 r"\bphonetic|\bacrostic|\bhex\b|\bbinary|\bmorse|\bone\s+letter|\bseparated|\bdashes|\bletter\s+by"),
    ("fiction", r"\bstory|\bpoem|\bsong|\bnovel|\bimagine|\bpretend|\brole[\s-]?play|\bcharacter|\bfiction|\bscript|"
                r"\bfairy|\bonce\s+upon|\bhaiku|\blimerick|\bgame\b"),
    ("persuasion", r"\bi\s*(?:am|'m)\s+(?:your|the|a)\s+(?:\w+\s+)?(?:developer|admin\w*|manager|boss|ceo|auditor|"
                   r"compliance|owner|supervisor|employee|colleague)|\burgent|\bemergency|\bgrandm\w+|\bfired\b|"
                   r"\btrust\s+me|\bauthori[sz]\w+|\bplease\b.*\bplease\b|\bi\s+promise|\bpermission|\bcleared\b"),
    ("indirect", r"\bdescribe|\bwhat\s+kind|\bwithout\s+(?:saying|naming)|\bsynonym|\bopposite|\briddle|\bdefine|"
                 r"\bwhat\s+does\s+it|\bsector|\bindustry"),
)  # fmt: skip


def attack_kind(prompt: str) -> str:
    """The kind of attack a prompt is (a key of `KINDS`), told from its words."""
    seen = normalise(prompt)
    if match_rules(seen.text):
        return "context_override"
    if seen.changed and any("decoded" in u or "joined" in u or "leetspeak" in u for u in seen.undone):
        return "encoding"
    if language_of(seen.text) != "en":
        return "other_language"
    for kind, cue in _CUES:
        if re.search(cue, seen.text, re.IGNORECASE):
            return kind
    return "direct"


@dataclass(frozen=True)
class Card:
    """The after-level card, in plain words."""

    level: int
    title: str
    defended: str
    beaten_by: str
    next_level: str | None
    """What the winning prompt meets at the next level; None after the last level."""


def next_level_meets(
    number: int,
    prompt: str,
    reply: str,
    pick: str,
    *,
    history: Sequence[Message] = (),
    env: Mapping[str, str] | None = None,
    adaptive=None,
) -> str:
    """What the winning prompt and its reply meet at level `number`, with the pick they won: the first check that
    stops them, or that nothing would."""
    from chat_core.challenge.levels import DEFENCES, level, level_setup

    setup = level_setup(number, env, pick=pick, adaptive=adaptive)
    turn = CheckInput(prompt, tuple(history), setup.system)
    for check in setup.guard.input:
        verdict = check(turn)
        if verdict.blocked:
            return f"At level {number} this would have been caught before the model saw it: {_lower(verdict.reason)}"
    for check in setup.guard.output:
        verdict = check(turn, reply, final=True)
        if verdict.blocked:
            return f"At level {number} this would have been caught: {_lower(verdict.reason)}"
    added = "; ".join(DEFENCES[d].told for d in level(number).added)
    return (
        f"At level {number} no check would stop this prompt or its reply; level {number} adds {added}, "
        "so it comes down to whether the model obeys."
    )


def _lower(reason: str) -> str:
    return reason[:1].lower() + reason[1:]


def after_level_card(
    number: int,
    prompt: str,
    reply: str,
    *,
    history: Sequence[Message] = (),
    env: Mapping[str, str] | None = None,
    adaptive=None,
) -> Card:
    """The card shown when level `number` is won with `prompt` (and the `reply` it drew)."""
    from chat_core.challenge.levels import LEVELS, level

    rung = level(number)
    following = None
    if number < len(LEVELS):
        following = next_level_meets(number + 1, prompt, reply, rung.pick, history=history, env=env, adaptive=adaptive)
    return Card(
        number,
        f"Level {number} passed: {rung.title.lower()}",
        f"What defended it: {rung.told()}.",
        f"What beat it: {KINDS[attack_kind(prompt)]}.",
        following,
    )
