"""The audience room as pages draw it: joining by code, the participant's challenge on a phone, and the presenter's
controls and wall (refreshed by the page on its own). Every rule is in `chat_core.rooms`; this module draws."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import segno
import streamlit as st

from chat_core.catalog import ROOM
from chat_core.challenge.card import next_level_meets
from chat_core.challenge.export import leaked_jsonl, scorecard_rows
from chat_core.challenge.guesses import wait_seconds
from chat_core.challenge.levels import LEVELS, level, load_checks_in_background
from chat_core.challenge.progress import verdict_line
from chat_core.display import counted
from chat_core.errors import ChatError
from chat_core.rooms import (
    APPROVED,
    CLOSED,
    JOIN_TRIES,
    JOIN_WINDOW,
    LOCKED,
    OPEN,
    PENDING,
    REJECTED,
    Room,
    WallAttempt,
    join_problem,
    latest,
    new_nickname,
    new_presenter_token,
    passed_levels,
    playing_now,
    presenter_allowed,
    read_code,
    read_nickname,
    room_error,
    shown_text,
    tallies,
    token_digest,
    unreachable_from_phones,
)
from chat_core.settings import Settings
from chat_core.store import Store
from chat_core.ui import keys
from chat_core.ui.account import owner
from chat_core.ui.challenge import challenge, open_scorecard_if_asked
from chat_core.ui.notices import notice, show_error
from chat_core.ui.presenter import LARGE_TYPE, PRESENTING
from chat_core.ui.resources import storage

WALL_EVERY = timedelta(seconds=2)
"""How often the presenter's wall reads the room again."""
PHONE_EVERY = timedelta(seconds=4)
"""How often a participant's phone looks whether the presenter changed the room."""
MODERATE = "moderate"
"""The `view=` of the presenter's private window (moderation, participants), kept off the projector."""
FREE_CLIMB = 0
"""The level choice that lets each participant climb freely."""
ROOM_STATES = {OPEN: "open", LOCKED: "paused", CLOSED: "closed"}
WHO_STAYS = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-room-who) {
    position: sticky; top: 3.75rem; z-index: 10; background: var(--st-background-color, #fff); }
</style>"""
"""The room's code and the participant's nickname stay in view under the top bar while the chat below scrolls (a
chat page opens scrolled to its latest message). Sticky on the wrapper Streamlit puts around the row, which is as
tall as the row: the page's column is what it must stick within."""
QR_WIDTH, QR_SMALL = 330, 180
"""The QR code's width on the projector; smaller under the warning that phones cannot reach the address, so both stay
in a 1280 x 720 window."""
ROOM_TYPE = """<style>
.st-key-room-join h2 { font-size: 2.4rem; padding: 0.25rem 0; }
.st-key-room-join h3 { font-size: 2rem; padding: 0 0 0.5rem; overflow-wrap: anywhere; }
.st-key-room-join h2 strong { font-size: 4.5rem; letter-spacing: 0.12em; font-family: ui-monospace, monospace; }
</style>"""
"""How to join, readable from the back of a room: the code in letters 72 pixels tall, spaced and in a fixed-width
face (the code has no look-alike characters, and each stands apart), the address under "Join at" at 32 pixels."""


def open_room() -> None:
    """A button's callback: open a room owned by this visitor and go to its presenter view."""
    store = storage()
    if store is None:
        notice(ChatError("Rooms need the database, which is not available.", "", kind="storage"))
        return
    token = new_presenter_token()
    try:
        room = store.create_room(owner(), token_digest(token))
    except ChatError as error:
        notice(error)
        return
    st.session_state[keys.ROOM_OPENED] = (room.code, token)


def go_to_opened_room() -> None:
    """After "Open a room": the room's presenter view (a page switch cannot happen inside a callback)."""
    opened = st.session_state.pop(keys.ROOM_OPENED, None)
    if opened is not None:
        code, token = opened
        st.switch_page(ROOM.file, query_params={"room": code, "key": token, "v": st.query_params.get("v", "")})


def open_room_button() -> None:
    """The guardrail lab's way into a room."""
    st.button(
        "📱 Open a room for the audience", key="room.open", on_click=open_room,
        help="The audience joins from their phones and plays the challenge; your screen shows the verdicts live.",
    )  # fmt: skip
    go_to_opened_room()


def base_address() -> str:
    """The app's address as the browser sees it (behind a proxy too), without the page or query."""
    url = st.context.url or "http://localhost:8501/"
    return url.split("?", 1)[0].rsplit("/", 1)[0]


def join_address(code: str) -> str:
    return f"{base_address()}/{ROOM.url_path}?room={code}"


def room_page(settings: Settings | None) -> None:
    """The Room page: the presenter's view with the room's key, a participant's with its code, else the join box."""
    open_scorecard_if_asked()
    store = storage()
    if store is None:
        st.error("Rooms need the database, which is not available. Check CHAT_DATABASE_URL.")
        return
    code = st.query_params.get("room")
    if not code:
        join_box(store)
        return
    try:
        room = store.room(read_code(code))
    except ChatError as error:
        show_error(error)
        join_box(store)
        return
    key = st.query_params.get("key")
    if key is not None:
        if room is None or not presenter_allowed(key, room.token_digest):
            st.error("This presenter link is not valid for this room. Join it as a participant instead.")
            st.query_params.pop("key", None)
            return
        if st.query_params.get("view") == MODERATE:
            moderation_view(store, room, key)
        else:
            presenter_view(store, room, key)
        return
    participant_view(settings, store, room)


def join_box(store: Store) -> None:
    """Type a room's code to join it; wrong codes are limited per browser."""
    st.markdown("Type the code shown on the presenter's screen, or scan its QR code.")
    with st.form("room.join.form", border=True):
        st.text_input("Room code", key=keys.ROOM_CODE, max_chars=20, placeholder="e.g. ACD479")
        st.form_submit_button("Join", type="primary", on_click=_join, args=(store,))
    said = st.session_state.pop(keys.ROOM_SAID, None)
    if said is not None:
        show_error(said)


def _join(store: Store) -> None:
    who, now = owner(), time.time()
    try:
        wait = wait_seconds(store.join_try_times(who, now - JOIN_WINDOW), now, JOIN_TRIES, JOIN_WINDOW)
        if wait:
            raise room_error(f"Too many wrong codes from this browser. Try again in {wait} s.")
        typed = st.session_state.get(keys.ROOM_CODE, "")
        try:
            code = read_code(typed)
        except ChatError:
            store.record_join_try(who, typed)
            raise
        problem = join_problem(store.room(code), now)
        if problem is not None:
            store.record_join_try(who, typed)
            raise problem
    except ChatError as error:
        st.session_state[keys.ROOM_SAID] = error
        return
    st.query_params["room"] = code


def participant_view(settings: Settings | None, store: Store, room: Room | None) -> None:
    """A participant's phone: their nickname, the room's level, and the challenge; only their own attempts."""
    problem = join_problem(room, time.time())
    if room is None or (problem is not None and room.state != LOCKED):
        show_error(problem)
        st.query_params.pop("room", None)
        return
    who = owner()
    try:
        joined = store.participant(room.code, who)
        nickname = store.join_room(room.code, who, new_nickname()) if joined is None else joined[0]
    except ChatError as error:
        show_error(error)
        return
    removed = joined is not None and joined[1]
    follow_the_presenter(room.code, (room.state, room.level, removed))
    if removed:
        show_error(room_error("The presenter removed you from this room.", "Ask the presenter to let you back in."))
        return
    st.html(WHO_STAYS)
    st.container(key="room-who").markdown(f"**Room {room.code}** · you are **{_plain(nickname)}**")
    said = st.session_state.pop(keys.ROOM_SAID, None)
    with st.popover("Change my nickname"):  # under the line, not held with it: the held strip stays one line
        with st.form("room.nickname.form", border=False):
            st.text_input("Nickname", value=nickname, key=keys.ROOM_NICKNAME, max_chars=40)
            st.form_submit_button("Save", on_click=_rename, args=(store, room.code))
        if said is not None:  # said where the person typed it, and again below once the popover closes
            show_error(said)
    if said is not None:
        show_error(said)
    challenge(
        settings, room_id=room.code, fixed_level=room.level or None,
        paused=problem if room.state == LOCKED else None,
    )  # fmt: skip


@st.fragment(run_every=PHONE_EVERY)
def follow_the_presenter(code: str, seen: tuple[str, int | None, bool]) -> None:
    """Redraws the phone when the presenter pauses, reopens or closes the room, sets another level, or removes this
    participant or lets them back in: the phone follows without a reload. Draws nothing itself."""
    store = storage()
    if store is None:
        return
    try:
        room, joined = store.room(code), store.participant(code, owner())
    except ChatError:
        return  # the next look, or the next turn, says what is wrong
    if room is None or joined is None or (room.state, room.level, joined[1]) != seen:
        st.rerun(scope="app")


def _rename(store: Store, code: str) -> None:
    try:
        nickname = read_nickname(st.session_state.get(keys.ROOM_NICKNAME, ""))
        store.rename_participant(code, owner(), nickname)
    except ChatError as error:
        st.session_state[keys.ROOM_SAID] = error
        return
    st.toast(f"You are now {nickname}.", icon="✅")


def presenter_view(store: Store, room: Room, key: str) -> None:
    """The presenter's screen: how to join (code, address, QR code), the controls, the wall, the moderation list."""
    st.markdown(LARGE_TYPE + ROOM_TYPE, unsafe_allow_html=True)
    address = join_address(room.code)
    join, controls = st.columns([2, 3], gap="large")
    with join.container(key="room-join"):
        if room.state == CLOSED:
            st.markdown(f"## Room {room.code} is closed")
        else:
            load_checks_in_background(room.level)
            unreachable = unreachable_from_phones(address)
            if unreachable:  # first: the QR code under it cannot work
                st.warning(
                    "Phones cannot reach this address, which names this computer only: start the app with "
                    "`--server.address 0.0.0.0` and open the room from the computer's network address.",
                    icon="📵",
                )
            st.markdown(f"## Join at\n### {address.split('://', 1)[-1].split('?', 1)[0]}\n## Code **{room.code}**")
            qr = io.BytesIO()
            segno.make(address, error="m").save(qr, kind="png", scale=10, border=2)
            st.image(
                qr.getvalue(), caption=f"Scan to join room {room.code}", width=QR_SMALL if unreachable else QR_WIDTH,
                alt=f"QR code of the join address for room {room.code}",
            )  # fmt: skip
    with controls:  # the spotlight and the wall beside the QR code: in view on a 1280x720 projector
        spotlight_area(room.code)
        if room.state == CLOSED:
            closed_room(store, room)
        else:
            state_row(store, room, key)
            with st.expander("⚙️ Room settings: level, approval"):  # folded: the audience sees the wall
                room_settings(store, room, key)
        wall(room.code)
    st.link_button(
        "🔒 Moderation and participants: open in a window of its own, off the projector",
        f"{presenter_address(room.code, key)}&view={MODERATE}",
    )


def presenter_address(code: str, key: str) -> str:
    """The presenter's private link to a room."""
    return f"{base_address()}/{ROOM.url_path}?room={code}&key={key}"


def moderation_view(store: Store, room: Room, key: str) -> None:
    """The presenter's private window: attempts waiting for approval, spotlight, participants, the private link."""
    st.markdown(f"## 🔒 Moderation of room {room.code}: keep this window off the projector")
    st.caption("Your presenter link: keep it private; anyone with it controls the room.")
    st.code(presenter_address(room.code, key), language=None)
    moderation_and_participants(room.code, key)


def _allowed(store: Store, code: str, key: str) -> Room | None:
    """The room, if this key is its presenter's; every presenter action asks again."""
    room = store.room(code)
    return room if room is not None and presenter_allowed(key, room.token_digest) else None


def _change(store: Store, code: str, key: str, **changes) -> None:
    try:
        if _allowed(store, code, key) is None:
            raise room_error("Only the presenter can change the room.")
        store.change_room(code, **changes)
    except ChatError as error:
        notice(error)


def state_row(store: Store, room: Room, key: str) -> None:
    """Whether the room is open, with pause or reopen and close beside it: in reach at once, never folded away."""
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown(f"The room is **{ROOM_STATES[room.state]}**.", width="content")
    if room.state == OPEN:
        row.button("⏸ Pause", key="room.lock", on_click=_change, args=(store, room.code, key), kwargs={"state": LOCKED})
    if room.state == LOCKED:
        row.button(
            "▶ Reopen", key="room.reopen", on_click=_change, args=(store, room.code, key), kwargs={"state": OPEN}
        )
    with row.popover("⏹ Close the room"):
        st.markdown("Closing ends the room for everyone: phones can no longer play, and it cannot be reopened.")
        st.button(
            "Close it now", key="room.close", type="primary", on_click=_change, args=(store, room.code, key),
            kwargs={"state": CLOSED, "spotlight": None},
        )  # fmt: skip


def room_settings(store: Store, room: Room, key: str) -> None:
    """The level everyone plays, and whether texts wait for approval."""
    choices = [FREE_CLIMB, *range(1, len(LEVELS) + 1)]
    st.selectbox(
        "Level everyone plays", choices, index=choices.index(room.level or FREE_CLIMB), key=f"room.{room.code}.level",
        format_func=lambda n: "Each climbs freely" if n == FREE_CLIMB else f"Level {n}: {level(n).title}",
        on_change=lambda: _change(
            store, room.code, key, level=st.session_state[f"room.{room.code}.level"] or None
        ),
    )  # fmt: skip
    st.toggle(
        "Show attempt texts on the wall only after I approve them", value=room.approve_first,
        key=f"room.{room.code}.approve_first",
        on_change=lambda: _change(
            store, room.code, key, approve_first=st.session_state[f"room.{room.code}.approve_first"]
        ),
    )  # fmt: skip


@st.fragment(run_every=WALL_EVERY)
def wall(code: str) -> None:
    """The wall: people in, per level the attempts and what stopped them, who passed what, the latest attempts with
    their verdicts, and the spotlight. It reads the database again every two seconds on its own."""
    store = storage()
    if store is None:
        return
    try:
        room = store.room(code)
        attempts = store.room_attempts(code)
        people = [p for p in store.participants(code) if not p[2]]
        passes = passed_levels(store.room_passes(code))
    except ChatError as error:
        show_error(error)
        return
    present = {nickname for _, nickname, _ in people}
    if room is not None and room.state == CLOSED:
        st.markdown(f"### 👥 {len(people)} joined · {counted(len(attempts), 'attempt')}")
    else:
        playing = playing_now([a for a in attempts if a.nickname in present], time.time())
        st.markdown(f"### 👥 {len(people)} joined · {playing} playing now · {counted(len(attempts), 'attempt')}")
    by_level = tallies(attempts)
    if by_level:
        st.table(
            [
                {
                    "level": number, "attempts": tally.attempts, "leaked the pick": tally.leaked,
                    **{f"stopped by {layer}": count for layer, count in sorted(tally.stopped_by.items())},
                }
                for number, tally in by_level.items()
            ]
        )  # fmt: skip
    if passes:
        st.markdown(
            "**Passed:** "
            + " · ".join(f"{name} ({', '.join(str(n) for n in levels)})" for name, levels in passes.items())
        )
    for attempt in latest(attempts):
        with st.container(border=True):  # one box per attempt: its text, when shown, sits with its own verdict
            st.markdown(wall_line(attempt))
            text = shown_text(attempt, room.approve_first if room else True)
            if text is not None:
                st.text(text[:300])


def wall_line(attempt: WallAttempt) -> str:
    """One attempt on the wall: who, which level, the verdict in plain words (never markup from the attempt)."""
    return f"**{_plain(attempt.nickname)}** · level {attempt.level} · {_plain(_verdict(attempt))}"


def _verdict(attempt: WallAttempt) -> str:
    """Who stopped the attempt, or that nobody did, and whether the pick leaked, in plain words."""
    return verdict_line(attempt.blocked_by, attempt.reason) + (" The pick leaked!" if attempt.leaked else "")


def _plain(text: str) -> str:
    """Text shown as typed inside Markdown: every character that could format or link is escaped."""
    return "".join(f"\\{char}" if char in "\\`*_{}[]()<>#+-.!|~:" else char for char in text)


@st.fragment(run_every=WALL_EVERY)
def spotlight_area(code: str) -> None:
    """The attempt the presenter put on the big screen, beside the wall (read again with it)."""
    store = storage()
    if store is None:
        return
    try:
        room = store.room(code)
        spotlight_id = room.spotlight if room is not None else None
        spotlit = next(iter(store.room_attempts(code, only=spotlight_id)), None) if spotlight_id else None
    except ChatError as error:
        show_error(error)
        return
    if spotlit is not None:
        spotlight_card(spotlit)


def spotlight_card(attempt: WallAttempt) -> None:
    """The attempt on the big screen: its text, the full verdict, and what it would meet at the next level."""
    with st.container(border=True):
        st.markdown(f"### 🔦 Spotlight: {_plain(attempt.nickname)} at level {attempt.level}")
        st.text(attempt.prompt[:1000])
        st.markdown(_plain(_verdict(attempt)))
        if attempt.level < len(LEVELS):
            st.markdown(
                _plain(next_level_meets(attempt.level + 1, attempt.prompt, attempt.reply, level(attempt.level).pick))
            )


@st.fragment(run_every=WALL_EVERY)
def moderation_and_participants(code: str, key: str) -> None:
    """The moderation list and the participants, read again with the wall: attempts arrive without a click."""
    store = storage()
    if store is not None:
        moderation(store, code, key)
        participants_list(store, code, key)


def moderation(store: Store, code: str, key: str) -> None:
    """Attempts waiting for approval, with Approve, Keep off and Spotlight."""
    try:
        room = store.room(code)
        attempts = store.room_attempts(code)
    except ChatError as error:
        show_error(error)
        return
    spotlight_id = room.spotlight if room is not None else None
    if spotlight_id:
        st.button("Take the spotlight down", key="room.unspot", on_click=_change, args=(store, code, key),
                  kwargs={"spotlight": None})  # fmt: skip
    waiting = [a for a in attempts if a.moderation == PENDING][:20]
    if room is not None and not room.approve_first:
        st.markdown("**Approval is off:** attempt texts go on the wall as they come. Keep one off, or spotlight it:")
    else:
        st.markdown(f"**Waiting for approval: {len(waiting)}**")
    for attempt in waiting:
        leaked = " · the pick leaked" if attempt.leaked else ""
        st.text(f"{attempt.nickname} · level {attempt.level}{leaked}: {attempt.prompt[:300]}")
        row = st.container(horizontal=True)
        row.button(
            "Approve",
            key=f"room.approve.{attempt.id}",
            on_click=_moderate,
            args=(store, code, key, attempt.id, APPROVED),
        )
        row.button(
            "Keep off",
            key=f"room.reject.{attempt.id}",
            on_click=_moderate,
            args=(store, code, key, attempt.id, REJECTED),
        )
        row.button("Spotlight", key=f"room.spot.{attempt.id}", on_click=_spotlight, args=(store, code, key, attempt.id))
    shown = [a for a in attempts if a.moderation == APPROVED][:10]
    if shown:
        st.markdown("**On the wall** (the latest): put one in the spotlight")
    for attempt in shown:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.text(f"{attempt.nickname} · level {attempt.level}: {attempt.prompt[:120]}")
        row.button(
            "Spotlight", key=f"room.spot.{attempt.id}", on_click=_spotlight, args=(store, code, key, attempt.id),
            disabled=attempt.id == spotlight_id,
        )  # fmt: skip


def _moderate(store: Store, code: str, key: str, attempt_id: str, state: str) -> None:
    try:
        if _allowed(store, code, key) is None:
            raise room_error("Only the presenter can moderate the room.")
        store.moderate(code, attempt_id, state)
    except ChatError as error:
        notice(error)


def _spotlight(store: Store, code: str, key: str, attempt_id: str) -> None:
    _moderate(store, code, key, attempt_id, APPROVED)
    _change(store, code, key, spotlight=attempt_id)


def participants_list(store: Store, code: str, key: str) -> None:
    """Everyone in the room, with a way to take someone out."""
    try:
        people = store.participants(code)
    except ChatError as error:
        show_error(error)
        return
    st.markdown(f"**Participants: {sum(not p[2] for p in people)}**")
    for who, nickname, removed in people:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.text(f"{nickname}{' (removed)' if removed else ''}")
        if removed:
            row.button(
                "Let back in", key=f"room.back.{who}", on_click=_remove, args=(store, code, key, who, False),
                help=f"{nickname} can play in the room again",
            )  # fmt: skip
        else:
            row.button("Remove", key=f"room.remove.{who}", on_click=_remove, args=(store, code, key, who))


def _remove(store: Store, code: str, key: str, who: str, removed: bool = True) -> None:
    try:
        if _allowed(store, code, key) is None:
            raise room_error("Only the presenter can remove a participant.")
        store.remove_participant(code, who, removed)
    except ChatError as error:
        notice(error)


def closed_room(store: Store, room: Room) -> None:
    """A closed room's leaked attempts, as a scorecard set to download or run at once."""
    try:
        leaked = [a for a in store.challenge_attempts(room_id=room.code, leaked=True)]
    except ChatError as error:
        show_error(error)
        return
    rows = scorecard_rows(leaked)
    st.markdown(
        f"**The room is closed.** {counted(len(leaked), 'attempt')} leaked a pick, {counted(len(rows), 'attack')} once "
        "each (the same words sent twice count once): the audience's best red-team cases."
    )
    row = st.container(horizontal=True)
    row.download_button(
        "Download them as scorecard JSONL", leaked_jsonl(leaked), file_name=f"room-{room.code}-leaks.jsonl",
        mime="application/jsonl", disabled=not rows,
    )  # fmt: skip
    row.button(
        "Run them in the scorecard", key="room.to_scorecard", disabled=not rows, on_click=_to_scorecard,
        args=(room.code,),
    )  # fmt: skip


def _to_scorecard(code: str) -> None:
    st.session_state[keys.SCORECARD_ROOM] = code
    st.session_state[keys.TO_SCORECARD] = True
    st.session_state[PRESENTING] = True  # still on the projector: large type, the sidebar (and its link) folded
