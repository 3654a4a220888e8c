"""Each page in AppTest: the embedded model answers, the scripted server plays faults."""

import json

from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT, PERSONAS, TUTOR_SUBJECTS
from tests.app.conftest import alerts, chat_texts, inspector, open_inspector, send
from tests.support.openai_errors import MAX_TOKENS_REFUSED
from tests.support.scripted_server import Step


def test_the_chatbot_resends_the_first_turn_with_the_second(open_page):
    app = send(open_page("chatbot"), "My name is Ada.")
    assert not app.exception
    first_reply = app.session_state["chatbot.threads"]["Helpful assistant"].entries[1].content
    assert first_reply.strip()
    app = send(app, "What is my name?")
    sent = inspector(app, "chatbot", "Helpful assistant")["body"]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "My name is Ada."
    assert sent[2]["content"] == first_reply
    assert [role for role, _ in chat_texts(app)] == ["user", "assistant", "user", "assistant"]


def test_each_persona_keeps_its_own_conversation(open_page):
    app = send(open_page("chatbot"), "Hello helpful one")
    app.selectbox(key="chatbot.persona").set_value("Python tutor").run()
    assert chat_texts(app) == []
    app = send(app, "What is a list?")
    sent = inspector(app, "chatbot", "Python tutor")["body"]["messages"]
    assert sent[0] == {"role": "system", "content": PERSONAS["Python tutor"].system_prompt}
    app.selectbox(key="chatbot.persona").set_value("Helpful assistant").run()
    texts = chat_texts(app)
    assert texts[0] == ("user", "Hello helpful one")
    assert len(texts) == 2


def test_a_custom_persona_sends_the_typed_system_prompt(open_page, scripted_env):
    app = open_page("chatbot")
    app.selectbox(key="chatbot.persona").set_value("Custom persona").run()
    app.text_area(key="chatbot.custom_prompt").set_value("You only speak in haiku.").run()
    send(app, "Describe rain.")
    assert scripted_env.history[-1]["messages"][0] == {"role": "system", "content": "You only speak in haiku."}


def test_the_tutor_sends_its_examples_before_the_question(open_page):
    app = send(open_page("tutor"), "How do I sort a list?")
    lesson = TUTOR_SUBJECTS["Python"]
    sent = inspector(app, "tutor", "Python")["body"]["messages"]
    assert sent[0] == {"role": "system", "content": lesson.system_prompt}
    for index, (question, answer) in enumerate(lesson.examples):
        assert sent[1 + 2 * index] == {"role": "user", "content": question}
        assert sent[2 + 2 * index] == {"role": "assistant", "content": answer}
    assert sent[-1] == {"role": "user", "content": "How do I sort a list?"}
    shown = chat_texts(app)
    assert sum("(example)" in text for _, text in shown) == 2 * len(lesson.examples)


def test_the_finance_request_carries_the_guardrail_prompt(open_page):
    app = open_page("finance")
    assert any(code.value == FINANCE_GUARDRAIL_PROMPT for code in app.code)
    app = send(app, "What is an index fund?")
    sent = inspector(app, "finance", "guardrails")["body"]["messages"]
    assert sent[0] == {"role": "system", "content": FINANCE_GUARDRAIL_PROMPT}


def test_an_error_is_shown_and_the_users_message_stays(open_page, scripted_env):
    scripted_env.enqueue(Step(status=401, error_body={"error": {"message": "Incorrect API key sk-abcdef123456789"}}))
    app = send(open_page("chatbot"), "Hello?")
    assert not app.exception
    assert chat_texts(app)[0] == ("user", "Hello?")
    assert any("rejected the API key" in text for text in alerts(app.error))
    assert all("abcdef123456789" not in text for text in alerts(app.error))
    assert app.button(key="chatbot.retry")
    scripted_env.enqueue(Step(text="Back again."))
    app.button(key="chatbot.retry").click().run()
    assert chat_texts(app) == [("user", "Hello?"), ("assistant", "Back again.")]


def test_regenerate_shows_a_new_reply_without_repeating_the_question(open_page, scripted_env):
    scripted_env.enqueue(Step(text="First answer."), Step(text="Second answer."))
    app = send(open_page("chatbot"), "Tell me a fact.")
    app.button(key="chatbot.regenerate").click().run()
    assert chat_texts(app) == [("user", "Tell me a fact."), ("assistant", "Second answer.")]
    assert scripted_env.history[0]["messages"] == scripted_env.history[1]["messages"]


def test_clear_empties_the_conversation(open_page, scripted_env):
    app = send(open_page("chatbot"), "Hi")
    app.button(key="chatbot.clear").click().run()
    assert chat_texts(app) == []
    send(app, "Fresh start")
    assert [m["role"] for m in scripted_env.history[-1]["messages"]] == ["system", "user"]


def test_edit_and_resend_shows_the_edited_question_and_its_reply(open_page, scripted_env):
    scripted_env.enqueue(Step(text="About cats."), Step(text="About dogs."))
    app = send(open_page("chatbot"), "Tell me about cats")
    edit_box(app).set_value("Tell me about dogs")
    app.button(key="chatbot.resend").click().run()
    assert chat_texts(app) == [("user", "Tell me about dogs"), ("assistant", "About dogs.")]
    assert scripted_env.history[-1]["messages"][-1] == {"role": "user", "content": "Tell me about dogs"}


def edit_box(app):
    return next(t for t in app.text_area if t.label == "Edit your last message")


def test_the_edit_box_holds_the_last_question_even_after_other_runs(open_page, scripted_env):
    app = send(open_page("chatbot"), "First question")
    app = send(app, "Second question")
    app.button(key="chatbot.regenerate").click().run()
    assert edit_box(app).value == "Second question"


