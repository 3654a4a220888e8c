"""The page's frame: page setup, the sidebar's heading, who is answering, and the model settings."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from chat_core.catalog import ALL_PAGES
from chat_core.conversation import Conversation
from chat_core.display import plain_markdown
from chat_core.errors import ChatError
from chat_core.settings import Settings
from chat_core.ui import keys
from chat_core.ui.notices import show_error
from chat_core.ui.resources import base_settings, connect, offered_models
from chat_core.ui.threads import PREFERENCES, restore
from chat_core.ui.turn_view import settle_previous_turn

SWITCH_HELP = """**Switch who answers** with a `.env` file in the project folder (see `.env.example`), then restart:

- OpenAI: `OPENAI_API_KEY=sk-...`
- Ollama: `OPENAI_BASE_URL=http://localhost:11434/v1`
- vLLM: `OPENAI_BASE_URL=http://localhost:8000/v1`
- llama.cpp: `OPENAI_BASE_URL=http://localhost:8080/v1`
- LM Studio: `OPENAI_BASE_URL=http://localhost:1234/v1`

With nothing set, the embedded SmolLM2-135M-Instruct model answers, offline."""
READABLE_TEXT = """<style>
.stApp [data-testid="stCaptionContainer"] { opacity: 0.75; }
.stApp [data-testid="stImageCaption"] { color: inherit; }
.stApp [data-testid="stForm"] [data-testid="stTextInput"] { position: relative; padding-bottom: 1.2rem; }
.stApp [data-testid="stForm"] [data-testid="stTextInput"] div:has(> [data-testid="InputInstructions"]) {
    position: absolute; inset: auto 0 0 auto; }
