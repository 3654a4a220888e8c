"""Bounds a person meets in the page: the requests-per-minute limit."""

from chat_core.limits import REQUESTS_PER_MINUTE
from tests.app.conftest import send


def test_a_flood_of_messages_is_stopped_before_the_model_with_the_message_kept(open_page, scripted_env):
    app = open_page("chatbot")
    for number in range(REQUESTS_PER_MINUTE):
        app = send(app, f"Message {number}")
    assert len(scripted_env.history) == REQUESTS_PER_MINUTE
    app = send(app, "One too many")
    assert len(scripted_env.history) == REQUESTS_PER_MINUTE
    assert any("messages within 60 seconds" in e.value for e in app.error)
    assert app.text_area(key="chatbot.draft").value == "One too many"
    assert not app.exception
