"""The tutor lab in AppTest against the scripted server: the example editor, saved sets, side by side, copy as code,
feedback."""

import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from chat_core.lab.examples import BUILT_IN_SETS, ExampleSet, to_json
from tests.app.conftest import PAGES, ROOT, open_inspector, send, shown
from tests.support.scripted_server import Step

PYTHON = BUILT_IN_SETS["Python"]
FIRST_EDITOR = "tutor.editor.1"


def edit_table(app, edited_rows=None, added_rows=(), deleted_rows=()):
    """Change the example table as a teacher would in the browser: cells, new rows, deleted rows."""
    app.session_state[FIRST_EDITOR] = {
        "edited_rows": edited_rows or {},
        "added_rows": list(added_rows),
        "deleted_rows": list(deleted_rows),
    }
    return app.run()


def pairs_messages(system, pairs):
    return [
        {"role": "system", "content": system},
        *[
            message
            for q, a in pairs
            for message in ({"role": "user", "content": q}, {"role": "assistant", "content": a})
        ],
    ]


def errors(app) -> str:
    return " ".join(shown(e.value) for e in app.error)


def test_editing_the_table_changes_the_next_request_exactly(open_page, scripted_env):
    scripted_env.enqueue(Step(text="`x[::-1]`"))
    app = open_page("tutor")
    app.text_area(key="tutor.set_system").set_value("Answer in one line of code.")
    app = edit_table(
        app,
        edited_rows={0: {"assistant": "`len(x)`"}},
        added_rows=[{"order": 0, "user": "Sort a list?", "assistant": "`sorted(x)`"}],
        deleted_rows=[2],
    )
    assert not app.exception
    send(app, "How do I reverse a list?")
    first, second, _third = PYTHON.examples
    expected = [("Sort a list?", "`sorted(x)`"), (first[0], "`len(x)`"), second]
    assert scripted_env.history[-1]["messages"] == [
        *pairs_messages("Answer in one line of code.", expected),
        {"role": "user", "content": "How do I reverse a list?"},
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"edited_rows": {1: {"assistant": ""}}}, "Row 2 has no assistant answer."),
        ({"added_rows": [{"order": 9, "user": "A question with no answer"}]}, "Row 4 has no assistant answer."),
        ({"edited_rows": {0: {"user": "x" * 3000}}}, "more than the"),
    ],
    ids=["empty-answer", "half-filled-new-row", "too-large-for-the-budget"],
)
def test_an_invalid_set_is_refused_with_a_message_and_the_request_keeps_the_last_good_set(
    open_page, scripted_env, monkeypatch, change, message
):
    monkeypatch.setenv("CHAT_CONTEXT_WINDOW", "1024")
    scripted_env.enqueue(Step(text="Fine."))
    app = edit_table(open_page("tutor"), **change)
    assert message in errors(app)
    assert any("Not used" in c.value for c in app.caption)
    send(app, "What is a dict?")
    assert scripted_env.history[-1]["messages"][:-1] == pairs_messages(PYTHON.system, PYTHON.examples)


