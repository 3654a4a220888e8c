"""Conversations that last: write-through, history, rename, delete, search, export, import, failures."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.exports import MAX_IMPORT_BYTES
from chat_core.store import Store, make_engine
from chat_core.ui.keys import HISTORY_IMPORT_OPEN, HISTORY_MANAGE_OPEN, PASTED_LINK_OPEN
from tests.app.conftest import (
    PAGES,
    ROOT,
    alerts,
    app_store,
    chat_texts,
    history_labels,
    open_fold,
    open_inspector,
    owner_of,
    reopen,
    send,
)
from tests.support.scripted_server import Step


def test_the_question_is_saved_before_the_model_is_called(open_page, scripted_env):
    store = app_store()
    app = open_page("chatbot")
    owner = owner_of(app)
    scripted_env.on_request = lambda body: [
        [e.content for e in store.load(s.id, owner)[1].entries] for s in store.list(owner)
    ]
    scripted_env.enqueue(Step(text="Saved reply."))
    app = send(app, "Remember me")
    assert scripted_env.observed == [[["Remember me"]]]
    summary = store.list(owner)[0]
    assert summary.title == "Remember me"
    _, conversation = store.load(summary.id, owner)
    assert [(e.role, e.content, e.status) for e in conversation.entries] == [
        ("user", "Remember me", "complete"),
        ("assistant", "Saved reply.", "complete"),
    ]
    assert summary.settings["model"] == "scripted-model"


def test_a_reload_brings_the_conversation_back(open_page, scripted_env):
    app = send(send(open_page("chatbot"), "First"), "Second")
    conversation_id = app.session_state["chatbot.threads"]["Helpful assistant"].id
    assert app.query_params["c"] == conversation_id
    again = reopen(app, c=conversation_id)
    assert [text for _, text in chat_texts(again)] == [
        "First",
        "Hello from the scripted server.",
        "Second",
        "Hello from the scripted server.",
    ]
    again = send(again, "Third")
    assert [m["content"] for m in scripted_env.history[-1]["messages"][1:]][:4] == [
        "First",
        "Hello from the scripted server.",
        "Second",
        "Hello from the scripted server.",
    ]


def test_failed_replies_are_saved_with_their_status(open_page, scripted_env):
    scripted_env.enqueue(Step(status=500), Step(text="Half", cut="clean"))
    app = send(open_page("finance"), "Explain inflation")
    app = send(app, "Explain interest")
    store, owner = app_store(), owner_of(app)
    _, conversation = store.load(store.list(owner)[0].id, owner)
    assert [e.status for e in conversation.entries] == ["complete", "error", "complete", "incomplete"]
    assert conversation.entries[1].error["kind"] == "server"


def test_the_sidebar_lists_conversations_newest_first_and_opens_them(open_page, scripted_env):
    app = send(open_page("chatbot"), "About cats")
    app.button(key="history.new").click().run()
    assert chat_texts(app) == []
    app = send(app, "About dogs")
    labels = history_labels(app)
    assert labels == ["🤖 About dogs", "🤖 About cats"]
    cats = app_store().list(owner_of(app), "cats")[0]
    app.button(key=f"history.open.{cats.id}").click().run()
    assert chat_texts(app)[0] == ("user", "About cats")


def test_a_conversation_opens_on_its_own_page_with_its_subject(open_page, scripted_env):
    tutor = open_page("tutor")
    tutor.selectbox(key="tutor.subject").set_value("Math").run()
    tutor = send(tutor, "What is 7 x 6?")
    conversation_id = tutor.session_state["tutor.threads"]["Math"].id
    home = AppTest.from_file(str(ROOT / PAGES["home"]), default_timeout=60)
    home.query_params.update({"v": tutor.session_state["visitor"]})
    home.run()
    home.button(key=f"history.open.{conversation_id}").click().run()
    assert home.session_state["tutor.threads"]["Math"].id == conversation_id
    assert home.session_state["tutor.subject"] == "Math"
    again = reopen(tutor, "tutor", c=conversation_id)
    assert again.selectbox(key="tutor.subject").value == "Math"
    assert chat_texts(again)[-2] == ("user", "What is 7 x 6?")


def test_rename_changes_the_title(open_page, scripted_env):
    app = open_fold(send(open_page("chatbot"), "untitled thoughts"), HISTORY_MANAGE_OPEN)
    assert app.text_input(key="history.title").value == "untitled thoughts"
    app.text_input(key="history.title").set_value("My plan")
    app.button(key="history.rename").click().run()
    assert app_store().list(owner_of(app))[0].title == "My plan"
    assert "🤖 My plan" in history_labels(app)


def test_delete_asks_first_then_removes(open_page, scripted_env):
    app = open_fold(send(open_page("chatbot"), "delete me"), HISTORY_MANAGE_OPEN)
    app.button(key="history.delete").click().run()
    assert any("for good" in text for text in alerts(app.sidebar.warning))
    app.button(key="history.delete_no").click().run()
    assert len(app_store().list(owner_of(app))) == 1
    app.button(key="history.delete").click().run()
    app.button(key="history.delete_yes").click().run()
    assert app_store().list(owner_of(app)) == []
    assert chat_texts(app) == []


def test_search_covers_titles_and_message_text(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Penguins live in the south."))
    app = send(open_page("chatbot"), "Tell me about birds")
    app.button(key="history.new").click().run()
    app = send(app, "Something else")
    app.text_input(key="history.search").set_value("PENGUINS").run()
    assert history_labels(app) == ["🤖 Tell me about birds"]
    app.text_input(key="history.search").set_value("zebra").run()
    assert any("No conversations match" in text for text in alerts(app.sidebar.caption))


def test_another_visitor_sees_none_of_it(open_page, scripted_env):
    app = send(open_page("chatbot"), "private note")
    stranger = open_page("chatbot")
    assert stranger.session_state["visitor"] != app.session_state["visitor"]
    assert [b for b in stranger.sidebar.button if b.key.startswith("history.open.")] == []
    conversation_id = app.session_state["chatbot.threads"]["Helpful assistant"].id
    stranger.query_params["c"] = conversation_id
    intruder = AppTest.from_file(str(ROOT / PAGES["chatbot"]), default_timeout=60)
    intruder.query_params.update({"c": conversation_id})
    intruder.run()
    assert chat_texts(intruder) == []
    assert any("not yours" in text for text in alerts(intruder.warning))


def test_export_offers_json_markdown_and_python(open_page, scripted_env):
    app = send(open_page("tutor"), "What is a set?")
    assert app.sidebar.get("download_button") == [], "a closed fold draws nothing"
    labels = [b.label for b in open_fold(app, HISTORY_MANAGE_OPEN).sidebar.get("download_button")]
    assert labels == ["⬇️ JSON (messages list)", "⬇️ Markdown", "⬇️ Python script (openai SDK)"]


def test_import_continues_an_exported_conversation(open_page, scripted_env):
    document = {
        "messages": [
            {"role": "system", "content": "You are a pirate."},
            {"role": "user", "content": "Ahoy"},
            {"role": "assistant", "content": "Arr!"},
        ],
        "metadata": {"title": "Pirate talk", "page": "chatbot", "thread": "Old persona", "fixed_messages": 1},
    }
    app = open_fold(open_page("chatbot"), HISTORY_IMPORT_OPEN)
    app.get("file_uploader")[0].set_value(("talk.json", json.dumps(document).encode(), "application/json")).run()
    assert app.selectbox(key="chatbot.persona").value == "Custom persona"
    assert chat_texts(app) == [("user", "Ahoy"), ("assistant", "Arr!")]
    assert [toast.value for toast in app.toast] == ["Imported “talk.json” as a new conversation, opened here."]
    send(app, "Where is the treasure?")
    assert scripted_env.history[-1]["messages"][:3] == document["messages"]


BAD_IMPORTS = [
    (b'{"messages": 3}', "no list of messages"),
    (b'[{"role": "wizard", "content": "x"}]', "unknown role"),
    (b"\xff\xfe\xfa", "not UTF-8"),
    (b"[" + b" " * MAX_IMPORT_BYTES + b"]", "the limit is"),
]


def test_each_bad_import_is_refused_and_writes_nothing(open_page, scripted_env):
    app = open_fold(open_page("chatbot"), HISTORY_IMPORT_OPEN)
    for data, message in BAD_IMPORTS:
        app.get("file_uploader")[0].set_value(("bad.json", data, "application/json")).run()
        assert any(message in text for text in alerts(app.sidebar.error)), message
        assert not app.exception
    assert app_store().list(owner_of(app)) == []


def test_a_broken_database_warns_and_catches_up_once_fixed(open_page, scripted_env, tmp_path, monkeypatch):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage " * 1000)
    monkeypatch.setenv("CHAT_DATABASE_URL", f"sqlite:///{broken}")
    app = send(open_page("chatbot"), "Still works?")
    assert chat_texts(app) == [("user", "Still works?"), ("assistant", "Hello from the scripted server.")]
    assert any("damaged" in text for text in alerts(app.warning))
    assert not app.exception
    broken.unlink()
    app.run()
    assert not any("damaged" in text for text in alerts(app.warning))
    store = Store(make_engine(f"sqlite:///{broken}"))
    _, saved = store.load(store.list(owner_of(app))[0].id, owner_of(app))
    assert [e.content for e in saved.entries] == ["Still works?", "Hello from the scripted server."]


AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32}}


def signed_in(email: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / PAGES["chatbot"]), default_timeout=60)
    app.secrets.update(AUTH)
    app.user.update({"is_logged_in": True, "email": email, "name": email.split("@")[0]})
    return app.run()


def test_signed_in_users_own_their_conversations_without_a_link(deterministic_env, scripted_env):
    ada = send(signed_in("ada@example.com"), "Ada's question")
    assert "v" not in ada.query_params
    assert any("Signed in as ada" in text for text in alerts(ada.sidebar.caption))
    assert [s.title for s in app_store().list("user:ada@example.com")] == ["Ada's question"]
    ada_elsewhere = signed_in("ada@example.com")
    assert history_labels(ada_elsewhere) == ["🤖 Ada's question"]
    bob = signed_in("bob@example.com")
    assert [b for b in bob.sidebar.button if b.key.startswith("history.open.")] == []


def test_with_login_configured_a_visitor_is_offered_to_log_in(deterministic_env, scripted_env):
    app = AppTest.from_file(str(ROOT / PAGES["chatbot"]), default_timeout=60)
    app.secrets.update(AUTH)
    app.user.update({"is_logged_in": False})
    app.run()
    assert app.button(key="auth.login").label == "Log in"
    assert app.query_params["v"] == app.session_state["visitor"]


def test_clear_starts_afresh_and_keeps_the_old_conversation_in_the_history(open_page, scripted_env):
    app = send(open_page("chatbot"), "Old topic")
    app.button(key="chatbot.clear").click().run()
    assert chat_texts(app) == []
    assert [t.value for t in app.toast] == ["Started a new chat. The previous one stays in the history in the sidebar."]
    app = send(app, "New topic")
    assert [s.title for s in app_store().list(owner_of(app))] == ["New topic", "Old topic"]


def test_the_inspector_is_rebuilt_for_a_reopened_conversation(open_page, scripted_env):
    app = send(send(open_page("tutor"), "What is a list?"), "And a tuple?")
    conversation_id = app.session_state["tutor.threads"]["Python"].id
    again = open_inspector(reopen(app, "tutor", c=conversation_id))
    inspector_code = [c.value for c in again.code if c.language == "json"]
    sent = scripted_env.history[-1]["messages"]
    assert json.loads(inspector_code[0]) == sent
    assert any("Rebuilt from the saved conversation" in text for text in alerts(again.caption))


def test_after_a_reload_each_persona_reopens_its_latest_conversation(open_page, scripted_env):
    app = send(open_page("chatbot"), "Helpful thread")
    app.selectbox(key="chatbot.persona").set_value("IT support").run()
    app = send(app, "My printer is broken")
    again = reopen(app)
    assert chat_texts(again)[0] == ("user", "Helpful thread")
    again.selectbox(key="chatbot.persona").set_value("IT support").run()
    assert chat_texts(again)[0] == ("user", "My printer is broken")


def test_two_tabs_on_one_conversation_continue_it_as_sibling_branches(open_page, scripted_env):
    tab_a = send(open_page("chatbot"), "Start")
    shared = tab_a.session_state["chatbot.threads"]["Helpful assistant"].id
    tab_b = reopen(tab_a, c=shared)
    tab_a = send(tab_a, "Apple?")
    tab_b = send(tab_b, "Banana?")
    assert any("Another tab added" in text for text in alerts(tab_b.warning))
    tab_b = send(tab_b, "Cherry?")
    assert not any("cannot be reached" in text for text in alerts(tab_a.warning) + alerts(tab_b.warning))
    store, owner = app_store(), owner_of(tab_a)
    assert tab_b.session_state["chatbot.threads"]["Helpful assistant"].id == shared == tab_b.query_params["c"]
    _, saved = store.load(shared, owner)
    assert [e.content for e in saved.entries if e.role == "user"] == ["Start", "Banana?", "Cherry?"]
    assert {e.content for e in saved.messages() if e.role == "user"} == {"Start", "Apple?", "Banana?", "Cherry?"}
    assert [s.title for s in store.list(owner)] == ["Start"]
    tab_b.button(key=next(b.key for b in tab_b.button if b.key and b.key.endswith(".previous"))).click().run()
    assert [text for role, text in chat_texts(tab_b) if role == "user"] == ["Start", "Apple?"]


@pytest.mark.parametrize("button", ["chatbot.clear", "history.new"])
def test_a_reload_after_clear_or_new_chat_stays_empty(open_page, scripted_env, button):
    app = send(open_page("chatbot"), "Old topic")
    app.button(key=button).click().run()
    again = reopen(app, **{k: v for k, v in app.query_params.items() if k != "v"})
    assert chat_texts(again) == []
    assert [s.title for s in app_store().list(owner_of(app))] == ["Old topic"]
    again = send(again, "New topic")
    assert chat_texts(reopen(again, **{k: v for k, v in again.query_params.items() if k != "v"}))[0] == (
        "user", "New topic",
    )  # fmt: skip


def saved_with(open_page, temperature: float, max_tokens: int) -> AppTest:
    """A tutor conversation sent with these settings, its id in the URL."""
    tutor = open_page("tutor")
    tutor.slider(key="pref.temperature").set_value(temperature).run()
    tutor.number_input(key="pref.max_tokens").set_value(max_tokens).run()
    return send(tutor, "What is a tuple?")


def test_a_conversations_own_settings_apply_to_it_and_not_to_new_chats(open_page, scripted_env):
    tutor = saved_with(open_page, 1.3, 64)
    again = reopen(tutor, "tutor", c=tutor.query_params["c"])
    assert (again.slider(key="pref.temperature").value, again.number_input(key="pref.max_tokens").value) == (1.3, 64)
    assert any("this conversation's own settings" in text for text in alerts(again.sidebar.caption))
    again = send(again, "And a list?")
    assert (scripted_env.history[-1]["temperature"], scripted_env.history[-1]["max_tokens"]) == (1.3, 64)
    again.button(key="history.new").click().run()
    assert (again.slider(key="pref.temperature").value, again.number_input(key="pref.max_tokens").value) == (0.0, 24)
    assert any("the settings for every page" in text for text in alerts(again.sidebar.caption))
    send(again, "Fresh question")
    assert (scripted_env.history[-1]["temperature"], scripted_env.history[-1]["max_tokens"]) == (0.0, 24)


def test_after_a_reload_the_inspector_shows_the_parameters_that_were_sent(open_page, scripted_env):
    tutor = saved_with(open_page, 0.5, 64)
    again = reopen(tutor, "tutor", c=tutor.query_params["c"])
    again.number_input(key="pref.max_tokens").set_value(200).run()
    open_inspector(again)
    parameters = json.loads(again.json[0].value)
    assert (parameters["max_tokens"], parameters["temperature"]) == (64, 0.5)
    assert any("parameters sent with its last reply" in text for text in alerts(again.caption))


def test_editing_the_first_message_retitles_the_conversation(open_page, scripted_env):
    app = send(open_page("chatbot"), "Tell me about cats")
    next(t for t in app.text_area if t.label == "Edit your last message").set_value("Tell me about dogs")
    app.button(key="chatbot.resend").click().run()
    assert history_labels(app) == ["🤖 Tell me about dogs"]


def test_a_failed_imports_error_goes_once_an_import_succeeds(open_page, scripted_env):
    good = {"messages": [{"role": "user", "content": "Ahoy"}, {"role": "assistant", "content": "Arr!"}]}
    app = open_fold(open_page("chatbot"), HISTORY_IMPORT_OPEN)
    uploader = app.get("file_uploader")[0]
    uploader.set_value(("bad.json", b'[{"role": "wizard", "content": "x"}]', "application/json")).run()
    assert any("unknown role" in text for text in alerts(app.error))
    app.run()
    assert any("unknown role" in text for text in alerts(app.error)), "kept while the refused file is there"
    app.get("file_uploader")[0].set_value(("good.json", json.dumps(good).encode(), "application/json")).run()
    assert chat_texts(app) == [("user", "Ahoy"), ("assistant", "Arr!")]
    assert not any("unknown role" in text for text in alerts(app.error) + alerts(app.warning))


def test_the_plain_address_shows_the_personal_link_and_a_pasted_link_brings_the_history_back(open_page, scripted_env):
    first_visit = send(open_page("chatbot"), "My old question")
    token = first_visit.session_state["visitor"]
    plain = open_page("chatbot")
    assert plain.session_state["visitor"] != token
    assert [c.value for c in plain.sidebar.code] == [f"?v={plain.session_state['visitor']}"]
    assert any("plain address starts a new, empty history" in text for text in alerts(plain.sidebar.caption))
    assert history_labels(plain) == []
    open_fold(plain, PASTED_LINK_OPEN).text_input(key="account.pasted_link").set_value(
        f"http://localhost:8501/Chatbot?v={token}"
    ).run()
    assert plain.query_params["v"] == token
    assert history_labels(plain) == ["🤖 My old question"]
    assert chat_texts(plain)[0] == ("user", "My old question")


def test_a_pasted_text_without_a_link_is_refused_clearly(open_page, scripted_env):
    app = open_page("chatbot")
    visitor = app.session_state["visitor"]
    open_fold(app, PASTED_LINK_OPEN).text_input(key="account.pasted_link").set_value("my old chats please").run()
    assert app.session_state["visitor"] == visitor
    assert any("not a Chat lab link" in text for text in alerts(app.warning))
