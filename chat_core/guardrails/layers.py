"""A guard from a set of layer names: system (the guardrail prompt), input, output and judge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chat_core.checks import LAYERS, Guard
from chat_core.errors import ChatError
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT

OFFLINE_LAYERS = ("system", "input", "output")
"""Every layer that runs without a network: the configuration the targets are measured on."""
PLAIN_SYSTEM_PROMPT = "You are a finance education assistant. Answer questions about money in plain language."
"""The system prompt with the guardrail rules switched off: the same role, no rules."""


@dataclass(frozen=True)
class LayerSetup:
    """The system prompt and checks a turn runs for one choice of layers."""

    layers: tuple[str, ...]
    system: str
    guard: Guard


def parse_layers(text: str | Iterable[str]) -> tuple[str, ...]:
    """Layer names from "system,input,output" (or a list), in the canonical order; "none" means no layer."""
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    unknown = sorted(set(names) - set(LAYERS) - {"none"})
    if unknown:
        raise ChatError(
            f"Unknown guardrail layer: {', '.join(unknown)}.",
            f"Choose from {', '.join(LAYERS)} (comma-separated), or none.",
            kind="config",
        )
    return tuple(layer for layer in LAYERS if layer in names)


def build_layers(layers: str | Iterable[str], env: Mapping[str, str] | None = None, *, classifier=None) -> LayerSetup:
    """The system prompt and the checks for the chosen layers (the judge reads its settings from `env`)."""
    from chat_core.guardrails.input import ClassifierCheck, RuleCheck
    from chat_core.guardrails.judge import judges_from_env
    from chat_core.guardrails.output import AdviceOutputCheck, LeakOutputCheck

    chosen = parse_layers(layers)
    input_checks: list = []
    if "input" in chosen:
        input_checks += [RuleCheck(), ClassifierCheck(classifier)]
    if "judge" in chosen:
        judges = judges_from_env(env or {})
        if not judges:
            raise ChatError(
                "The judge layer is on, but no judge is configured.",
                "Set OPENAI_API_KEY (moderation) or CHAT_GUARD_BASE_URL and CHAT_GUARD_MODEL (a guard model).",
                kind="config",
            )
        input_checks += judges
    output_checks = [AdviceOutputCheck(), LeakOutputCheck()] if "output" in chosen else []
    system = FINANCE_GUARDRAIL_PROMPT if "system" in chosen else PLAIN_SYSTEM_PROMPT
    return LayerSetup(chosen, system, Guard(input=tuple(input_checks), output=tuple(output_checks), layers=chosen))
