"""A provider for runs without a page (the command line, scripts): the embedded model started and stopped around it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chat_core.providers.client import ChatProvider
from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.settings import Settings
from chat_core.tokens import VocabularyCounter


@contextmanager
def provider_for(settings: Settings, threads: int | None = None) -> Iterator[ChatProvider]:
    """The provider these settings name; for the embedded model, a server of its own (with `threads`) for the run."""
    if settings.provider != "local":
        yield ChatProvider(settings)
        return
    model_path = find_model_file(settings.local_model_path)
    server = LocalModelServer(model_path, context=settings.local_context, threads=threads)
    try:
        base_url = server.ensure_running()
        yield ChatProvider(settings, base_url=base_url, counter=VocabularyCounter(str(model_path)))
    finally:
        server.stop()
