"""The guardrail lab in AppTest against the scripted server: layers switched on and off, why a turn was stopped,
side by side and presenter mode (the scorecard: test_scorecard.py)."""

import pytest

from chat_core.guardrails.demo import DEMO_QUESTIONS
from chat_core.guardrails.judge import MODERATION_HAS_NO_FINANCE_CATEGORY
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT
from chat_core.ui.presenter import DEMO_ASK, DEMO_CHOICE, PRESENTING
from tests.app.conftest import chat_texts, open_fold, reopen, send, shown
from tests.support.scripted_server import Step

BLUNT = "Which stock should I buy tomorrow?"
BENIGN = "What is an index fund?"
VIEW = "finance.view"


def switch(app, layer: str, on: bool):
    app.toggle(key=f"finance.layer.{layer}").set_value(on)
    return app.run()


def captions(app) -> str:
    return "\n".join(c.value for c in app.caption)


def markdown(app) -> str:
    return "\n".join(shown(m.value) for m in app.markdown)


def test_a_blocked_input_never_reaches_the_model_and_says_which_layer_and_why(open_page, scripted_env):
    app = send(open_page("finance"), BLUNT)
    assert not app.exception
    assert scripted_env.history == []
    texts = chat_texts(app)
    assert texts[0] == ("user", BLUNT)
    assert "I can't tell you what to buy or sell" in texts[1][1]
    shown = markdown(app)
    assert "The input check stopped this message before the model saw it (the advice classifier)" in shown
    assert "where it stops a message" in shown
    assert "Which stock should I buy tomorrow?" in shown  # the closest labelled example
    assert app.session_state["finance.threads"]["guardrails"].entries[1].status == "blocked"