def test_a_blank_edit_is_refused_and_deletes_nothing(open_page, scripted_env):
    app = send(open_page("chatbot"), "Keep me")
    edit_box(app).set_value("   ")
    app.button(key="chatbot.resend").click().run()
    assert chat_texts(app) == [("user", "Keep me"), ("assistant", "Hello from the scripted server.")]
    assert any("cannot be empty" in text for text in alerts(app.warning))
    assert len(scripted_env.history) == 1


def test_blank_messages_are_ignored(open_page, scripted_env):
    app = send(open_page("chatbot"), "   \n  ")
    assert chat_texts(app) == []
    assert scripted_env.history == []


def test_an_oversized_message_is_refused_before_any_call_and_kept(open_page, scripted_env):
    text = "word " * 2000
    app = send(open_page("chatbot"), text)
    assert scripted_env.history == []
    assert any("the limit is 8,000" in text for text in alerts(app.error))
    assert app.text_area(key="chatbot.draft").value == text
    app.text_area(key="chatbot.draft").set_value("A shorter question")
    app.button(key="chatbot.send_draft").click().run()
    assert chat_texts(app)[0] == ("user", "A shorter question")


def test_a_cut_reply_stays_marked_incomplete(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Half of it", cut="clean"))
    app = send(open_page("finance"), "Explain bonds")
    assert chat_texts(app)[1] == ("assistant", "Half of it")
    assert any("Incomplete" in text for text in alerts(app.caption))


def test_models_offered_by_the_server_are_listed(open_page, scripted_env):
    app = open_page("chatbot")
    model = app.selectbox(key="pref.model")
    assert model.options == ["scripted-large", "scripted-model"]
    model.set_value("scripted-large").run()
    send(app, "Hi")
    assert scripted_env.history[-1]["model"] == "scripted-large"


def test_sidebar_settings_reach_the_request(open_page, scripted_env):
    app = open_page("tutor")
    app.slider(key="pref.temperature").set_value(1.3).run()
    app.number_input(key="pref.max_tokens").set_value(64).run()
    send(app, "What is a tuple?")
    assert (scripted_env.history[-1]["temperature"], scripted_env.history[-1]["max_tokens"]) == (1.3, 64)


def test_a_broken_setting_is_explained_not_crashed(open_page, monkeypatch):
    monkeypatch.setenv("CHAT_TEMPERATURE", "hot")
    app = open_page("chatbot")
    assert not app.exception
    assert any("CHAT_TEMPERATURE" in text for text in alerts(app.sidebar.error))
    app = send(app, "Hello")
    assert app.text_area(key="chatbot.draft").value == "Hello"


def test_the_sidebar_names_who_is_answering(open_page):
    app = open_page("home")
    assert not app.exception
    assert any(
        "SmolLM2-135M-Instruct" in text and "Embedded local model" in text for text in alerts(app.sidebar.markdown)
    )


def test_the_sidebar_lists_every_page_by_its_name_home_first(open_page):
    app = open_page("home")
    links = app.sidebar.get("page_link")
    assert [(link.proto.label, link.proto.page) for link in links] == [
        ("Home", ""), ("Chatbot", "Chatbot"), ("Tutor", "Tutor"), ("Finance guardrails", "Finance_guardrails"),
        ("Challenge", "Challenge"), ("Room", "Room"),
    ]  # fmt: skip


def test_the_home_page_offers_no_chat_settings_or_import(open_page):
    app = open_page("home")
    assert not app.exception
    assert len(app.sidebar.slider) == len(app.sidebar.number_input) == 0
    assert app.get("file_uploader") == [] or len(app.get("file_uploader")) == 0


def test_a_too_long_message_box_counts_its_characters(open_page, scripted_env):
    app = send(open_page("chatbot"), "x" * 9_000)
    assert any("9,000 characters of 8,000: remove 1,000 more" in text for text in alerts(app.caption))
    app.text_area(key="chatbot.draft").set_value("x" * 7_999).run()
    assert any("7,999 characters of 8,000: short enough to send" in text for text in alerts(app.caption))


def test_an_unexpected_exception_shows_no_details_in_the_page():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string("raise RuntimeError('internal detail: /srv/secret/path')").run()
    shown = app.exception[0]
    assert "internal detail" not in shown.value
    assert shown.stack_trace == []


def test_the_users_text_is_shown_as_typed_not_as_markdown(open_page, scripted_env):
    typed = (
        "What does __init__ do?\nAlso 2*3*4 and <b>tags</b> # not a heading :smile: :red[b] https://example.com/a.b_c"
    )
    app = send(open_page("chatbot"), typed)
    question = app.chat_message[0]
    assert [t.value for t in question.text] == [typed]
    assert len(question.markdown) == 0
    assert scripted_env.history[-1]["messages"][-1]["content"] == typed


def test_the_inspector_shows_what_was_sent_and_what_was_adapted(open_page, scripted_env):
    scripted_env.enqueue(Step(status=400, error_body=MAX_TOKENS_REFUSED), Step(text="Fine."))
    app = send(open_page("chatbot"), "Hello")
    assert chat_texts(app)[1] == ("assistant", "Fine.")
    assert not app.json, "a closed inspector draws nothing"
    parameters = json.loads(next(j.value for j in open_inspector(app).json))
    assert parameters["max_completion_tokens"] == 24 and "max_tokens" not in parameters
    assert any("max_completion_tokens sent instead of max_tokens" in i.value for i in app.info)
