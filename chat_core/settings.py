"""Configuration from the environment and a .env file (pure: takes a mapping)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

from chat_core.errors import ChatError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ("local", "openai", "compatible")
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
LOCAL_MODEL_NAME = "SmolLM2-135M-Instruct"
DEFAULT_CONTEXT_WINDOWS = {"gpt-4o": 128_000, "gpt-4.1": 1_000_000, "gpt-3.5": 16_385, "o1": 128_000}


@dataclass(frozen=True)
class Settings:
    """Which server answers, with which model, and how patiently."""

    provider: str
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    temperature: float = 0.7
    max_tokens: int = 512
    seed: int | None = None
    context_window: int = 8192
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    reply_deadline: float = 120.0
    max_retries: int = 2
    retry_backoff: float = 0.5
    local_context: int = 2048
    local_model_path: str | None = None

    @property
    def provider_label(self) -> str:
        """A short human description of who is answering."""
        if self.provider == "local":
            return "Embedded local model (offline)"
        if self.provider == "openai":
            return "OpenAI"
        return f"OpenAI-compatible server at {self.base_url}"

    def secrets(self) -> tuple[str, ...]:
        """Values that must never be shown or logged."""
        return (self.api_key,) if self.api_key else ()

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some values changed (the sidebar's choices)."""
        return replace(self, **changes)


def read_environment(env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with a .env file's values underneath: variables already set always win."""
    source = os.environ if environ is None else environ
    env_file = env_file or Path(source.get("CHAT_ENV_FILE") or PROJECT_ROOT / ".env")
    merged = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.exists() else {}
    merged.update(source)
    return merged


def _number(env: Mapping[str, str], name: str, default: float, kind: type, low: float, high: float):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ChatError(
            f"{name}={raw!r} is not a valid setting.",
            f"Set {name} to a {'whole ' if kind is int else ''}number from {low:g} to {high:g}, or remove it.",
            kind="config",
        )
    return value


def _choose_provider(env: Mapping[str, str]) -> str:
    forced = env.get("CHAT_PROVIDER", "").strip().lower()
    if forced:
        if forced not in PROVIDERS:
            raise ChatError(
                f"CHAT_PROVIDER={forced!r} is not a provider this app knows.",
                f"Use one of: {', '.join(PROVIDERS)}; or remove it to choose automatically.",
                kind="config",
            )
        return forced
    if env.get("OPENAI_BASE_URL", "").strip():
        return "compatible"
    if env.get("OPENAI_API_KEY", "").strip():
        return "openai"
    return "local"


def context_window_for(model: str, default: int = 8192) -> int:
    """The context window of a known model family, else the default."""
    for prefix, size in DEFAULT_CONTEXT_WINDOWS.items():
        if model.startswith(prefix):
            return size
    return default


def load_settings(env: Mapping[str, str]) -> Settings:
    """Settings from a mapping of environment variables, with every choice checked."""
    provider = _choose_provider(env)
    api_key = env.get("OPENAI_API_KEY", "").strip() or None
    base_url = env.get("OPENAI_BASE_URL", "").strip() or None
    model = env.get("CHAT_MODEL", "").strip()
    if provider == "openai":
        if not api_key:
            raise ChatError(
                "CHAT_PROVIDER=openai needs an API key, and OPENAI_API_KEY is not set.",
                "Add OPENAI_API_KEY=sk-... to the .env file, or remove CHAT_PROVIDER to use the local model.",
                kind="config",
            )
        model = model or OPENAI_DEFAULT_MODEL
    elif provider == "compatible":
        if not base_url:
            raise ChatError(
                "CHAT_PROVIDER=compatible needs OPENAI_BASE_URL, the server's address.",
                "For Ollama set OPENAI_BASE_URL=http://localhost:11434/v1 in the .env file.",
                kind="config",
            )
    else:
        model, base_url = LOCAL_MODEL_NAME, None
    local_context = _number(env, "CHAT_LOCAL_CONTEXT", 2048, int, 512, 8192)
    explicit_window = _number(env, "CHAT_CONTEXT_WINDOW", 0, int, 0, 10_000_000)
    context_window = local_context if provider == "local" else explicit_window or context_window_for(model)
    seed = _number(env, "CHAT_SEED", -1, int, -1, 2**31 - 1)
    return Settings(
        provider=provider,
        model=model,
        base_url=base_url,
        api_key=api_key,
        temperature=_number(env, "CHAT_TEMPERATURE", 0.7, float, 0.0, 2.0),
        max_tokens=_number(env, "CHAT_MAX_TOKENS", 512, int, 1, 100_000),
        seed=None if seed < 0 else seed,
        context_window=context_window,
        connect_timeout=_number(env, "CHAT_CONNECT_TIMEOUT", 5.0, float, 0.1, 600),
        read_timeout=_number(env, "CHAT_READ_TIMEOUT", 30.0, float, 0.1, 3600),
        reply_deadline=_number(env, "CHAT_REPLY_DEADLINE", 120.0, float, 0.1, 3600),
        max_retries=_number(env, "CHAT_MAX_RETRIES", 2, int, 0, 10),
        retry_backoff=_number(env, "CHAT_RETRY_BACKOFF", 0.5, float, 0.0, 60),
        local_context=local_context,
        local_model_path=env.get("CHAT_LOCAL_MODEL_PATH", "").strip() or None,
    )


def database_url(env: Mapping[str, str]) -> str:
    """Where conversations are kept: CHAT_DATABASE_URL, or a SQLite file in the project's data folder."""
    return env.get("CHAT_DATABASE_URL", "").strip() or f"sqlite:///{PROJECT_ROOT / 'data' / 'chats.sqlite3'}"
