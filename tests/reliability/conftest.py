"""What the reliability cases share: one owner and scope, a saver on the real store, and the turn they all take."""

from __future__ import annotations

import threading

import pytest

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.saving import ChatScope, save_checkpoint, save_conversation
from chat_core.store import Store
from chat_core.turn import Chunk, Turn, TurnSpec

OWNER = "visitor:reliability-suite"
SCOPE = ChatScope("chatbot", "Helpful assistant")
TURN_BOUND = 20.0
"""No turn in this suite may take longer, whatever the server does: past it the turn is cancelled and the test fails."""


class TakenTurn:
    """A turn run to its end in a thread of its own, with what the audience was shown."""

    def __init__(self, turn: Turn):
        self.turn = turn
        self.shown = ""
        self.failure: BaseException | None = None

    def run(self) -> TakenTurn:
        """Run the turn; fail the test if it does not end within TURN_BOUND seconds."""

        def consume() -> None:
            try:
                for event in self.turn.events():
                    if isinstance(event, Chunk):
                        self.shown += event.text
            except BaseException as failure:  # noqa: BLE001 (reported to the test below)
                self.failure = failure

        worker = threading.Thread(target=consume, daemon=True)
        worker.start()
        worker.join(TURN_BOUND)
        if worker.is_alive():
            self.turn.cancel()
            worker.join(5)
            pytest.fail(f"the turn did not end within {TURN_BOUND:g} seconds")
        if self.failure is not None:
            raise self.failure
        return self

    @property
    def entry(self):
        """The recorded reply."""
        return self.turn.entry


@pytest.fixture
def take_turn(store: Store):
    """Take one turn of a conversation through the turn runner, saving to the real store as the page does."""

    def take(settings, conversation: Conversation, text: str, provider: ChatProvider | None = None) -> TakenTurn:
        provider = provider or ChatProvider(settings)
        spec = TurnSpec(settings, system="Be brief.")
        turn = Turn(
            spec,
            conversation,
            text,
            connect=lambda: provider,
            save=lambda c: save_conversation(store, OWNER, c, SCOPE),
            checkpoint=lambda c, shown: save_checkpoint(store, OWNER, c, shown),
        )
        return TakenTurn(turn).run()

    return take


def stored_entries(store: Store, conversation: Conversation) -> list[tuple[str, str, str]]:
    """(role, content, status) of every message the database holds for a conversation."""
    _, loaded = store.load(conversation.id, OWNER)
    return [(e.role, e.content, e.status) for e in loaded.entries]


def shown_entries(conversation: Conversation) -> list[tuple[str, str, str]]:
    """(role, content, status) of every message the page holds."""
    return [(e.role, e.content, e.status) for e in conversation.entries]
