"""What the app shares across sessions (st.cache_resource): the embedded model's server, the vocabulary, providers
and the conversation store."""

from __future__ import annotations

import atexit
from pathlib import Path

import streamlit as st

from chat_core.errors import ChatError
from chat_core.providers.client import ChatProvider
from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.queue import ReplyQueue
from chat_core.settings import Settings, database_url, load_settings, read_environment
from chat_core.store import Store, make_engine, storage_error
from chat_core.tokens import VocabularyCounter
from chat_core.ui import keys


@st.cache_resource(show_spinner=False)
def _local_server(model_path: str, context: int) -> LocalModelServer:
    server = LocalModelServer(Path(model_path), context=context)
    atexit.register(server.stop)
    return server


@st.cache_resource(show_spinner=False)
def _vocabulary(model_path: str) -> VocabularyCounter:
    return VocabularyCounter(model_path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _provider(cache_key: str, _settings: Settings, base_url: str | None) -> ChatProvider:
    counter = _vocabulary(cache_key.split("|")[1]) if _settings.provider == "local" else None
    return ChatProvider(_settings, base_url=base_url, counter=counter)


@st.cache_data(show_spinner=False, ttl=60)
def _models(cache_key: str, _provider: ChatProvider) -> list[str]:
    return _provider.list_models()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(make_engine(url))


@st.cache_resource(show_spinner=False)
def _reply_queue(server: str) -> ReplyQueue:
    return ReplyQueue()


def reply_queue(settings: Settings) -> ReplyQueue | None:
    """The queue of replies waiting for the embedded model, which answers one at a time (None for other servers)."""
    return _reply_queue(str(settings.local_model_path)) if settings.provider == "local" else None


def base_settings() -> Settings:
    """Settings from the environment and .env; raises ChatError when they cannot work."""
    return load_settings(read_environment())


def connect(settings: Settings) -> ChatProvider:
    """The provider for these settings; starts (or restarts) the embedded model when it answers."""
    if settings.provider != "local":
        key = f"{settings.provider}|{settings.base_url}|{hash(settings)}"
        return _provider(key, settings, settings.base_url)
    model_path = str(find_model_file(settings.local_model_path))
    server = _local_server(model_path, settings.local_context)
    if not server.is_running():
        with st.spinner("Starting the embedded model… the first start takes a few seconds."):
            server.ensure_running()
    base_url = server.ensure_running()
    return _provider(f"local|{model_path}|{hash(settings)}", settings, base_url)


def offered_models(settings: Settings) -> list[str]:
    """The models the configured server lists (cached for a minute)."""
    return _models(f"{settings.provider}|{settings.base_url}", connect(settings))


def storage() -> Store | None:
    """The conversation store, or None (with a warning on the page) while the database fails."""
    try:
        store = _store(database_url(read_environment()))
        store.ensure_ready()
    except ChatError as error:
        st.session_state[keys.STORAGE_PROBLEM] = error
        return None
    except Exception as unexpected:  # a bad URL or missing driver: keep chatting in memory
        st.session_state[keys.STORAGE_PROBLEM] = storage_error(unexpected)
        return None
    return store
