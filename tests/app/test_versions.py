"""Conversations as trees in the page: Regenerate and Edit keep every earlier version, `‹ n/m ›` moves between them,
and the branch shown is the one the model is sent and the one a reload brings back."""

import os

from streamlit.testing.v1 import AppTest

from chat_core.store import Store, make_engine
from tests.app.conftest import chat_texts, open_inspector, reopen, send
from tests.app.test_pages import edit_box
from tests.support.scripted_server import Step


def version_buttons(app: AppTest, label: str) -> list:
    """The version control's buttons with this accessible name ("Previous version" or "Next version"), top down."""
    return [button for button in app.button if button.label == label]


def counters(app: AppTest) -> list[str]:
    return [
        caption.value for caption in app.caption if "/" in caption.value and caption.value.replace("/", "").isdigit()
    ]


def regenerated(open_page, scripted_env) -> AppTest:
    scripted_env.enqueue(Step(text="First answer."), Step(text="Second answer."))
    app = send(open_page("chatbot"), "Tell me a fact.")
    return app.button(key="chatbot.regenerate").click().run()


def stored_texts(app: AppTest) -> list[str]:
    store = Store(make_engine(os.environ["CHAT_DATABASE_URL"]))
    conversation = app.session_state["chatbot.threads"]["Helpful assistant"]
    loaded = store.load(conversation.id, f"visitor:{app.session_state['visitor']}")[1]
    store.engine.dispose()
    return [entry.content for entry in loaded.messages()]


def test_regenerate_adds_a_second_version_of_the_reply_and_keeps_the_first(open_page, scripted_env):
    app = regenerated(open_page, scripted_env)
    assert chat_texts(app) == [("user", "Tell me a fact."), ("assistant", "Second answer.")]
    assert counters(app) == ["2/2"]
    (previous,), (following,) = version_buttons(app, "Previous version"), version_buttons(app, "Next version")
    assert (previous.disabled, following.disabled) == (False, True), "at the last version only Previous moves"
    assert scripted_env.history[0]["messages"] == scripted_env.history[1]["messages"]
    assert stored_texts(app) == ["Tell me a fact.", "First answer.", "Second answer."]


def test_one_version_shows_no_control(open_page, scripted_env):
    app = send(open_page("chatbot"), "Hello")
    assert version_buttons(app, "Previous version") == [] and counters(app) == []


def test_previous_version_shows_the_first_reply_and_a_reload_comes_back_to_it(open_page, scripted_env):
    app = regenerated(open_page, scripted_env)
    version_buttons(app, "Previous version")[0].click().run()
    assert chat_texts(app) == [("user", "Tell me a fact."), ("assistant", "First answer.")]
    assert counters(app) == ["1/2"]
    assert [b.disabled for b in version_buttons(app, "Previous version") + version_buttons(app, "Next version")] == [
        True, False,
    ]  # fmt: skip
    conversation_id = app.session_state["chatbot.threads"]["Helpful assistant"].id
    for again in (reopen(app, c=conversation_id), reopen(app)):  # the page's address; the thread's latest
        assert chat_texts(again) == [("user", "Tell me a fact."), ("assistant", "First answer.")]
        assert counters(again) == ["1/2"]
        version_buttons(again, "Next version")[0].click().run()
        assert chat_texts(again)[-1] == ("assistant", "Second answer.")
        version_buttons(again, "Previous version")[0].click().run()


def test_edit_adds_a_sibling_question_and_the_model_is_sent_only_the_branch_shown(open_page, scripted_env):
    scripted_env.enqueue(Step(text="About cats."), Step(text="About dogs."), Step(text="More on cats."))
    app = send(open_page("chatbot"), "Tell me about cats")
    edit_box(app).set_value("Tell me about dogs")
    app.button(key="chatbot.resend").click().run()
    assert chat_texts(app) == [("user", "Tell me about dogs"), ("assistant", "About dogs.")]
    assert counters(app) == ["2/2"], "the question has two versions; its reply one"
    version_buttons(app, "Previous version")[0].click().run()
    assert chat_texts(app) == [("user", "Tell me about cats"), ("assistant", "About cats.")]
    app = send(app, "More?")
    assert [b.disabled for b in version_buttons(app, "Next version")] == [False], "enabled again once recorded"
    assert [m["content"] for m in scripted_env.history[-1]["messages"][1:]] == [
        "Tell me about cats", "About cats.", "More?",
    ]  # fmt: skip
    assert sorted(stored_texts(app)) == sorted(
        ["Tell me about cats", "About cats.", "Tell me about dogs", "About dogs.", "More?", "More on cats."]
    )


