"""The Streamlit side of the app: sidebar chrome, the chat area and the request inspector.

The only module in chat_core that imports streamlit. Pages call `page_setup`, then `chat`.
"""

from __future__ import annotations

import atexit
import json
import re
import secrets
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from chat_core.conversation import Conversation, Entry
from chat_core.errors import ChatError
from chat_core.providers.sdk_errors import translate
from chat_core.exports import Snapshot, parse_import, to_json, to_markdown, to_python
from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.messages import Example, check_user_text, example_messages, system_message
from chat_core.prompts import CUSTOM_PERSONA, PERSONAS, TUTOR_SUBJECTS
from chat_core.providers.client import ChatProvider
from chat_core.settings import LOCAL_MODEL_NAME, Settings, database_url, load_settings, read_environment
from chat_core.store import Store, Summary, make_engine, storage_error
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


def current_settings(settings: Settings) -> Settings:
    """The environment's settings with the sidebar's choices applied."""
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


def page_setup(title: str, icon: str, page: str | None = None) -> Settings | None:
    """Page config, saved conversations restored, and the shared sidebar; returns the settings, or None after
    showing what is wrong."""
    st.set_page_config(page_title=f"{title} · Chat lab", page_icon=icon, layout="centered")
    st.session_state.setdefault("prefs", {})
    _settle_previous_turn()
    _restore(page)
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
    return current_settings(settings)


def sidebar_settings(settings: Settings | None) -> None:
    """Model, temperature and reply length in the sidebar, below the page's own choices."""
    if settings is None:
        return
    with st.sidebar:
        _preference_widgets(settings)
        with st.expander("How to switch provider"):
            st.markdown(SWITCH_HELP)


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
    if thread not in threads:
        threads[thread] = _latest_saved(page, thread) or Conversation()
    return threads[thread]


def _latest_saved(page: str, thread: str) -> Conversation | None:
    store = storage()
    if store is None:
        return None
    try:
        latest = store.list(owner(), limit=1, page=page, thread=thread)
        return store.load(latest[0].id, owner())[1] if latest else None
    except ChatError as error:
        notice(error)
        return None


def _resend(page: str, thread: str, text: str | None = None) -> None:
    """Drop the last question and what followed it, and send it again (edited, if text is given)."""
    previous = _thread(page, thread).rewind_to_last_user()
    if (text or previous) is not None:
        st.session_state[f"{page}.pending"] = text if text is not None else previous


def _edit_and_resend(page: str, thread: str, edit_key: str) -> None:
    text = st.session_state.get(edit_key, "")
    if not text.strip():
        notice(
            ChatError(
                "An edited message cannot be empty.", "Type the new question, then Resend.", kind="invalid_message"
            )
        )
        return
    _resend(page, thread, text)


def _send_draft(page: str) -> None:
    st.session_state[f"{page}.pending"] = st.session_state.pop(f"{page}.draft", "")


def as_typed(text: str) -> str:
    """Markdown that shows text exactly as the user typed it."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)
    return escaped.replace("\n", "  \n")


def _message_text(entry: Entry) -> None:
    if not entry.content:
        st.empty()
    else:
        st.markdown(as_typed(entry.content) if entry.role == "user" else entry.content)


def _reply_status(entry: Entry, *, last: bool, page: str, thread: str) -> None:
    if entry.error:
        show_error(ChatError(entry.error["message"], entry.error["hint"], kind=entry.error["kind"]))
        if last:
            st.button("Retry", key=f"{page}.retry", on_click=_resend, args=(page, thread))
    elif entry.note:
        st.caption(entry.note)


def _show_entry(entry: Entry, *, last: bool, page: str, thread: str) -> None:
    # Same layout as a reply being streamed (text, then one status slot), so nothing stale lingers between runs.
    with st.chat_message(entry.role):
        _message_text(entry)
        with st.container():
            _reply_status(entry, last=last, page=page, thread=thread)


@dataclass(frozen=True)
class ChatScope:
    """Which conversation a page shows and what every request in it starts with."""

    page: str
    thread: str
    system: str | None
    examples: Sequence[Example]
    settings: Settings | None

    def remembered(self) -> dict:
        """What a saved conversation keeps of its settings (never the API key)."""
        settings = self.settings
        kept = {"thread": self.thread}
        if settings is not None:
            kept.update(model=settings.model, temperature=settings.temperature, max_tokens=settings.max_tokens)
            if settings.provider == "compatible":
                kept["base_url"] = settings.base_url
            if settings.provider == "local":
                kept["base_url"], kept["local_model"] = LOCAL_EXPORT_URL, True
        if self.page == "chatbot" and self.thread == CUSTOM_PERSONA:
            kept["system"] = self.system or ""
        return kept

    def snapshot(self, conversation: Conversation, title: str) -> Snapshot:
        """The conversation with its fixed messages, for export."""
        fixed = [system_message(self.system)] if self.system and self.system.strip() else []
        return Snapshot(
            title, self.page, self.thread, fixed + example_messages(self.examples), conversation, self.remembered()
        )


def chat(page: str, thread: str, settings: Settings | None, *, system: str | None, examples: Sequence[Example] = ()):
    """The chat area: history, inspector, the new turn and the conversation's actions; the history sidebar."""
    scope = ChatScope(page, thread, system, tuple(examples), settings)
    sidebar_settings(settings)
    conversation = _thread(page, thread)
    _storage_warning()
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
            _turn(scope, conversation, text)
    _draft_box(page)
    _actions(page, thread, conversation)
    with inspector:
        _inspector(st.session_state.get(f"{page}.{thread}.inspector") or _rebuilt_view(scope, conversation))
    if conversation.id:
        st.query_params["c"] = conversation.id
    else:
        st.query_params.pop("c", None)
    history_sidebar(scope, conversation)


