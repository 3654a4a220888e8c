"""The Streamlit side of the app: sidebar chrome, the chat area and the request inspector.

The only module in chat_core that imports streamlit. Pages call `page_setup`, then `chat`.
"""

from __future__ import annotations

import atexit
import json
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError, translate
from chat_core.local_model import LocalModelServer, find_model_file
from chat_core.messages import Example, check_user_text
from chat_core.providers import ChatProvider
from chat_core.settings import LOCAL_MODEL_NAME, Settings, load_settings, read_environment
from chat_core.tokens import VocabularyCounter
from chat_core.turn import TurnPlan, plan_turn, record_reply

PREFERENCES = ("model", "temperature", "max_tokens")
SWITCH_HELP = """**Switch who answers** with a `.env` file in the project folder (see `.env.example`), then restart:

- OpenAI: `OPENAI_API_KEY=sk-...`
- Ollama: `OPENAI_BASE_URL=http://localhost:11434/v1`
- vLLM: `OPENAI_BASE_URL=http://localhost:8000/v1`
- llama.cpp: `OPENAI_BASE_URL=http://localhost:8080/v1`
- LM Studio: `OPENAI_BASE_URL=http://localhost:1234/v1`

With nothing set, the embedded SmolLM2-135M-Instruct model answers, offline."""


@st.cache_resource(show_spinner=False)
def _local_server(model_path: str, context: int) -> LocalModelServer:
    server = LocalModelServer(Path(model_path), context=context)
    atexit.register(server.stop)
    return server


