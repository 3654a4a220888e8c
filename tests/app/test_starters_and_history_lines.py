"""What a newcomer asked for: a new chat offers three starter questions (a click sends one), and the history says
where each conversation comes from and when."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.catalog import starter_questions
from tests.app.conftest import alerts, chat_texts, send


def starter_buttons(app: AppTest, page: str) -> list[str]:
    return [button.label for button in app.main.button if button.key.startswith(f"{page}.starter.")]


TODAY = r"today \d\d:\d\d"


def history_lines(app: AppTest) -> list[str]:
    """The line under each conversation in the history: where it comes from, and when."""
    return [line for line in alerts(app.sidebar.caption) if re.search(rf" · ({TODAY}|\d+ \w+)$", line)]


@pytest.mark.parametrize(
    ("page", "thread"), [("chatbot", "Helpful assistant"), ("tutor", "Python"), ("finance", "guardrails")]
)
def test_a_new_chat_offers_the_three_starter_questions_of_its_persona_or_lab(open_page, scripted_env, page, thread):
    app = open_page(page)
    assert starter_buttons(app, page) == list(starter_questions(page, thread))
    assert len(starter_buttons(app, page)) == 3


def test_clicking_a_starter_question_sends_it_and_the_starters_make_way(open_page, scripted_env):
    app = open_page("chatbot")
    question = starter_questions("chatbot", "Helpful assistant")[1]
    app = app.button(key="chatbot.starter.1").click().run()
    assert chat_texts(app) == [("user", question), ("assistant", "Hello from the scripted server.")]
    assert scripted_env.history[-1]["messages"][-1] == {"role": "user", "content": question}
    assert starter_buttons(app, "chatbot") == []


def test_another_persona_offers_its_own_starters(open_page, scripted_env):
    app = open_page("chatbot")
    app.sidebar.selectbox(key="chatbot.persona").select("Math tutor")
    app = app.run()
    assert starter_buttons(app, "chatbot") == list(starter_questions("chatbot", "Math tutor"))


def test_the_history_shows_each_conversations_persona_and_date(open_page, scripted_env):
    app = send(open_page("chatbot"), "About dogs")
    app.sidebar.selectbox(key="chatbot.persona").select("Math tutor")
    app = send(app.run(), "About sums")
    lines = history_lines(app)
    assert len(lines) == 2
    assert re.fullmatch(f"Chatbot · Math tutor · {TODAY}", lines[0])
    assert re.fullmatch(f"Chatbot · Helpful assistant · {TODAY}", lines[1])


def test_the_history_says_a_lab_conversation_comes_from_its_lab(open_page, scripted_env):
    app = send(open_page("finance"), "What is an index fund?")
    assert [re.sub(TODAY, "today", line) for line in history_lines(app)] == ["Finance guardrails · today"]
