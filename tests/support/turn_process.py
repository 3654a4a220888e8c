"""One chat turn in a process of its own, saving to a database as the app does, for tests that kill it mid-reply.

python -m tests.support.turn_process DATABASE_URL BASE_URL OWNER QUESTION
"""

from __future__ import annotations

import sys

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.saving import ChatScope, save_checkpoint, save_conversation
from chat_core.settings import load_settings
from chat_core.store import Store, make_engine
from chat_core.turn import Turn, TurnSpec


def main(database_url: str, base_url: str, owner: str, question: str) -> None:
    """Take the turn; a test ends this process with SIGKILL before the reply finishes."""
    store = Store(make_engine(database_url))
    store.migrate()
    settings = load_settings({"OPENAI_BASE_URL": base_url, "CHAT_MODEL": "scripted-model", "CHAT_TEMPERATURE": "0"})
    scope = ChatScope("chatbot", "Helpful assistant")
    Turn(
        TurnSpec(settings),
        Conversation(),
        question,
        connect=lambda: ChatProvider(settings),
        save=lambda conversation: save_conversation(store, owner, conversation, scope),
        checkpoint=lambda conversation, text: save_checkpoint(store, owner, conversation, text),
    ).run()


if __name__ == "__main__":
    main(*sys.argv[1:5])
