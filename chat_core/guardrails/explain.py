"""Verdicts told for an audience: which layer stopped a turn and why, and one line per layer under each reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.checks import LAYER_NAMES, Verdict
from chat_core.guardrails.data import CATEGORIES
from chat_core.guardrails.normalise import normalise
from chat_core.guardrails.refusal import refused_by_model

FLOW = ("input", "judge", "system", "output")
"""The order a message meets the layers: checks on the way in, the model and its rules, the check on the way out."""
CHECK_NAMES = {
    "rules": "its readable rules",
    "classifier": "the advice classifier",
    "advice_in_reply": "the advice detector",
    "prompt_leak": "the leak detector",
    "openai_moderation": "OpenAI's moderation endpoint",
    "guard_model": "the guard model",
    "refused_by_model": "the model itself",
}
ICONS = {"blocked": "🛑", "passed": "✅", "off": "⚪", "not reached": "⏭️", "did not run": "➖"}
_QUOTED = re.compile(r":\s*“[^”]*”\.?$")
_NEIGHBOUR = re.compile(r"^(?P<similarity>\d+(?:\.\d+)?) · (?P<label>\w+) · (?P<category>[^:]+): (?P<prompt>.*)$", re.S)


@dataclass(frozen=True)
class Neighbour:
    """A labelled training example close in meaning to what the check read."""

    prompt: str
    label: str = ""
    category: str = ""
    similarity: float | None = None

    @property
    def reads(self) -> str | None:
        """What a disguised example says once the disguise is undone (base64, ROT13, spacing...), if it is one."""
        seen = normalise(self.prompt)
        return seen.text.strip() if seen.changed else None


ATTACK_KINDS = {
    "instruction_override": "tries to get around the rules",
    "roleplay_persona": "asks for advice in a role-play",
    "prompt_extraction": "asks for the hidden instructions",
}
"""How a labelled attack is told by its category; any other attack asks for advice."""


def what_it_does(example: Neighbour) -> str:
    """What a labelled training example does, in plain words ("asks for advice", "fine to answer")."""
    if example.label == "benign":
        return "fine to answer"
    if example.label != "attack":
        return example.label
    key = next((k for k, name in CATEGORIES.items() if example.category in (k, name)), "")
    return ATTACK_KINDS.get(key, "asks for advice")


def neighbours_of(verdict: Verdict) -> list[Neighbour]:
    """The verdict's closest labelled examples, split into their parts (kept whole when the text has no parts)."""
    out = []
    for text in verdict.neighbours:
        match = _NEIGHBOUR.match(text)
        if match is None:
            out.append(Neighbour(text))
        else:
            parts = match.groupdict()
            out.append(Neighbour(parts["prompt"], parts["label"], parts["category"], float(parts["similarity"])))
    return out


def told_reason(verdict: Verdict) -> str:
    """The verdict's reason as the audience reads it: an output check's reason without the caught text it quotes."""
    if verdict.layer != "output":
        return verdict.reason
    return _QUOTED.sub(".", verdict.reason)


def told_summary(verdict: Verdict) -> str:
    """`Verdict.summary()` with the reason as the audience reads it."""
    return verdict.summary().replace(verdict.reason, told_reason(verdict), 1)


@dataclass(frozen=True)
class Explanation:
    """Why a turn was stopped, in the words shown to the audience."""

    layer: str
    headline: str
    reason: str
    score: float | None = None
    threshold: float | None = None
    decoded: str | None = None
    neighbours: tuple[Neighbour, ...] = ()
    retracted: bool = False


