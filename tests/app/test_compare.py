"""Two columns answering one question at once, in AppTest against the scripted server."""

from streamlit.testing.v1 import AppTest

from tests.support.scripted_server import Step


def two_columns():
    import streamlit as st

    from chat_core.providers.client import ChatProvider
    from chat_core.settings import load_settings, read_environment
    from chat_core.turn import TurnSpec
    from chat_core.ui.compare import Column, compare, start

    settings = load_settings(read_environment())
    columns = [
        Column("Zero-shot", TurnSpec(settings, system="Be brief.")),
        Column("Few-shot", TurnSpec(settings, system="Be brief.", examples=[("What is 1+1?", "**2**")])),
    ]
    provider = ChatProvider(settings)
    if st.button("Ask both", key="ask"):
        start("demo", columns, "What is 2+2?", lambda spec: provider)
    compare("demo", columns)


def test_both_columns_answer_and_their_requests_differ_only_by_the_examples(scripted_env):
    scripted_env.enqueue(Step(text="Four."), Step(text="**4**"))
    app = AppTest.from_function(two_columns, default_timeout=60).run()
    assert any("side by side" in c.value for c in app.caption)
    app.button(key="ask").click().run()
    assert not app.exception
    # The columns stream at once, so their requests may arrive in either order.
    first, second = sorted(scripted_env.history, key=lambda body: len(body["messages"]))
    assert [m for m in second["messages"] if m not in first["messages"]] == [
        {"role": "user", "content": "What is 1+1?"},
        {"role": "assistant", "content": "**2**"},
    ]
    assert {k: v for k, v in first.items() if k != "messages"} == {k: v for k, v in second.items() if k != "messages"}
    shown = [m.value for m in app.markdown]
    assert {"Four.", "**4**"} <= set(shown)
    assert len(app.expander) == 2
