"""The app's pages and their threads, as data: one place for the router, the history, imports and the tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from chat_core.prompts import CUSTOM_PERSONA, PERSONAS, STARTER_QUESTIONS, TUTOR_SUBJECTS


@dataclass(frozen=True)
class PageEntry:
    """One page of the app: its file, address, icon and the threads (conversations side by side) it keeps."""

    key: str
    title: str
    file: str
    url_path: str
    icon: str
    blurb: str
    threads: tuple[str, ...] = ()
    thread_widget: str | None = None
    """The session-state key of the selectbox that picks the thread, when the page offers a choice."""

    def thread_or_first(self, thread: str, also: Iterable[str] = ()) -> str:
        """The thread itself when this page knows it (or it is one of `also`, e.g. the owner's saved example sets),
        else the page's first thread."""
        return thread if thread in self.threads or thread in set(also) else self.threads[0]


HOME = PageEntry("home", "Home", "app.py", "", "💬", "What a chat request is made of")
CHAT_PAGES: dict[str, PageEntry] = {
    page.key: page
    for page in (
        PageEntry(
            "chatbot", "Chatbot", "pages/1_Chatbot.py", "Chatbot", "🤖", "Personas set by a system message",
            (*PERSONAS, CUSTOM_PERSONA), "chatbot.persona",
        ),
        PageEntry(
            "tutor", "Tutor", "pages/2_Tutor.py", "Tutor", "🎓", "Steered by few-shot examples",
            tuple(TUTOR_SUBJECTS), "tutor.subject",
        ),
        PageEntry(
            "finance", "Finance guardrails", "pages/3_Finance_guardrails.py", "Finance_guardrails", "🛡️",
            "Rules in a system message", ("guardrails",),
        ),
    )
}  # fmt: skip
"""The pages that hold conversations, in navigation order."""

CHALLENGE = PageEntry(
    "challenge", "Challenge", "pages/4_Challenge.py", "Challenge", "🏔️", "Eight levels of guardrails to talk past"
)
ROOM = PageEntry("room", "Room", "pages/5_Room.py", "Room", "📱", "Join a presenter's room from your phone")
ALL_PAGES: tuple[PageEntry, ...] = (HOME, *CHAT_PAGES.values(), CHALLENGE, ROOM)
DEFAULT_CHAT_PAGE = "chatbot"


def chat_page(key: str | None) -> PageEntry | None:
    """The chat page with this key, or None (the home page and unknown pages hold no conversations)."""
    return CHAT_PAGES.get(key or "")


def icon_of(page_key: str) -> str:
    """The icon that marks a conversation of this page in the history."""
    page = chat_page(page_key)
    return page.icon if page else "💬"


def starter_questions(page_key: str, thread: str) -> tuple[str, ...]:
    """The three questions a new chat on this page and thread offers; a thread with none of its own (a saved example
    set) takes its page's first thread's."""
    page = chat_page(page_key)
    if page is None:
        return ()
    return STARTER_QUESTIONS.get(thread) or STARTER_QUESTIONS.get(page.threads[0], ())


def origin_of(page_key: str, thread: str) -> str:
    """Where a conversation in the history comes from: its page, and the persona or example set it was held with
    when the page offers a choice."""
    page = chat_page(page_key)
    if page is None:
        return page_key.capitalize() or "Chat"
    return f"{page.title} · {thread}" if page.thread_widget else page.title


def when_saved(updated_at: float, now: float, zone: tzinfo | None = None) -> str:
    """A conversation's last change as the history shows it: the time today, the day and month this year, else the
    full date; in the reader's time zone when known."""
    then, today = datetime.fromtimestamp(updated_at, zone), datetime.fromtimestamp(now, zone)
    if then.date() == today.date():
        return f"today {then:%H:%M}"
    if then.year == today.year:
        return f"{then.day} {then:%b}"
    return f"{then.day} {then:%b %Y}"
