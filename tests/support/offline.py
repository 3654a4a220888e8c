"""Settings for pure tests that plan requests but never send one: nothing listens at their address."""

from __future__ import annotations

from chat_core.settings import Settings, load_settings

UNREACHABLE = "http://127.0.0.1:9/v1"


def offline_settings(**overrides: object) -> Settings:
    """Deterministic settings for an OpenAI-compatible server that is never called, with some values changed."""
    base = load_settings(
        {"OPENAI_BASE_URL": UNREACHABLE, "CHAT_MODEL": "m", "CHAT_TEMPERATURE": "0", "CHAT_SEED": "42"}
    )
    return base.with_overrides(**overrides)
