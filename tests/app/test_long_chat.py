"""A long saved conversation: the page draws its latest messages; the model is still sent the whole history."""

import os

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.conversation import Conversation, Entry
from chat_core.identity import mint_visitor_token, visitor_owner
from chat_core.paging import LATEST
from chat_core.store import Store, make_engine
from tests.app.conftest import PAGES, ROOT, send

MESSAGES = 120


@pytest.fixture
def long_chat(scripted_env):
    """The Chatbot page opened on a saved conversation of 120 messages, answered by the scripted server."""
    store = Store(make_engine(os.environ["CHAT_DATABASE_URL"]))
    store.migrate()
    token = mint_visitor_token()
    conversation_id = store.create(visitor_owner(token), "chatbot", "Helpful assistant", "Question 0")
    entries = [
        Entry("user" if i % 2 == 0 else "assistant", f"{'Question' if i % 2 == 0 else 'Answer'} {i // 2}")
        for i in range(MESSAGES)
    ]
    store.save(visitor_owner(token), Conversation(entries, id=conversation_id))
    app = AppTest.from_file(str(ROOT / PAGES["chatbot"]), default_timeout=120)
    app.query_params["v"] = token
    app.query_params["c"] = conversation_id
    return app.run()


def drawn(app: AppTest) -> list[str]:
    return [" ".join(t.value for t in m.text) + " ".join(md.value for md in m.markdown) for m in app.chat_message]


def test_a_long_conversation_draws_only_its_latest_messages_and_says_how_many_are_not_drawn(long_chat):
    assert len(long_chat.chat_message) == LATEST
    assert drawn(long_chat)[-1] == "Answer 59"
    assert any("70 earlier messages not shown here" in c.value for c in long_chat.caption)


def test_show_earlier_messages_draws_more_of_the_conversation(long_chat):
    next(b for b in long_chat.button if b.label == "Show earlier messages").click().run()
    assert len(long_chat.chat_message) == 2 * LATEST
    next(b for b in long_chat.button if b.label == "Show earlier messages").click().run()
    assert len(long_chat.chat_message) == MESSAGES
    assert not any(b.label == "Show earlier messages" for b in long_chat.button)


def test_the_model_is_sent_the_messages_the_page_does_not_draw(long_chat, scripted_env):
    send(long_chat, "And one more question")
    sent = [m["content"] for m in scripted_env.history[-1]["messages"]]
    assert "Question 0" in sent
    assert sent[-1] == "And one more question"