.stApp [data-testid="stForm"] [data-testid="InputInstructions"] { position: static; color: inherit; opacity: 0.75; }
.stApp [data-testid="stCode"] .token:is(.comment, .prolog, .doctype, .cdata, .punctuation, .unchanged) {
    color: #5c6070; }
.stApp [data-testid="stCode"] .token:is(.keyword, .tag, .function, .class-name, .selector, .attr-name, .property,
    .variable) { color: #0b62b8; }
.stApp [data-testid="stCode"] .token:is(.string, .char, .attr-value, .boolean, .constant, .symbol, .inserted) {
    color: #0b7a2e; }
.stApp [data-testid="stCode"] .token:is(.number, .regex) { color: #1a7a6d; }
.stApp [data-testid="stCode"] .token:is(.operator, .entity, .decorator, .atrule) { color: #a14f00; }
.stApp [data-testid="stCode"] .token:is(.important, .deleted) { color: #b91c1c; }
.stApp [data-testid="stCode"] .token.url { color: #6b21a8; }
.stApp [data-testid="stCode"] code { white-space: pre-wrap !important; overflow-wrap: anywhere; }
.stApp [data-testid="stJson"] .variable-value div { color: #243447 !important; }
.stApp [class*="st-key-msgrow"] button { min-height: 1.75rem; padding: 0 0.25rem; color: #4b5563; }
.stApp [class*="st-key-msgrow"] button p { font-size: 0.8rem; }
</style>"""
"""Text that passes WCAG AA contrast (axe's color-contrast rule), on a phone in sunlight or a projector at the back of a
room. Captions less faded than Streamlit's (text at 60% opacity, 3.9:1 on white): at 75% they are 6:1 on white and on
the sidebar's grey, and still take the colour of the box they stand in (an image's caption, the room's QR code's, is
a caption drawn in Streamlit's faded grey: it takes the text's colour instead, else it was faded twice). Code's
highlighting in darker shades of Streamlit's colours (its green strings were 2.8:1 on the code's background; these
are 4.7:1 or more). Code wraps instead of scrolling sideways (its copy button copies it as it is): a
sideways-scrolling box that takes no keyboard focus cannot be scrolled without a pointer (axe's
scrollable-region-focusable), and Streamlit's takes none (its code element's own style says not to wrap, hence
!important). The JSON viewer's values (the inspector's request and result) in one dark colour: its own pale blue and
teal (3.7:1 and 3.1:1 on white) are set on each element, hence !important. The row under each message (its versions,
Continue from here) in small grey type (7.6:1 on white), still 28 pixels tall to tap: it is under every message,
and must not outshout the messages."""
VISIBLE_FOCUS = """<style>
.stApp :is(a, button, summary, [tabindex="0"]):focus-visible { outline: 2px solid #1d4ed8 !important;
    outline-offset: 2px; }
.stApp [data-testid="stAppScrollToBottomContainer"]:focus-visible { outline-offset: -3px; }
.stApp [data-testid="stAppScrollToBottomContainer"] { scroll-padding-top: 4.5rem; }
.stApp [data-testid="stAppScrollToBottomContainer"]:has(> [data-testid="stBottom"]) { scroll-padding-bottom: 9rem; }
.stApp label:has(input:is([type="checkbox"], [type="radio"]):focus-visible),
.stApp :is([data-testid="stTextInputRootElement"], [data-testid="stTextAreaRootElement"],
    [data-testid="stNumberInputContainer"], [data-baseweb="select"] > div):has(:focus-visible),
.stApp [data-testid="stChatInput"] > div:has(textarea:focus-visible) { outline: 2px solid #1d4ed8;
    outline-offset: 2px; border-radius: 0.5rem; }
.stApp :is(input, textarea):focus-visible { outline: none; }
.stElementContainer:has([data-announcement]) { display: none; }
</style>"""
"""Focus always visible, one way everywhere: a dark blue ring (6.7:1 on white) around the control that has the
keyboard's focus. Streamlit's own is a pale pink glow on buttons (1.5:1 on white), none on page links, and a faint
grey behind a switch's label; a switch's or radio's own input is hidden, so its label takes the ring, and a text
field's ring goes round its box. A control reached by Tab is scrolled clear of what stays on screen over the page
(the top bar, and the chat input pinned to the bottom), not left under it. The element that announces a finished reply
draws nothing (see `announce`)."""


def current_settings(settings: Settings) -> Settings:
    """The environment's settings with the sidebar's choices applied."""
    prefs = st.session_state.get(keys.PREFS, {})
    changes = {name: prefs[name] for name in PREFERENCES if name in prefs}
    if settings.provider == "local":
        changes.pop("model", None)
    return settings.with_overrides(**changes)


def page_setup(title: str, icon: str, page: str | None = None, *, wide: bool = False) -> Settings | None:
    """Page config, saved conversations restored, the embedded model started; returns the settings, or None after
    showing in the sidebar what is wrong. `wide`: the whole window, the sidebar folded away (presenter mode)."""
    # Set once per run, the same way on every run of a mode: a second call later in the run made the layout
    # alternate between wide and centered on successive clicks.
    st.set_page_config(
        page_title=f"{title} · Chat lab", page_icon=icon, layout="wide" if wide else "centered",
        initial_sidebar_state="collapsed" if wide else "auto",
    )  # fmt: skip
    st.html(READABLE_TEXT + VISIBLE_FOCUS)  # styles only: Streamlit applies them without drawing an element
    with st.sidebar:
        navigation()
    st.session_state.setdefault(keys.PREFS, {})
    settle_previous_turn()
    restore(page)
    try:
        settings = base_settings()
    except ChatError as error:
        with st.sidebar:
            show_error(error)
            st.markdown(SWITCH_HELP)
        return None
    if settings.provider == "local":
        try:
            connect(settings)
        except ChatError as error:
            st.session_state[keys.MODEL_PROBLEM] = error
        else:
            st.session_state.pop(keys.MODEL_PROBLEM, None)
    return current_settings(settings)


def navigation() -> None:
    """The app's pages, named and ordered by the catalog."""
    with st.container(key="navigation", gap="small"):
        for entry in ALL_PAGES:
            try:
                st.page_link(entry.file, label=entry.title, icon=entry.icon)
            except StreamlitPageNotFoundError:  # a page run on its own (AppTest) knows no other page
                continue
    st.divider()


def provider_status(settings: Settings | None) -> None:
    """Who answers, in one line, and what is wrong with the embedded model if it cannot start."""
    if settings is None:
        return
    model = st.session_state[keys.PREFS].get("model", settings.model)
    st.markdown(f"**Answering:** {plain_markdown(model)}  \n:gray[{plain_markdown(settings.provider_label)}]")
    problem = st.session_state.get(keys.MODEL_PROBLEM)
    if problem is not None:
        show_error(problem)


def own_settings(conversation: Conversation | None) -> dict | None:
    """The settings a conversation opened from the history keeps for itself, if any."""
    if conversation is None or not conversation.id:
        return None
    return st.session_state.get(keys.OWN_SETTINGS, {}).get(conversation.id)


def in_force(settings: Settings | None, conversation: Conversation | None) -> Settings | None:
    """The settings a conversation's requests use: its own where it keeps them, else the sidebar's defaults."""
    own = own_settings(conversation)
    if settings is None or not own:
        return settings
    changes = {name: own[name] for name in PREFERENCES if name in own}
    if settings.provider == "local":
        changes.pop("model", None)
    return settings.with_overrides(**changes)


def sidebar_settings(settings: Settings | None, conversation: Conversation | None = None) -> None:
    """Who answers, then model, temperature and reply length: the conversation's own, else the defaults for every
    page, saying which are in force."""
    provider_status(settings)
    if settings is None:
        return
    own = own_settings(conversation)
    used = in_force(settings, conversation)
    whose = "this conversation's own" if own is not None else "for every page"
    st.caption(f"Temperature {used.temperature:g} · up to {used.max_tokens} reply tokens ({whose})")
    with st.expander("⚙️ Model settings"):
        _preference_widgets(settings, own, conversation.id if own is not None else None)
        if own is not None:
            st.caption(
                "In force here: **this conversation's own settings**, saved with it. Other conversations and new "
                f"chats use temperature {settings.temperature:g} and {settings.max_tokens} reply tokens."
            )
        else:
            st.caption("In force here: **the settings for every page**, except conversations that keep their own.")
        st.markdown(SWITCH_HELP)


def _remember(name: str, conversation_id: str | None) -> None:
    target = st.session_state[keys.OWN_SETTINGS][conversation_id] if conversation_id else st.session_state[keys.PREFS]
    target[name] = st.session_state[keys.pref_widget(name)]


def _preference_widgets(settings: Settings, own: dict | None, conversation_id: str | None) -> None:
    chosen = own if own is not None else st.session_state[keys.PREFS]
    for name in PREFERENCES:
        st.session_state[keys.pref_widget(name)] = chosen.get(name, getattr(settings, name))
    if settings.provider != "local":  # the embedded model is the only one it offers: nothing to choose
        offered = offered_models(settings)
        choices = sorted({*offered, settings.model, st.session_state[keys.pref_widget("model")]})
        st.selectbox(
            "Model", choices, key=keys.pref_widget("model"), on_change=_remember, args=("model", conversation_id),
            help="Listed from the server",
        )  # fmt: skip
    st.slider(
        "Temperature", 0.0, 2.0, step=0.1, key=keys.pref_widget("temperature"), on_change=_remember,
        args=("temperature", conversation_id), help="0 gives the most repeatable replies; higher values vary more.",
    )  # fmt: skip
    st.number_input(
        "Max reply tokens", 16, 4096, step=16, key=keys.pref_widget("max_tokens"), on_change=_remember,
        args=("max_tokens", conversation_id), help="The longest reply; it is also kept free in the context window.",
    )  # fmt: skip
