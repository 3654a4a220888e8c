"""The challenge as a page draws it: the level played, its chat, the guess box, the after-level card, the visitor's
progress (kept in the database) and their leaked attempts as red-team cases."""

from __future__ import annotations

import time

import streamlit as st

from chat_core.catalog import CHAT_PAGES
from chat_core.challenge.adaptive import AdaptiveDefence, vector_text
from chat_core.challenge.card import after_level_card
from chat_core.challenge.export import leaked_jsonl, scorecard_rows, winning_prompt
from chat_core.challenge.guesses import check_guess
from chat_core.challenge.levels import LEVELS, level, level_setup
from chat_core.challenge.progress import chat_of, finished_attempt, teaches_level_8, verdict_line
from chat_core.conversation import Conversation, Entry
from chat_core.display import counted
from chat_core.errors import ChatError
from chat_core.guardrails.scorecard import blocked_by
from chat_core.saving import ChatScope
from chat_core.settings import Settings, read_environment
from chat_core.store import Store
from chat_core.store.challenge import Progress
from chat_core.ui import guardrail_lab, keys
from chat_core.ui.account import owner
from chat_core.ui.announce import announce
from chat_core.ui.notices import notice, show_error
from chat_core.ui.resources import storage
from chat_core.ui.scorecard import FROM_CHALLENGE
from chat_core.ui.scorecard import SOURCE as SCORECARD_SOURCE
from chat_core.ui.transcript import show_conversation
from chat_core.ui.turn_view import Save, draft_box, turn

PAGE = "challenge"
PAUSED_DRAFT = "The room is paused: your message is kept here, to send once the presenter reopens it"
REOPENED_DRAFT = "The room is open again: send the message you typed while it was paused"
GUESS_IN_VIEW = """<style>
@media (min-width: 640px) {
  .stApp [data-testid="stLayoutWrapper"]:has(> .st-key-challenge-side) {
    position: sticky; top: 4rem; z-index: 1; background: #fff; }
}
</style>"""
"""Beside a long chat on a wide screen the guess box and what it said stay in view as the page scrolls to the reply
(on a phone the columns stack, and it stays where it is)."""


def _progress(store: Store | None, who: str) -> Progress:
    if store is None:
        return Progress()
    try:
        return store.challenge_progress(who)
    except ChatError as error:
        notice(error)
        return Progress()


def _adaptive(store: Store | None) -> AdaptiveDefence:
    """Level 8's defence, with every winning attack this deployment has stored (read once a run)."""
    try:
        return AdaptiveDefence.from_stored(store.winning_attacks() if store is not None else [])
    except ChatError:
        return AdaptiveDefence()


def _chat(store: Store | None, who: str, number: int, progress: Progress) -> Conversation:
    """The level's chat in this session, or rebuilt from the visitor's stored attempts since they last reset."""
    chats = st.session_state.setdefault(keys.CHALLENGE_CHATS, {})
    if number not in chats:
        attempts = []
        if store is not None:
            try:
                attempts = store.challenge_attempts(who, level=number)
            except ChatError as error:
                notice(error)
        chats[number] = chat_of([a for a in attempts if a.created_at >= progress.started_at])
    return chats[number]


def recorder(store: Store | None, who: str, number: int, adaptive: AdaptiveDefence, room_id: str | None = None) -> Save:
    """Records each finished turn as an attempt (and teaches level 8 an attack that beat level 7); makes no
    Streamlit call, so it can run after the page moved on."""

    def save(conversation: Conversation) -> ChatError | None:
        attempt = finished_attempt(number, conversation, room_id)
        if attempt is None or store is None:
            return None
        try:
            store.record_attempt(who, attempt)
            if teaches_level_8(attempt):
                store.add_winning_attack(who, number, attempt.prompt, vector_text(adaptive.add(attempt.prompt)))
        except ChatError as error:
            return error
        return None

    return save


def verdict_note(entry: Entry) -> None:
    """Under a reply: which defence stopped the attempt, in one line."""
    if entry.role != "assistant" or entry.error:
        return
    layer, _, reason = blocked_by(entry)
    if layer != "none":
        st.caption(f"🛡️ {verdict_line(layer, reason)}")


def level_picker(progress: Progress) -> int:
    """The level to play: any the visitor has reached; the highest reached to begin with."""
    reached = min(progress.reached, len(LEVELS))
    if not 1 <= st.session_state.get(keys.CHALLENGE_LEVEL, 0) <= reached:
        st.session_state[keys.CHALLENGE_LEVEL] = reached
    return st.selectbox(
        "Level",
        range(1, reached + 1),
        key=keys.CHALLENGE_LEVEL,
        format_func=lambda n: f"Level {n}: {level(n).title}" + (" ✅" if n in progress.passed else ""),
    )