def test_the_inspector_says_the_model_is_sent_the_active_path_only(open_page, scripted_env):
    app = open_inspector(regenerated(open_page, scripted_env))
    assert "The model is sent the active path only: 2 messages; 1 more exists on other branches." in [
        caption.value for caption in app.caption
    ]


def continue_buttons(app: AppTest) -> list:
    return [button for button in app.button if button.label == "Continue from here in a new conversation"]


def test_continue_from_a_reply_starts_a_new_conversation_that_records_its_origin(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Paris."), Step(text="Rome."), Step(text="Madrid."))
    app = send(send(open_page("chatbot"), "Capital of France?"), "Capital of Italy?")
    original = app.session_state["chatbot.threads"]["Helpful assistant"].id
    assert len(continue_buttons(app)) == 4, "one under every message"
    continue_buttons(app)[1].click().run()
    assert chat_texts(app) == [("user", "Capital of France?"), ("assistant", "Paris.")]
    continued = app.session_state["chatbot.threads"]["Helpful assistant"]
    assert continued.id not in (None, original) and app.query_params["c"] == continued.id
    assert "Continued from “Capital of France?”." in [caption.value for caption in app.caption]
    app = send(app, "Capital of Spain?")
    assert [m["content"] for m in scripted_env.history[-1]["messages"][1:]] == [
        "Capital of France?", "Paris.", "Capital of Spain?",
    ]  # fmt: skip
    store = Store(make_engine(os.environ["CHAT_DATABASE_URL"]))
    owner = f"visitor:{app.session_state['visitor']}"
    summary, saved = store.load(continued.id, owner)
    assert summary.title == "Capital of France? (continued)"
    assert summary.origin["conversation"] == original
    assert len(store.load(original, owner)[1].entries) == 4, "the original is untouched"
    store.engine.dispose()
    again = reopen(app, c=continued.id)
    assert chat_texts(again)[-1] == ("assistant", "Madrid.")
    again.button(key=f"origin.{original}").click().run()
    assert [text for _, text in chat_texts(again)][-1] == "Rome."


def test_continue_from_a_question_asks_it_again_in_the_new_conversation(open_page, scripted_env):
    scripted_env.enqueue(Step(text="First."), Step(text="Second."), Step(text="Again."))
    app = send(send(open_page("chatbot"), "One?"), "Two?")
    continue_buttons(app)[2].click().run()
    assert chat_texts(app) == [("user", "One?"), ("assistant", "First."), ("user", "Two?"), ("assistant", "Again.")]
    assert app.session_state["chatbot.threads"]["Helpful assistant"].origin is not None


def test_the_tutors_ratings_stay_with_the_reply_version_rated(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Use sorted()."), Step(text="Use list.sort()."))
    app = send(open_page("tutor"), "How do I sort?")
    app = app.feedback[0].set_value(1).run()
    app = app.button(key="tutor.regenerate").click().run()
    assert chat_texts(app)[-1] == ("assistant", "Use list.sort().") and [t.value for t in app.feedback] == [None]
    version_buttons(app, "Previous version")[0].click().run()
    assert chat_texts(app)[-1] == ("assistant", "Use sorted().") and [t.value for t in app.feedback] == [1]


def test_the_guardrail_labs_regenerate_and_edit_keep_every_version(open_page, scripted_env):
    scripted_env.enqueue(Step(text="An index fund holds many shares."), Step(text="It spreads risk."))
    app = send(open_page("finance"), "What is an index fund?")
    app = app.button(key="finance.regenerate").click().run()
    assert counters(app) == ["2/2"]
    edit_box(app).set_value("What is a bond?")
    app = app.button(key="finance.resend").click().run()
    assert counters(app) == ["2/2"] and chat_texts(app)[0] == ("user", "What is a bond?")
    version_buttons(app, "Previous version")[0].click().run()
    assert chat_texts(app) == [("user", "What is an index fund?"), ("assistant", "It spreads risk.")]
    assert counters(app) == ["1/2", "2/2"]