def _turn_lock() -> threading.Lock:
    return st.session_state.setdefault("turn.lock", threading.Lock())


def _settle_previous_turn() -> None:
    """A run that interrupts a streaming reply (Stop, a new message, a sidebar change) starts before the
    interrupted run has ended: stop that reply and wait until it is recorded, so it keeps its place."""
    active = st.session_state.pop("turn.active", None)
    if active is not None:
        active.cancel()
    lock = _turn_lock()
    if lock.acquire(timeout=15):
        lock.release()


def _turn(scope: ChatScope, conversation: Conversation, text: str) -> None:
    with _turn_lock():
        _take_turn(scope, conversation, text)


def _take_turn(scope: ChatScope, conversation: Conversation, text: str) -> None:
    page, thread = scope.page, scope.thread
    try:
        check_user_text(text)
    except ChatError as error:
        st.session_state[f"{page}.draft"] = text
        show_error(error)
        return
    history = conversation.history()
    conversation.add_user(text)
    save(scope, conversation)
    with st.chat_message("user"):
        _message_text(conversation.entries[-1])
    with st.chat_message("assistant"):
        body, slot = st.empty(), st.empty()
        try:
            provider = connect(scope.settings)
            plan = plan_turn(
                scope.settings, provider, system=scope.system, examples=scope.examples, history=history, user_text=text
            )
        except ChatError as error:
            entry = conversation.add_failure(error)
            save(scope, conversation)
            with slot.container():
                _reply_status(entry, last=True, page=page, thread=thread)
            return
        _stream_reply(scope, conversation, provider, plan, body, slot)


def _stream_reply(scope: ChatScope, conversation: Conversation, provider: ChatProvider, plan: TurnPlan, body, slot):
    page, thread = scope.page, scope.thread
    view = st.session_state[f"{page}.{thread}.inspector"] = plan.inspector_view()
    slot.button("⏹ Stop", key=f"{page}.stop", help="Stop the reply; what arrived so far stays.")
    stream = st.session_state["turn.active"] = provider.stream(plan.request)
    write = _saver(scope)
    chunks = iter(stream)
    error = problem = None
    try:
        with body.container():
            st.write_stream(chunks)
    except ChatError as failure:
        error = failure
    except Exception as unexpected:  # a bug must not lose the conversation or show a traceback
        error = translate(unexpected, secrets=provider.settings.secrets())
    finally:
        # No Streamlit calls here: after an interruption they would raise again before the reply is kept.
        chunks.close()
        record_reply(conversation, stream, error)
        problem = write(conversation)
        view["result"] = conversation.entries[-1].meta
    st.session_state.pop("turn.active", None)
    _report_storage(problem, conversation)
    with slot.container():
        _reply_status(conversation.entries[-1], last=True, page=page, thread=thread)


def _draft_box(page: str) -> None:
    if f"{page}.draft" not in st.session_state:
        return
    st.text_area("Your message was not sent; shorten it here and send again", key=f"{page}.draft", height=160)
    st.button("Send", key=f"{page}.send_draft", on_click=_send_draft, args=(page,))