def headline(verdict: Verdict, *, retracted: bool = False) -> str:
    """One sentence: which layer stopped the turn, by which check, and at what moment."""
    check = CHECK_NAMES.get(verdict.check, verdict.check)
    if verdict.layer == "input":
        return f"The input check stopped this message before the model saw it ({check})."
    if verdict.layer == "judge":
        return f"The judge stopped this message before the model saw it ({check})."
    if verdict.layer == "output" and retracted:
        return f"The model started answering; the output check caught the reply and took it back ({check})."
    if verdict.layer == "output":
        return f"The output check caught the model's reply before anyone read it ({check})."
    return f"{LAYER_NAMES.get(verdict.layer, verdict.layer)} stopped this turn ({check})."


def explain(verdict: Verdict, *, retracted: bool = False) -> Explanation:
    """The explanation of a blocking verdict: headline, reason, score against threshold, decoded text, examples."""
    return Explanation(
        verdict.layer,
        headline(verdict, retracted=retracted),
        told_reason(verdict),
        verdict.score,
        verdict.threshold,
        verdict.decoded,
        tuple(neighbours_of(verdict)),
        retracted,
    )


def blocking(verdicts: Sequence[Verdict]) -> Verdict | None:
    """The verdict that stopped the turn, if one did."""
    return next((v for v in verdicts if v.blocked), None)


def verdicts_of(meta: dict) -> list[Verdict]:
    """The verdicts recorded with a reply."""
    return [Verdict.from_dict(data) for data in meta.get("verdicts", ())]


def layers_of(meta: dict) -> tuple[str, ...]:
    """The layers that were on when the reply was sent, as recorded with it (never today's switches).

    A reply recorded before the layers were kept with it tells only the layers that left a verdict."""
    if "layers" in meta:
        return tuple(meta["layers"])
    return tuple(dict.fromkeys(v.layer for v in verdicts_of(meta)))


@dataclass(frozen=True)
class LayerLine:
    """One layer's part in a turn, in one line of plain words."""

    layer: str
    state: str
    text: str

    @property
    def icon(self) -> str:
        """A sign for the state, readable from the back of a room."""
        return ICONS[self.state]

    def __str__(self) -> str:
        return f"{self.icon} {self.text}"


def _system_line(on: bool, stopper: Verdict | None, reply: str, status: str) -> LayerLine:
    name = LAYER_NAMES["system"]
    if not on:
        return LayerLine("system", "off", f"{name} off: the model got the same role without the rules.")
    if stopper is not None and stopper.layer in ("input", "judge"):
        return LayerLine("system", "not reached", f"{name} not reached: the model never saw the message.")
    if stopper is not None:
        return LayerLine("system", "passed", f"{name} did not hold: the model answered anyway, against its rules.")
    if status in ("error", "stopped") or not reply:
        return LayerLine("system", "did not run", f"{name}: the reply ended before it said anything.")
    if refused_by_model(reply):
        return LayerLine("system", "blocked", f"{name} held: the model declined by itself.")
    return LayerLine("system", "passed", f"{name} sent with the rules; the model answered.")


def layer_lines(verdicts: Sequence[Verdict], reply: str, status: str, layers: Sequence[str]) -> list[LayerLine]:
    """A line per layer, in the order a message meets them: blocked, passed, off, or never reached."""
    stopper = blocking(verdicts)
    lines = []
    for layer in FLOW:
        name = LAYER_NAMES[layer]
        mine = [v for v in verdicts if v.layer == layer]
        on = layer in layers or bool(mine)
        if layer == "system":
            lines.append(_system_line(on, stopper, reply, status))
        elif not on:
            lines.append(LayerLine(layer, "off", f"{name} off."))
        elif any(v.blocked for v in mine):
            lines.append(LayerLine(layer, "blocked", told_summary(blocking(mine))))
        elif mine:
            lines.append(LayerLine(layer, "passed", f"{name} passed: " + " ".join(v.reason for v in mine)))
        elif stopper is not None:
            lines.append(LayerLine(layer, "not reached", f"{name} not reached: an earlier layer stopped the turn."))
        else:
            lines.append(LayerLine(layer, "did not run", f"{name} did not run: the reply ended early."))
    return lines
