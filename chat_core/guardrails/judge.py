"""The optional judge layer: OpenAI's moderation endpoint, and a guard model served OpenAI-compatible by URL."""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx2
import openai

from chat_core.checks import CheckInput, Verdict
from chat_core.errors import ChatError
from chat_core.guardrails.redirects import redirect_for
from chat_core.providers.sdk_errors import translate

MODERATION_HAS_NO_FINANCE_CATEGORY = (
    "OpenAI's moderation endpoint looks for harm such as violence, hate, self-harm and illicit acts. "
    "It has no financial-advice category, so it lets 'which stock should I buy?' through: it is shown "
    "here to make that gap visible, not to stop advice."
)
LLAMA_GUARD_CATEGORIES = {
    "S1": "violent crimes",
    "S2": "non-violent crimes",
    "S3": "sex-related crimes",
    "S4": "child sexual exploitation",
    "S5": "defamation",
    "S6": "specialised advice (financial, medical, legal)",
    "S7": "privacy",
    "S8": "intellectual property",
    "S9": "indiscriminate weapons",
    "S10": "hate",
    "S11": "suicide and self-harm",
    "S12": "sexual content",
    "S13": "elections",
    "S14": "code interpreter abuse",
}
"""Llama Guard 3's hazard categories; S6 is the one that covers financial advice."""


class ModerationJudge:
    """Asks OpenAI's moderation endpoint about the message (needs OPENAI_API_KEY)."""

    name = "openai_moderation"

    def __init__(self, api_key: str, base_url: str | None = None, model: str = "omni-moderation-latest"):
        self.client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=httpx2.Timeout(10.0), max_retries=1)
        self.model = model
        self._secrets = (api_key,)

    def __call__(self, turn: CheckInput) -> Verdict:
        try:
            result = self.client.moderations.create(model=self.model, input=turn.user_text).results[0]
        except Exception as error:  # the judge failing must not look like a pass
            return _judge_failed(self.name, translate(error, secrets=self._secrets))
        flagged = sorted(name for name, hit in result.categories.model_dump().items() if hit)
        reason = (
            f"OpenAI moderation flagged: {', '.join(flagged)}."
            if result.flagged
            else "OpenAI moderation found nothing harmful (it has no financial-advice category)."
        )
        return Verdict(
            "judge",
            self.name,
            bool(result.flagged),
            reason,
            redirect=redirect_for(turn.user_text) if result.flagged else None,
        )


class GuardModelJudge:
    """Asks a guard model (Llama Guard style: replies 'safe' or 'unsafe' and category codes) about the message."""

    name = "guard_model"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, blocked_categories: tuple[str, ...] = ()):
        self.client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=httpx2.Timeout(30.0), max_retries=1
        )
        self.model = model
        self.blocked_categories = blocked_categories
        """Empty: any unsafe verdict blocks; else only these codes (for example ("S6",))."""
        self._secrets = (api_key,) if api_key else ()

    def __call__(self, turn: CheckInput) -> Verdict:
        history = [
            {"role": m["role"], "content": m["content"]} for m in turn.history if m.get("role") in ("user", "assistant")
        ]
        try:
            # Streamed, as the app's other calls are: every OpenAI-compatible server here speaks it.
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=[*history[-4:], {"role": "user", "content": turn.user_text}],
                temperature=0,
                max_tokens=20,
                stream=True,
            )
            answer = "".join(c.choices[0].delta.content or "" for c in stream if c.choices).strip()
        except Exception as error:
            return _judge_failed(self.name, translate(error, secrets=self._secrets))
        return self.verdict(answer, turn.user_text)

    def verdict(self, answer: str, user_text: str) -> Verdict:
        """The verdict for a guard model's answer, such as "safe" or "unsafe\\nS6"."""
        unsafe = answer.lower().startswith("unsafe")
        codes = re.findall(r"\bS\d{1,2}\b", answer.upper())
        named = ", ".join(f"{c} ({LLAMA_GUARD_CATEGORIES.get(c, 'unknown')})" for c in codes) or "no category given"
        blocked = unsafe and (not self.blocked_categories or any(c in self.blocked_categories for c in codes))
        reason = (
            f"The guard model {self.model} answered 'unsafe': {named}."
            if unsafe
            else f"The guard model {self.model} answered 'safe'."
        )
        if unsafe and not blocked:
            reason += " Not a category this lab blocks."
        return Verdict("judge", self.name, blocked, reason, redirect=redirect_for(user_text) if blocked else None)


def _judge_failed(name: str, error: ChatError) -> Verdict:
    # Fail closed: a judge that could not answer blocks, and says why, rather than waving the message through.
    return Verdict(
        "judge",
        name,
        True,
        f"The judge could not be reached, so the message was held back: {error.message}",
        redirect="The safety judge is not answering right now, so this message was not sent. Please try again shortly.",
    )


def judges_from_env(env: Mapping[str, str]) -> list:
    """The judges configured: moderation when OPENAI_API_KEY is set; a guard model when CHAT_GUARD_BASE_URL is."""
    judges: list = []
    key = (env.get("OPENAI_API_KEY") or "").strip()
    if key and (env.get("CHAT_GUARD_MODERATION", "on").strip().lower() not in ("0", "off", "false", "no")):
        judges.append(ModerationJudge(key))
    url = (env.get("CHAT_GUARD_BASE_URL") or "").strip()
    if url:
        model = (env.get("CHAT_GUARD_MODEL") or "").strip()
        if not model:
            raise ChatError(
                "CHAT_GUARD_BASE_URL is set but CHAT_GUARD_MODEL is not.",
                "Set CHAT_GUARD_MODEL to the guard model's name on that server, for example llama-guard3:1b.",
                kind="config",
            )
        codes = tuple(c.strip().upper() for c in (env.get("CHAT_GUARD_CATEGORIES") or "").split(",") if c.strip())
        judges.append(GuardModelJudge(url, model, (env.get("CHAT_GUARD_API_KEY") or "").strip() or None, codes))
    return judges