@st.cache_resource(show_spinner=False)
def _vocabulary(model_path: str) -> VocabularyCounter:
    return VocabularyCounter(model_path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _provider(cache_key: str, _settings: Settings, base_url: str | None) -> ChatProvider:
    counter = _vocabulary(cache_key.split("|")[1]) if _settings.provider == "local" else None
    return ChatProvider(_settings, base_url=base_url, counter=counter)


@st.cache_data(show_spinner=False, ttl=60)
def _models(cache_key: str, _provider: ChatProvider) -> list[str]:
    return _provider.list_models()


def base_settings() -> Settings:
    """Settings from the environment and .env; raises ChatError when they cannot work."""
    return load_settings(read_environment())


def current_settings() -> Settings:
    """The environment's settings with the sidebar's choices applied."""
    settings = base_settings()
    prefs = st.session_state.get("prefs", {})
    changes = {name: prefs[name] for name in PREFERENCES if name in prefs}
    if settings.provider == "local":
        changes.pop("model", None)
    return settings.with_overrides(**changes)


def connect(settings: Settings) -> ChatProvider:
    """The provider for these settings; starts (or restarts) the embedded model when it answers."""
    if settings.provider != "local":
        key = f"{settings.provider}|{settings.base_url}|{hash(settings)}"
        return _provider(key, settings, settings.base_url)
    model_path = str(find_model_file(settings.local_model_path))
    server = _local_server(model_path, settings.local_context)
    if not server.is_running():
        with st.spinner("Starting the embedded model… the first start takes a few seconds."):
            server.ensure_running()
    base_url = server.ensure_running()
    return _provider(f"local|{model_path}|{hash(settings)}", settings, base_url)


def page_setup(title: str, icon: str) -> Settings | None:
    """Page config and the shared sidebar; returns the settings, or None after showing what is wrong."""
    st.set_page_config(page_title=f"{title} · Chat lab", page_icon=icon, layout="centered")
    st.session_state.setdefault("prefs", {})
    with st.sidebar:
        st.markdown("### Chat lab")
        st.caption("How chat models work: roles, history, few-shot examples and guardrails.")
        try:
            settings = base_settings()
        except ChatError as error:
            show_error(error)
            st.markdown(SWITCH_HELP)
            return None
        _provider_status(settings)
        _preference_widgets(settings)
        with st.expander("How to switch provider"):
            st.markdown(SWITCH_HELP)
    return current_settings()


def _provider_status(settings: Settings) -> None:
    st.markdown(f"**Answering:** `{st.session_state['prefs'].get('model', settings.model)}`")
    st.caption(settings.provider_label)
    if settings.provider == "local":
        try:
            connect(settings)
        except ChatError as error:
            show_error(error)
            return
        st.caption("Ready.")


def _remember(name: str) -> None:
    st.session_state["prefs"][name] = st.session_state[f"pref.{name}"]


def _preference_widgets(settings: Settings) -> None:
    prefs = st.session_state["prefs"]
    for name in PREFERENCES:
        st.session_state[f"pref.{name}"] = prefs.get(name, getattr(settings, name))
    if settings.provider == "local":
        st.selectbox("Model", [LOCAL_MODEL_NAME], disabled=True, key="pref.model")
    else:
        provider = connect(settings)
        offered = _models(f"{settings.provider}|{settings.base_url}", provider)
        choices = sorted({*offered, settings.model, st.session_state["pref.model"]})
        st.selectbox(
            "Model", choices, key="pref.model", on_change=_remember, args=("model",), help="Listed from the server"
        )
    st.slider(
        "Temperature", 0.0, 2.0, step=0.1, key="pref.temperature", on_change=_remember, args=("temperature",),
        help="0 gives the most repeatable replies; higher values vary more.",
    )  # fmt: skip
    st.number_input(
        "Max reply tokens", 16, 4096, step=16, key="pref.max_tokens", on_change=_remember, args=("max_tokens",),
        help="The longest reply; it is also kept free in the context window.",
    )  # fmt: skip


def show_error(error: ChatError) -> None:
    """An error as the page shows it: what happened, then what to do."""
    st.error(f"**{error.message}**\n\n{error.hint}".strip(), icon="⚠️")


def _thread(page: str, thread: str) -> Conversation:
    threads = st.session_state.setdefault(f"{page}.threads", {})
    return threads.setdefault(thread, Conversation())


def _resend(page: str, thread: str, text: str | None = None) -> None:
    """Drop the last question and what followed it, and send it again (edited, if text is given)."""
    previous = _thread(page, thread).rewind_to_last_user()
    if (text or previous) is not None:
        st.session_state[f"{page}.pending"] = text if text is not None else previous


def _edit_and_resend(page: str, thread: str) -> None:
    _resend(page, thread, st.session_state.get(f"{page}.edit", ""))


def _clear(page: str, thread: str) -> None:
    _thread(page, thread).clear()
    st.session_state.pop(f"{page}.{thread}.inspector", None)


def _send_draft(page: str) -> None:
    st.session_state[f"{page}.pending"] = st.session_state.pop(f"{page}.draft", "")


def _show_entry(entry: Entry, *, last: bool, page: str, thread: str) -> None:
    with st.chat_message(entry.role):
        if entry.content:
            st.markdown(entry.content)
        if entry.error:
            show_error(ChatError(entry.error["message"], entry.error["hint"], kind=entry.error["kind"]))
            if last:
                st.button("Retry", key=f"{page}.retry", on_click=_resend, args=(page, thread))
        elif entry.note:
            st.caption(entry.note)


def chat(page: str, thread: str, settings: Settings | None, *, system: str | None, examples: Sequence[Example] = ()):
    """The chat area: history, inspector, the new turn and the conversation's actions."""
    conversation = _thread(page, thread)
    inspector = st.container()
    for index, entry in enumerate(conversation.entries):
        _show_entry(entry, last=index == len(conversation.entries) - 1, page=page, thread=thread)
    typed = st.chat_input("Type a message", key=f"{page}.input")
    text = typed if typed is not None else st.session_state.pop(f"{page}.pending", None)
    if text is not None and text.strip():
        if settings is None:
            st.session_state[f"{page}.draft"] = text
            st.error("The app's configuration has a problem (see the sidebar); your message is kept below.")
        else:
            _turn(page, thread, conversation, text, settings, system, examples)
    _draft_box(page)
    _actions(page, thread, conversation)
    with inspector:
        _inspector(st.session_state.get(f"{page}.{thread}.inspector"))


def _turn(page, thread, conversation, text, settings, system, examples) -> None:
    try:
        check_user_text(text)
    except ChatError as error:
        st.session_state[f"{page}.draft"] = text
        show_error(error)
        return
    history = conversation.history()
    conversation.add_user(text)
    with st.chat_message("user"):
        st.markdown(text)
    with st.chat_message("assistant"):
        try:
            provider = connect(settings)
            plan = plan_turn(settings, provider, system=system, examples=examples, history=history, user_text=text)
        except ChatError as error:
            conversation.add_failure(error)
            show_error(error)
            st.button("Retry", key=f"{page}.retry", on_click=_resend, args=(page, thread))
            return
        _stream_reply(page, thread, conversation, provider, plan)


def _stream_reply(page, thread, conversation, provider: ChatProvider, plan: TurnPlan) -> None:
    st.session_state[f"{page}.{thread}.inspector"] = plan.inspector_view()
    stop = st.empty()
    stop.button("⏹ Stop", key=f"{page}.stop", help="Stop the reply; what arrived so far stays.")
    stream = provider.stream(plan.request)
    chunks = iter(stream)
    error = None
    try:
        st.write_stream(chunks)
    except ChatError as failure:
        error = failure
    except Exception as unexpected:  # a bug must not lose the conversation or show a traceback
        error = translate(unexpected, secrets=provider.settings.secrets())
    finally:
        chunks.close()
        record_reply(conversation, stream, error)
        st.session_state[f"{page}.{thread}.inspector"] = {
            **plan.inspector_view(),
            "result": conversation.entries[-1].meta,
        }
    stop.empty()
    entry = conversation.entries[-1]
    if error is not None:
        show_error(error)
        st.button("Retry", key=f"{page}.retry", on_click=_resend, args=(page, thread))
    elif entry.note:
        st.caption(entry.note)


def _draft_box(page: str) -> None:
    if f"{page}.draft" not in st.session_state:
        return
    st.text_area("Your message was not sent; shorten it here and send again", key=f"{page}.draft", height=160)
    st.button("Send", key=f"{page}.send_draft", on_click=_send_draft, args=(page,))


def _actions(page: str, thread: str, conversation: Conversation) -> None:
    if not conversation.entries:
        return
    left, middle, right = st.columns(3)
    left.button("🗑 Clear conversation", key=f"{page}.clear", on_click=_clear, args=(page, thread))
    middle.button("🔄 Regenerate", key=f"{page}.regenerate", on_click=_resend, args=(page, thread))
    last = conversation.last_user_text()
    if last is not None:
        if st.session_state.get(f"{page}.edit_source") != last:
            st.session_state[f"{page}.edit_source"] = st.session_state[f"{page}.edit"] = last
        with right.popover("✏️ Edit last message"):
            st.text_area("Edit your last message", key=f"{page}.edit")
            st.button("Resend", key=f"{page}.resend", on_click=_edit_and_resend, args=(page, thread))


def _inspector(view: dict | None) -> None:
    with st.expander("🔍 Request inspector: what the model was sent on the last turn"):
        if view is None:
            st.caption("Send a message to see the exact request: every role message and the parameters.")
            return
        body = view["body"]
        st.markdown("**Parameters**")
        st.json({k: v for k, v in body.items() if k != "messages"})
        st.markdown(f"**Messages** ({view['prompt_tokens']:,} of {view['token_limit']:,} prompt tokens)")
        rows = [
            {"#": i, "role": m["role"], "tokens": t, "content": m["content"]}
            for i, (m, t) in enumerate(zip(body["messages"], view["message_tokens"], strict=True))
        ]
        st.dataframe(rows, hide_index=True, width="stretch")
        if view["dropped"]:
            st.warning(
                f"The context budget left out the {len(view['dropped'])} oldest messages of this conversation "
                "so the request fits the model's context window."
            )
        st.code(json.dumps(body["messages"], indent=2, ensure_ascii=False), language="json")
        result = view.get("result")
        if result:
            usage = result["usage"]
            ttft = result["time_to_first_token"]
            st.caption(
                f"Reply: {result['status']} (finish reason {result['finish_reason']}) · "
                f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} reply tokens ({usage['source']}) · "
                f"first token {'n/a' if ttft is None else f'{ttft * 1000:.0f} ms'} · total {result['total_time']:.2f} s"
            )