def _actions(page: str, thread: str, conversation: Conversation) -> None:
    if not conversation.entries:
        return
    left, middle, right = st.columns(3)
    left.button(
        "🧹 Clear conversation", key=f"{page}.clear", on_click=_new_chat, args=(page, thread),
        help="Start afresh; the conversation stays in the history.",
    )  # fmt: skip
    if conversation.entries[-1].error is None:
        middle.button("🔄 Regenerate", key=f"{page}.regenerate", on_click=_resend, args=(page, thread))
    last = conversation.last_user_text()
    if last is not None:
        edit_key = f"{page}.edit.{zlib.crc32(last.encode())}"
        with right.popover("✏️ Edit last message"):
            st.text_area("Edit your last message", value=last, key=edit_key)
            st.button("Resend", key=f"{page}.resend", on_click=_edit_and_resend, args=(page, thread, edit_key))


def _rebuilt_view(scope: ChatScope, conversation: Conversation) -> dict | None:
    """The last turn's request rebuilt from a saved conversation (after a reload or opening it from the history)."""
    entries = conversation.entries
    last_user = max((i for i, e in enumerate(entries) if e.role == "user"), default=None)
    if last_user is None or scope.settings is None:
        return None
    try:
        plan = plan_turn(
            scope.settings, connect(scope.settings), system=scope.system, examples=scope.examples,
            history=Conversation(entries[:last_user]).history(), user_text=entries[last_user].content,
        )  # fmt: skip
    except ChatError:
        return None
    reply = entries[last_user + 1] if last_user + 1 < len(entries) else None
    return {**plan.inspector_view(), "result": reply.meta if reply else None, "rebuilt": True}


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
        columns = {
            "#": st.column_config.NumberColumn(width=40),
            "role": st.column_config.TextColumn(width=90),
            "tokens": st.column_config.NumberColumn(width=70),
            "content": st.column_config.TextColumn(width="large"),
        }
        st.dataframe(rows, hide_index=True, width="stretch", column_config=columns)
        if view["dropped"]:
            st.warning(
                f"The context budget left out the {len(view['dropped'])} oldest messages of this conversation "
                "so the request fits the model's context window."
            )
        st.code(json.dumps(body["messages"], indent=2, ensure_ascii=False), language="json", wrap_lines=True)
        if view.get("rebuilt"):
            st.caption("Rebuilt from the saved conversation with the current settings.")
        result = view.get("result")
        if result:
            usage = result["usage"]
            ttft = result["time_to_first_token"]
            st.caption(
                f"Reply: {result['status']} (finish reason {result['finish_reason']}) · "
                f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} reply tokens ({usage['source']}) · "
                f"first token {'n/a' if ttft is None else f'{ttft * 1000:.0f} ms'} · total {result['total_time']:.2f} s"
            )


# --- Conversations that last ----------------------------------------------------------------------------

PAGE_FILES = {"chatbot": "pages/1_Chatbot.py", "tutor": "pages/2_Tutor.py", "finance": "pages/3_Finance_guardrails.py"}
PAGE_ICONS = {"chatbot": "🤖", "tutor": "🎓", "finance": "🛡️"}
THREADS = {"chatbot": [*PERSONAS, CUSTOM_PERSONA], "tutor": list(TUTOR_SUBJECTS), "finance": ["guardrails"]}
THREAD_WIDGETS = {"chatbot": "chatbot.persona", "tutor": "tutor.subject"}
_VISITOR_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
HISTORY_SHOWN = 30
LOCAL_EXPORT_URL = "http://127.0.0.1:8000/v1"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(make_engine(url))


def storage() -> Store | None:
    """The conversation store, or None (with a warning on the page) while the database fails."""
    try:
        store = _store(database_url(read_environment()))
        store.ensure_ready()
    except ChatError as error:
        st.session_state["storage.problem"] = error
        return None
    except Exception as unexpected:  # a bad URL or missing driver: keep chatting in memory
        st.session_state["storage.problem"] = storage_error(unexpected)
        return None
    return store


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def owner() -> str:
    """Who the conversations belong to: the signed-in user, else the visitor id carried in the URL."""
    if _auth_configured() and st.user.is_logged_in:
        st.query_params.pop("v", None)
        return f"user:{st.user.get('email') or st.user.get('sub')}"
    token = st.session_state.get("visitor") or st.query_params.get("v", "")
    if not _VISITOR_TOKEN.match(token):
        token = secrets.token_urlsafe(24)
    st.session_state["visitor"] = token
    st.query_params["v"] = token
    return f"visitor:{token}"