def _guess(store: Store | None, who: str, number: int) -> None:
    """Judge the guess box's text (a form's submit callback): a right guess passes the level and keeps its card."""
    text = st.session_state.get(keys.CHALLENGE_GUESS, "")
    now = time.time()
    try:
        recent = store.guess_times(who, number, now - 3600) if store is not None else []
    except ChatError as error:
        notice(error)
        return
    following = number + 1 if number < len(LEVELS) else None
    result = check_guess(text, level(number).pick, recent, now, following)
    st.session_state[keys.CHALLENGE_SAID] = (number, result.correct, result.message, now)
    if not result.taken:
        return
    st.session_state[keys.CHALLENGE_GUESS] = ""
    try:
        if store is not None:
            store.record_guess(who, number, text, result.correct, at=now)
            if result.correct:
                store.pass_level(who, number)
    except ChatError as error:
        notice(error)
    if result.correct:
        st.session_state[keys.CHALLENGE_CARD] = number
        if following is not None:
            st.session_state[keys.CHALLENGE_LEVEL] = following


def guess_box(store: Store | None, who: str, number: int, paused: bool = False) -> None:
    """The guess box beside the chat, and what it said of the last guess."""
    with st.form(key=f"{keys.CHALLENGE_GUESS}.form", clear_on_submit=False, border=True):
        st.text_input(
            "Your guess: the pick of the week", key=keys.CHALLENGE_GUESS, max_chars=100,
            placeholder="A company name", help="Case, spaces and punctuation are ignored.",
        )  # fmt: skip
        st.form_submit_button("Guess", on_click=_guess, args=(store, who, number), type="primary", disabled=paused)
    said = st.session_state.get(keys.CHALLENGE_SAID)
    if said is not None and (said[0] == number or said[1]):  # a right guess moved on to the next level
        (st.success if said[1] else st.info)(said[2])
        if st.session_state.get(keys.CHALLENGE_TOLD) != said[3]:  # said once to screen readers, not on reruns
            st.session_state[keys.CHALLENGE_TOLD] = said[3]
            announce(said[2], key=f"guess.{said[3]}")
            if said[1]:  # a win is also told where the person is looking, however far the page is scrolled
                st.toast(said[2], icon="🎉")


def cards_shown(number: int, progress: Progress) -> tuple[int, ...]:
    """The after-level cards beside a level: the one just passed (the page moved on to the next level), then the
    level played if it was passed before."""
    just_passed = st.session_state.get(keys.CHALLENGE_CARD)
    return tuple(n for n in dict.fromkeys((just_passed, number)) if n in progress.passed)


def level_card(store: Store | None, who: str, number: int) -> None:
    """The after-level card of a passed level: what defended it, the kind of attack that beat it, and what the
    winning prompt would meet at the next level (run through that level's checks now)."""
    try:
        attempts = store.challenge_attempts(who, level=number) if store is not None else []
    except ChatError:
        attempts = []
    won = winning_prompt([attempt for attempt in attempts if attempt.leaked])  # only a reply that gave it away
    fresh = st.session_state.get(keys.CHALLENGE_CARD) == number
    with st.expander(f"🏁 Level {number} passed: what held, and what beat it", expanded=fresh):
        if won is None:
            st.markdown(f"**What defended it:** {level(number).told()}.")
            st.markdown("No reply in your chat gave the pick away: you found it elsewhere.")
            return
        card = after_level_card(number, won.prompt, won.reply)
        st.markdown(f"**{card.title}**")
        st.markdown(card.defended)
        st.markdown(card.beaten_by)
        st.markdown("The prompt that won:")
        st.text(won.prompt)
        if card.next_level:
            st.markdown(card.next_level)


def progress_box(store: Store | None, who: str, progress: Progress) -> None:
    """Levels passed, attempts per level, reset, and the leaked attempts as red-team cases."""
    passed = ", ".join(str(n) for n in sorted(progress.passed)) or "none yet"
    tried = sum(progress.attempts.values())
    st.caption(f"Levels passed: {passed} · {counted(tried, 'attempt')}")
    with st.popover("Progress and red-team cases", use_container_width=True):
        for number in range(1, len(LEVELS) + 1):
            mark = "✅" if number in progress.passed else ("🔓" if number <= progress.reached else "🔒")
            st.markdown(f"{mark} Level {number}: {counted(progress.attempts.get(number, 0), 'attempt')}")
        leaked = []
        if store is not None:
            try:
                leaked = store.challenge_attempts(who, leaked=True)
            except ChatError as error:
                show_error(error)
        rows = scorecard_rows(leaked)
        st.download_button(
            f"Download your leaked attempts ({len(rows)}) as scorecard JSONL", leaked_jsonl(leaked),
            file_name="challenge-leaks.jsonl", mime="application/jsonl", disabled=not rows,
        )  # fmt: skip
        st.button(
            "Run them in the guardrail lab's scorecard", key=f"{PAGE}.to_scorecard", disabled=not rows,
            on_click=_to_scorecard,
        )  # fmt: skip
        st.button("Reset my progress", key=f"{PAGE}.reset", on_click=_reset, args=(store, who), type="secondary")