def test_a_saved_set_is_chosen_again_used_by_the_chat_and_deleted(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Three quarters."))
    app = open_page("tutor")
    app.text_input(key="tutor.set_name").set_value("Fractions")
    app = edit_table(app, edited_rows={0: {"user": "What is 1/2 + 1/4?", "assistant": "3/4."}}, deleted_rows=[1, 2])
    app = app.button(key="tutor.save").click().run()
    assert not app.exception
    assert app.selectbox(key="tutor.subject").value == "Fractions"
    assert "Fractions" in app.selectbox(key="tutor.subject").options
    send(app, "What is 1/3 + 1/3?")
    assert scripted_env.history[-1]["messages"][1:3] == [
        {"role": "user", "content": "What is 1/2 + 1/4?"},
        {"role": "assistant", "content": "3/4."},
    ]
    assert app.session_state["tutor.threads"]["Fractions"].id is not None
    app = app.button(key="tutor.delete").click().run()
    app = app.button(key="tutor.delete_yes").click().run()
    assert "Fractions" not in app.selectbox(key="tutor.subject").options
    assert app.selectbox(key="tutor.subject").value == "Python"


def test_a_built_in_name_cannot_be_saved_over(open_page, scripted_env):
    app = open_page("tutor").button(key="tutor.save").click().run()
    assert "“Python” is the name of a built-in set." in errors(app)
    assert app.selectbox(key="tutor.subject").options == list(BUILT_IN_SETS)


def test_an_imported_file_fills_the_editor_and_a_broken_one_is_explained(open_page, scripted_env):
    imported = ExampleSet("Capitals", "Answer with the city only.", (("France?", "Paris."),))
    app = open_page("tutor")
    app.file_uploader(key="tutor.import").set_value(("capitals.json", to_json(imported).encode(), "application/json"))
    app = app.run()
    assert app.text_input(key="tutor.set_name").value == "Capitals"
    assert app.text_area(key="tutor.set_system").value == "Answer with the city only."
    editor = app.data_editor[0].value
    assert (list(editor["user"]), list(editor["assistant"])) == (["France?"], ["Paris."])
    app.file_uploader(key="tutor.import").set_value(("broken.json", b"{not json", "application/json"))
    app = app.run()
    assert "not valid JSON" in errors(app)


def test_the_two_side_by_side_requests_differ_only_by_the_examples(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Use reversed()."), Step(text="`x[::-1]`"))
    app = open_page("tutor")
    app = app.button(key="tutor.side_by_side.ask").click().run()
    assert not app.exception
    zero_shot, few_shot = sorted(scripted_env.history, key=lambda body: len(body["messages"]))
    question = {"role": "user", "content": "How do I reverse a list?"}
    assert zero_shot["messages"] == [{"role": "system", "content": PYTHON.system}, question]
    assert few_shot["messages"] == [*pairs_messages(PYTHON.system, PYTHON.examples), question]
    assert {k: v for k, v in zero_shot.items() if k != "messages"} == {
        k: v for k, v in few_shot.items() if k != "messages"
    }
    assert zero_shot["temperature"] == 0
    assert any(info.value.startswith("The requests differ only in one place. Examples") for info in app.info)
    assert {"Use reversed().", "`x[::-1]`"} <= {m.value for m in app.markdown}


def test_comparing_two_configurations_sends_each_its_own_knobs(open_page, scripted_env):
    scripted_env.enqueue(Step(text="A."), Step(text="B."))
    app = open_page("tutor")
    app.radio(key="tutor.side_by_side.mode").set_value("Any two configurations").run()
    app.slider(key="tutor.side_by_side.right.temperature").set_value(1.2)
    app.text_area(key="tutor.side_by_side.right.system").set_value("Answer like a pirate.")
    app = app.button(key="tutor.side_by_side.ask").click().run()
    assert not app.exception
    by_temperature = {body["temperature"]: body for body in scripted_env.history}
    assert by_temperature[0]["messages"][0] == {"role": "system", "content": PYTHON.system}
    assert by_temperature[0]["messages"][1] == {"role": "user", "content": "How do I reverse a list?"}
    assert by_temperature[1.2]["messages"][0] == {"role": "system", "content": "Answer like a pirate."}
    assert len(by_temperature[1.2]["messages"]) == 2 + 2 * len(PYTHON.examples)


def test_the_python_shown_in_the_inspector_sends_the_same_request_again(open_page, scripted_env, tmp_path):
    scripted_env.enqueue(Step(text="First."), Step(text="Again."))
    app = open_inspector(send(open_page("tutor"), "What is a set?"))
    script = next(code.value for code in app.code if code.language == "python")
    assert "OPENAI_API_KEY" in script
    (tmp_path / "request.py").write_text(script)
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    env.pop("OPENAI_BASE_URL", None)
    finished = subprocess.run(
        [sys.executable, "request.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "Again."
    sent, again = scripted_env.history
    # The app asks for usage figures in the stream; the script, printing text only, need not.
    assert again == {name: value for name, value in sent.items() if name != "stream_options"}


def test_a_thumb_on_a_saved_reply_is_stored_and_tallied_for_its_example_set(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Use sorted()."), Step(text="The answer is 42."))
    app = send(open_page("tutor"), "How do I sort?")
    assert len(app.feedback) == 1
    app = app.feedback[0].set_value(1).run()
    app.selectbox(key="tutor.subject").set_value("Math").run()
    app = send(app, "What is 6 x 7?")
    app = app.feedback[0].set_value(0).run()
    tally = next(frame.value for frame in app.dataframe if "example set" in frame.value.columns)
    counts = {row["example set"]: (row["👍"], row["👎"]) for row in tally.to_dict("records")}
    assert counts == {"Python": (1, 0), "Math": (0, 1)}
    python_thread = app.session_state["tutor.threads"]["Python"]
    reloaded = AppTest.from_file(str(ROOT / PAGES["tutor"]), default_timeout=60)
    reloaded.query_params.update({"v": app.session_state["visitor"], "c": python_thread.id})
    reloaded = reloaded.run()
    assert [thumb.value for thumb in reloaded.feedback] == [1]


def test_two_identical_configurations_can_be_compared(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Same."), Step(text="Same."))
    app = open_page("tutor")
    app.radio(key="tutor.side_by_side.mode").set_value("Any two configurations").run()
    app.selectbox(key="tutor.side_by_side.left.examples").set_value("Python")
    app = app.button(key="tutor.side_by_side.ask").click().run()
    assert not app.exception
    assert any(info.value == "The two requests are identical." for info in app.info)
    first, second = scripted_env.history
    assert first == second


def test_a_conversation_with_a_saved_set_reopens_in_that_set(open_page, scripted_env):
    scripted_env.enqueue(Step(text="Two thirds."))
    app = open_page("tutor")
    app.text_input(key="tutor.set_name").set_value("Fractions")
    app = edit_table(app, edited_rows={0: {"user": "What is 1/2 + 1/4?", "assistant": "3/4."}}, deleted_rows=[1, 2])
    app = send(app.button(key="tutor.save").click().run(), "What is 1/3 + 1/3?")
    conversation_id = app.session_state["tutor.threads"]["Fractions"].id
    again = AppTest.from_file(str(ROOT / PAGES["tutor"]), default_timeout=60)
    again.query_params.update({"v": app.session_state["visitor"], "c": conversation_id})
    again.run()
    assert again.selectbox(key="tutor.subject").value == "Fractions"
    assert again.session_state["tutor.threads"]["Fractions"].id == conversation_id