def _saver(scope: ChatScope | None) -> Callable[[Conversation], ChatError | None]:
    """A save that makes no Streamlit call, for the end of a reply (which may run after its page moved on)."""
    store = storage()
    who = owner()
    remembered = scope.remembered() if scope else None

    def write(conversation: Conversation) -> ChatError | None:
        new = conversation.id is None
        if store is None or not conversation.unsaved or (new and (scope is None or not conversation.entries)):
            return None
        try:
            if new:
                first = next((e.content for e in conversation.entries if e.role == "user"), "New chat")
                conversation.id = store.create(who, scope.page, scope.thread, first, remembered)
            store.save(who, conversation, remembered)
        except ChatError as error:
            if error.kind == "not_found":  # deleted elsewhere: save it again as a new conversation
                conversation.id, conversation.synced, conversation.truncate_to = None, 0, None
            return error
        return None

    return write


def _report_storage(problem: ChatError | None, conversation: Conversation) -> None:
    if problem is not None:
        notice(problem)
    elif not conversation.unsaved:
        st.session_state.pop("storage.problem", None)


def save(scope: ChatScope | None, conversation: Conversation) -> None:
    """Write what is new in a conversation; on failure it stays in memory and is written later."""
    _report_storage(_saver(scope)(conversation), conversation)


def _catch_up() -> None:
    """Write the messages a failing database missed, now that it may be back."""
    for page in PAGE_FILES:
        for thread, conversation in st.session_state.get(f"{page}.threads", {}).items():
            if conversation.unsaved and conversation.id is not None:
                save(None, conversation)
            elif conversation.unsaved and conversation.entries:
                save(ChatScope(page, thread, None, (), None), conversation)


def _storage_warning() -> None:
    problem = st.session_state.get("storage.problem")
    if problem is not None:
        st.warning(f"**{problem.message}**\n\n{problem.hint}", icon="💾")
    shown = st.session_state.pop("notice", None)
    if shown is not None:
        st.warning(f"**{shown.message}**\n\n{shown.hint}".strip(), icon="ℹ️")


def notice(error: ChatError) -> None:
    """A message shown once at the top of the page: database trouble stays until it is over, the rest goes."""
    st.session_state["storage.problem" if error.kind == "storage" else "notice"] = error


def _open(conversation_id: str, page: str | None) -> None:
    """Load a saved conversation into its page's thread, switching page when it belongs elsewhere."""
    store = storage()
    if store is None:
        return
    try:
        summary, conversation = store.load(conversation_id, owner())
    except ChatError as error:
        notice(error)
        return
    if summary.page != page and summary.page in PAGE_FILES:
        st.session_state["history.open"] = conversation_id
        st.switch_page(PAGE_FILES[summary.page])
    thread = summary.thread if summary.thread in THREADS.get(summary.page, []) else THREADS[summary.page][0]
    st.session_state.setdefault(f"{summary.page}.threads", {})[thread] = conversation
    if summary.page in THREAD_WIDGETS:
        st.session_state[THREAD_WIDGETS[summary.page]] = thread
    if "system" in summary.settings and thread == CUSTOM_PERSONA:
        st.session_state["chatbot.custom_prompt"] = summary.settings["system"]
    prefs = st.session_state.setdefault("prefs", {})
    prefs.update({k: summary.settings[k] for k in PREFERENCES if k in summary.settings})


def _restore(page: str | None) -> None:
    """On a page's first run, reopen what the URL or a history click asks for, and save what was missed."""
    wanted = st.session_state.pop("history.open", None)
    if wanted is None and not st.session_state.get(f"restored.{page}"):
        wanted = st.query_params.get("c")
    st.session_state[f"restored.{page}"] = True
    _catch_up()
    if wanted:
        _open(wanted, page)


def _request_open(conversation_id: str) -> None:
    st.session_state["history.open"] = conversation_id


def _new_chat(page: str, thread: str) -> None:
    st.session_state.setdefault(f"{page}.threads", {})[thread] = Conversation()
    st.session_state.pop(f"{page}.{thread}.inspector", None)