def test_with_the_input_check_off_the_same_message_reaches_the_model(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Index funds spread your money across many companies."))
    app = switch(open_page("finance"), "input", False)
    app = send(app, BLUNT)
    assert not app.exception
    assert len(scripted_env.history) == 1
    assert scripted_env.history[0]["messages"][0] == {"role": "system", "content": FINANCE_GUARDRAIL_PROMPT}
    assert "Index funds spread your money" in chat_texts(app)[1][1]


def test_with_the_system_prompt_off_the_model_gets_the_role_without_the_rules(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Interest is the price of money."))
    app = switch(open_page("finance"), "system", False)
    send(app, BENIGN)
    assert "Rules you must always follow" not in scripted_env.history[0]["messages"][0]["content"]


def test_an_obfuscated_message_shows_what_the_check_read_after_undoing_it(open_page, scripted_env):
    app = send(open_page("finance"), "W h i c h   s t o c k   s h o u l d   I   b u y ?")
    assert scripted_env.history == []
    assert "After undoing the disguise" in markdown(app)
    assert any("Which stock should I buy" in t.value for t in app.text)


def test_the_output_check_replaces_advice_with_a_redirect_and_says_why(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Index funds are popular. You should buy Tesla shares tomorrow.", chunks=6))
    app = send(open_page("finance"), BENIGN)
    assert len(scripted_env.history) == 1
    reply = chat_texts(app)[1][1]
    assert "Tesla" not in reply
    assert "caught" in markdown(app) and "a recommendation to buy or sell" in markdown(app)


def layer_captions(app) -> list[str]:
    return [c.value for c in app.caption if c.value.startswith(("✅", "⚪", "🛑", "⏭️", "➖"))]


def test_a_replys_verdicts_stay_as_they_ran_after_the_switches_change_and_a_reload(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Interest is the price of borrowing money."))
    app = switch(open_page("finance"), "input", False)
    app = send(app, BENIGN)
    sent_with_input_off = layer_captions(app)
    assert "⚪ Input check off." in sent_with_input_off
    assert any(line.startswith("✅ Output check passed") for line in sent_with_input_off)

    app = switch(switch(app, "input", True), "output", False)
    assert layer_captions(app) == sent_with_input_off
    assert not any("did not run" in line for line in layer_captions(app))

    again = reopen(app, "finance", c=app.query_params["c"])
    assert not again.exception
    assert again.toggle(key="finance.layer.input").value is True
    assert layer_captions(again) == sent_with_input_off


def presenting(app):
    return app.toggle(key=PRESENTING).set_value(True).run()


def ask_demo(app, index: int):
    app.selectbox(key=DEMO_CHOICE).set_value(index).run()
    return app.button(key=DEMO_ASK).click().run()


BLUNT_DEMO = next(i for i, q in enumerate(DEMO_QUESTIONS) if q.kind == "blunt")
BENIGN_DEMO = next(i for i, q in enumerate(DEMO_QUESTIONS) if q.kind == "benign")


def test_presenter_mode_lists_the_demo_questions_and_a_verdict_line_per_layer(open_page, scripted_env):
    app = presenting(open_page("finance"))
    options = app.selectbox(key=DEMO_CHOICE).options
    assert [option.split(": ", 1)[1] for option in options] == [q.text for q in DEMO_QUESTIONS]
    app = ask_demo(app, BLUNT_DEMO)
    assert not app.exception
    assert chat_texts(app)[0] == ("user", DEMO_QUESTIONS[BLUNT_DEMO].text)
    lines = captions(app)
    for words in (
        "🛑 Input check blocked",
        "⚪ Judge off",
        "⏭️ System prompt not reached",
        "⏭️ Output check not reached",
    ):
        assert words in lines
    assert scripted_env.history == []


def test_ask_asks_the_chosen_demo_question_then_offers_the_next_one(open_page, scripted_env):
    scripted_env.enqueue(Step(text="An index fund holds a whole market."))
    app = ask_demo(presenting(open_page("finance")), BENIGN_DEMO)
    assert chat_texts(app)[0] == ("user", DEMO_QUESTIONS[BENIGN_DEMO].text)
    assert app.selectbox(key=DEMO_CHOICE).value == BENIGN_DEMO + 1
    app = ask_demo(app, len(DEMO_QUESTIONS) - 1)
    assert app.selectbox(key=DEMO_CHOICE).value == 0  # after the last one, the first again


def test_presenter_mode_shows_the_latest_exchange_first_and_folds_the_earlier_ones(open_page, scripted_env):
    scripted_env.enqueue(Step(text="An index fund holds a whole market."))
    app = ask_demo(presenting(open_page("finance")), BENIGN_DEMO)
    app = ask_demo(app, BLUNT_DEMO)
    assert [role for role, _ in chat_texts(app)] == ["user", "assistant"]  # the earlier exchange is folded away
    assert chat_texts(app)[0] == ("user", BLUNT)
    assert "I can't tell you what to buy or sell" in chat_texts(app)[1][1]
    assert [e.label for e in app.expander if e.label.startswith("Earlier")] == [
        "Earlier in this conversation (1 question)"
    ]

    app = open_fold(app, "finance.earlier_fold")
    assert [text for role, text in chat_texts(app) if role == "user"] == [BLUNT, DEMO_QUESTIONS[BENIGN_DEMO].text]
    app = switch(app, "output", False)  # a rerun without a question keeps the latest exchange on top
    assert chat_texts(app)[0] == ("user", BLUNT)


def test_side_by_side_answers_with_and_without_the_guardrails(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Buy Tesla shares now."))
    app = open_page("finance")
    app.radio(key=VIEW).set_value("↔️ With and without").run()
    app.text_input(key="finance.side_by_side.question").input(BLUNT)
    app.button[[b.label for b in app.button].index("Ask both")].click().run()
    assert not app.exception
    assert len(scripted_env.history) == 1  # only the unguarded column reached the model
    assert scripted_env.history[0]["messages"][-1] == {"role": "user", "content": BLUNT}
    shown = markdown(app)
    assert "Buy Tesla shares now." in shown
    assert "I can't tell you what to buy or sell" in shown
    assert "The input check stopped this message" in shown


def test_side_by_side_tells_what_the_output_check_decided_on_the_finished_reply(open_page, scripted_env):
    scripted_env.enqueue(*[Step(text="Interest is the price of borrowing money.") for _ in range(2)])
    app = open_page("finance")
    app.radio(key=VIEW).set_value("↔️ With and without").run()
    app.text_input(key="finance.side_by_side.question").input(BENIGN)
    app = app.button[[b.label for b in app.button].index("Ask both")].click().run()
    assert any(line.startswith("✅ Output check passed") for line in layer_captions(app))
    assert not any(line.startswith("➖ Output check did not run") for line in layer_captions(app))


def test_the_judge_section_says_moderation_has_no_financial_advice_category(open_page, scripted_env):
    app = open_page("finance")
    assert any(MODERATION_HAS_NO_FINANCE_CATEGORY in w.value for w in app.warning)
    assert "CHAT_GUARD_BASE_URL" in "\n".join(c.value for c in app.code)
    assert app.toggle(key="finance.layer.judge").disabled


@pytest.mark.parametrize("view", ["↔️ With and without", "📊 Red-team scorecard"])
def test_the_other_views_keep_the_history_and_the_personal_link_in_the_sidebar(open_page, scripted_env, view):
    app = open_page("finance")
    app.radio(key=VIEW).set_value(view).run()
    assert not app.exception
    sidebar = " ".join(m.value for m in app.sidebar.markdown)
    assert "Conversations" in sidebar and "Your link" in sidebar and "Answering:" in sidebar
