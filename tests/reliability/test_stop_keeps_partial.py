"""Stop keeps what was shown: the runner records and saves exactly the text the audience read, marked as stopped."""

from __future__ import annotations

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatProvider
from chat_core.saving import save_conversation
from chat_core.turn import Chunk, Turn, TurnSpec
from tests.reliability.conftest import OWNER, SCOPE, shown_entries, stored_entries
from tests.support.scripted_server import Step


def test_stop_records_and_saves_the_partial_reply_as_shown(scripted, scripted_settings, store):
    scripted.enqueue(Step(text="tick ", chunks=1, forever=True, delay=0.01))
    settings = scripted_settings()
    provider = ChatProvider(settings)
    conversation = Conversation()
    turn = Turn(
        TurnSpec(settings),
        conversation,
        "Count for me",
        connect=lambda: provider,
        save=lambda c: save_conversation(store, OWNER, c, SCOPE),
    )
    shown = ""
    for event in turn.events():
        if isinstance(event, Chunk):
            shown += event.text
            if shown.count("tick") == 3:
                turn.cancel()
    assert shown == "tick tick tick "
    assert shown_entries(conversation) == [("user", "Count for me", "complete"), ("assistant", shown, "stopped")]
    assert stored_entries(store, conversation) == shown_entries(conversation)