def history_sidebar(scope: ChatScope | None, conversation: Conversation | None) -> None:
    """The visitor's conversations: new chat, search, open, and this conversation's rename, delete and export."""
    with st.sidebar:
        st.markdown("### Conversations")
        _login_buttons()
        store = storage()
        if store is None:
            st.caption("History is unavailable while the database fails; this tab keeps your messages.")
            return
        if not (_auth_configured() and st.user.is_logged_in):
            st.caption("Saved for this page's link: bookmark it to come back; anyone with the link can see them.")
        if scope is not None:
            st.button("➕ New chat", key="history.new", on_click=_new_chat, args=(scope.page, scope.thread))
        query = st.text_input("Search conversations", key="history.search", placeholder="Titles and messages")
        try:
            found = store.list(owner(), query)
            everything = store.list(owner()) if query.strip() else found
            current = next((s for s in everything if conversation and s.id == conversation.id), None)
        except ChatError as error:
            st.session_state["storage.problem"] = error
            return
        if not found:
            st.caption("No conversations match." if query.strip() else "Your conversations will appear here.")
        for summary in found[:HISTORY_SHOWN]:
            st.button(
                f"{PAGE_ICONS.get(summary.page, '💬')} {summary.title}",
                key=f"history.open.{summary.id}",
                on_click=_request_open,
                args=(summary.id,),
                type="primary" if current and summary.id == current.id else "secondary",
                help=f"{summary.page.capitalize()} · {summary.thread}",
                width="stretch",
            )
        if len(found) > HISTORY_SHOWN:
            st.caption(f"{len(found) - HISTORY_SHOWN} older conversations: search to find them.")
        if current is not None and scope is not None:
            _manage(store, scope, conversation, current)
        _import_box(store, scope.page if scope else None)


def _login_buttons() -> None:
    if not _auth_configured():
        return
    if st.user.is_logged_in:
        st.caption(f"Signed in as {st.user.get('name') or st.user.get('email')}.")
        st.button("Log out", key="auth.logout", on_click=st.logout)
    else:
        st.caption("Your conversations are tied to this page's link. Log in to keep them across devices.")
        st.button("Log in", key="auth.login", on_click=st.login)


def _rename(store: Store, conversation_id: str) -> None:
    try:
        store.rename(conversation_id, owner(), st.session_state.get("history.title", ""))
    except ChatError as error:
        notice(error)


def _delete(store: Store, scope: ChatScope, conversation_id: str) -> None:
    try:
        store.delete(conversation_id, owner())
    except ChatError as error:
        st.session_state["storage.problem"] = error
        return
    _new_chat(scope.page, scope.thread)
    st.session_state.pop("history.confirm_delete", None)


def _manage(store: Store, scope: ChatScope, conversation: Conversation, current: Summary) -> None:
    with st.expander("This conversation", expanded=False):
        if st.session_state.get("history.title_of") != current.id:
            st.session_state["history.title_of"], st.session_state["history.title"] = current.id, current.title
        st.text_input("Title", key="history.title")
        st.button("Rename", key="history.rename", on_click=_rename, args=(store, current.id))
        snapshot = scope.snapshot(conversation, current.title)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", current.title).strip("-").lower()[:40] or "conversation"
        st.download_button(
            "⬇️ JSON (messages list)", to_json(snapshot), f"{stem}.json", "application/json", key="export.json"
        )
        st.download_button("⬇️ Markdown", to_markdown(snapshot), f"{stem}.md", "text/markdown", key="export.md")
        st.download_button(
            "⬇️ Python script (openai SDK)", to_python(snapshot), f"{stem}.py", "text/x-python", key="export.py"
        )
        if st.session_state.get("history.confirm_delete") == current.id:
            st.warning(f"Delete “{current.title}” for good?")
            yes, no = st.columns(2)
            yes.button(
                "Yes, delete",
                key="history.delete_yes",
                type="primary",
                on_click=_delete,
                args=(store, scope, current.id),
            )
            no.button(
                "Cancel", key="history.delete_no", on_click=st.session_state.pop, args=("history.confirm_delete", None)
            )
        else:
            st.button(
                "🗑 Delete conversation",
                key="history.delete",
                on_click=st.session_state.__setitem__,
                args=("history.confirm_delete", current.id),
            )


def _import_box(store: Store, page: str | None) -> None:
    upload = st.file_uploader("Import a conversation (JSON)", type=["json"], key="history.import")
    if upload is None or st.session_state.get("history.imported") == upload.file_id:
        return
    st.session_state["history.imported"] = upload.file_id
    try:
        imported = parse_import(upload.getvalue())
        target = imported.page if imported.page in PAGE_FILES else (page or "chatbot")
        thread = imported.thread if imported.thread in THREADS[target] else THREADS[target][0]
        remembered = dict(imported.settings)
        if target == "chatbot" and imported.system and imported.thread not in PERSONAS:
            thread, remembered["system"] = CUSTOM_PERSONA, imported.system
        conversation = imported.conversation
        conversation.id = store.create(owner(), target, thread, imported.title, remembered)
        store.save(owner(), conversation)
    except ChatError as error:
        show_error(error)
        notice(error)
        return
    _request_open(conversation.id)
    st.rerun()