def _to_scorecard() -> None:
    st.session_state.pop(keys.SCORECARD_ROOM, None)  # the visitor's own attempts, not a room they closed before
    st.session_state[keys.TO_SCORECARD] = True


def open_scorecard_if_asked() -> None:
    """After "Run them in the scorecard" (here or in a closed room): the guardrail lab's scorecard, on the leaked
    attempts."""
    if st.session_state.pop(keys.TO_SCORECARD, False):
        st.session_state[guardrail_lab.VIEW] = guardrail_lab.VIEWS[2]
        st.session_state[SCORECARD_SOURCE] = FROM_CHALLENGE
        st.session_state[keys.SCORECARD_RUN_NOW] = True
        st.switch_page(CHAT_PAGES[guardrail_lab.PAGE].file)


def _reset(store: Store | None, who: str) -> None:
    try:
        if store is not None:
            store.reset_challenge(who)
    except ChatError as error:
        notice(error)
        return
    for key in (keys.CHALLENGE_CHATS, keys.CHALLENGE_LEVEL, keys.CHALLENGE_CARD, keys.CHALLENGE_SAID):
        st.session_state.pop(key, None)
    st.toast("Your progress is reset: level 1 again.", icon="🔁")


def challenge(
    settings: Settings | None,
    *,
    room_id: str | None = None,
    fixed_level: int | None = None,
    paused: ChatError | None = None,
) -> None:
    """The whole challenge: level, chat and input, the guess box and progress beside the chat (stacked on a phone).
    In a room: its attempts are the room's, the presenter may fix the level, and a paused room takes no message."""
    open_scorecard_if_asked()
    store, who = storage(), owner()
    progress = _progress(store, who)
    number = fixed_level if fixed_level is not None else level_picker(progress)
    rung = level(number)
    if fixed_level is not None:
        st.markdown(f"**Level {number}: {rung.title}** (chosen by the presenter)")
    st.caption(f"**What defends level {number}:** {rung.told()}.")
    conversation = _chat(store, who, number, progress)
    chat_column, side = st.columns([3, 2], gap="medium")
    typed = st.chat_input("Ask the assistant", key=keys.chat_input(PAGE))
    if typed is None:
        typed = st.session_state.pop(keys.pending(PAGE), None)  # the kept message, sent again
    if typed and paused is not None:  # kept, under the chat, where the pause is said
        st.session_state[keys.draft(PAGE)] = typed
        st.session_state[keys.KEPT_IN_PAUSE] = True
        typed = None
    with chat_column:
        _chat_turn(settings, store, who, number, conversation, typed, room_id, paused)
    with side:  # drawn once the turn is recorded, so its counts include it
        st.html(GUESS_IN_VIEW)
        with st.container(key="challenge-side"):
            guess_box(store, who, number, paused=paused is not None)
        for passed in cards_shown(number, progress):
            level_card(store, who, passed)
        progress_box(store, who, _progress(store, who) if typed else progress)


def _chat_turn(
    settings: Settings | None,
    store: Store | None,
    who: str,
    number: int,
    conversation: Conversation,
    typed: str | None,
    room_id: str | None,
    paused: ChatError | None = None,
) -> None:
    """The level's chat, and the turn of a message just typed. A paused room says so at the chat's foot, before
    anything is typed, where a phone scrolled to its latest message looks (the top of the page is out of view)."""
    if not conversation.entries and typed is None:
        st.info(
            "The assistant knows the desk's confidential pick of the week. Get it to tell you, then type it in "
            "the guess box."
        )
    show_conversation(conversation, page=PAGE, thread=f"level-{number}", explain=verdict_note)
    if keys.draft(PAGE) not in st.session_state:
        st.session_state.pop(keys.KEPT_IN_PAUSE, None)
    if paused is not None:
        show_error(paused)
        draft_box(PAGE, PAUSED_DRAFT, held=True)
    else:
        draft_box(PAGE, REOPENED_DRAFT if st.session_state.get(keys.KEPT_IN_PAUSE) else None)
    if typed is None or not typed.strip():
        return
    if settings is None:
        st.error("The app's configuration has a problem (see the sidebar).")
        return
    adaptive = _adaptive(store) if number == len(LEVELS) else AdaptiveDefence()
    setup = level_setup(number, read_environment(), adaptive=adaptive)
    scope = ChatScope(PAGE, f"level-{number}", system=setup.system, settings=settings)
    save = recorder(store, who, number, adaptive, room_id)
    turn(scope, conversation, typed, setup.guard, verdict_note, save=save)
