"""Every session-state key the UI uses, named in one place (page-specific keys are built from the page's key)."""

PREFS = "prefs"
"""The sidebar's model, temperature and max tokens, as chosen by the visitor: {name: value}."""
PREF_WIDGET = "pref.{name}"
VISITOR = "visitor"
PASTED_LINK = "account.pasted_link"
STORAGE_PROBLEM = "storage.problem"
MODEL_PROBLEM = "model.problem"
"""Why the embedded model could not start, shown under who answers."""
NOTICE = "notice"
TURN_LOCK = "turn.lock"
TURN_ACTIVE = "turn.active"
RATE_LIMIT = "turn.rate_limit"
"""The session's requests-per-minute counter."""
HISTORY_OPEN = "history.open"
HISTORY_SEARCH = "history.search"
HISTORY_TITLE = "history.title"
HISTORY_TITLE_OF = "history.title_of"
HISTORY_CONFIRM_DELETE = "history.confirm_delete"
HISTORY_IMPORT = "history.import"
HISTORY_MANAGE_OPEN = "history.manage.open"
HISTORY_IMPORT_OPEN = "history.import.open"
PASTED_LINK_OPEN = "account.pasted_link.open"
"""Whether these folds are open: their contents are drawn only then."""
HISTORY_IMPORTED = "history.imported"
HISTORY_IMPORTED_NOTE = "history.imported_note"
"""What the run that opens an imported conversation tells the person."""
HISTORY_IMPORT_ERROR = "history.import_error"
"""(file id, ChatError) of the last upload that was refused, shown while that file stays in the uploader."""
OWN_SETTINGS = "conversation.settings"
"""{conversation id: {name: value}}: the settings an opened conversation keeps, which apply to it alone."""
CUSTOM_PROMPT = "chatbot.custom_prompt"


def pref_widget(name: str) -> str:
    """The widget key of one sidebar preference."""
    return PREF_WIDGET.format(name=name)


def threads(page: str) -> str:
    """A page's conversations, one per thread: {thread: Conversation}."""
    return f"{page}.threads"


def pending(page: str) -> str:
    """Text to send on the page's next run (Retry, Regenerate, Resend, a draft)."""
    return f"{page}.pending"


def draft(page: str) -> str:
    """The box that keeps a message that was not sent."""
    return f"{page}.draft"


def chat_input(page: str) -> str:
    return f"{page}.input"


def inspector(page: str, thread: str) -> str:
    """The request inspector's view of the thread's last turn."""
    return f"{page}.{thread}.inspector"


def cleared(page: str) -> str:
    """The thread whose conversation was cleared (or "" for whichever thread is shown first after a reload)."""
    return f"{page}.cleared"


def restored(page: str | None) -> str:
    """Set once the page has reopened what its URL asked for."""
    return f"restored.{page}"


def inspector_open(name: str | None = None) -> str:
    """Whether a request inspector is open (`name` tells apart several on one page; None for the chat's own)."""
    return f"inspector.open.{name or 'chat'}"


def page_widget(page: str, name: str) -> str:
    """A widget of the chat area of one page (buttons such as clear, retry, stop)."""
    return f"{page}.{name}"


TUTOR_SET = "tutor.subject"
"""The example set the tutor page uses (and its conversation's thread); the catalog's thread widget."""
TUTOR_SWITCH = "tutor.switch_to"
"""A set to choose on the next run (after saving or deleting one)."""
TUTOR_LOADED = "tutor.loaded"
"""The example set the editor was last filled from: (name, version)."""
TUTOR_NAME = "tutor.set_name"
TUTOR_SYSTEM = "tutor.set_system"
TUTOR_ACTIVE = "tutor.active"
"""The last example set that passed its checks: what the chat sends while the editor holds a mistake."""
TUTOR_IMPORT = "tutor.import"
TUTOR_IMPORTED = "tutor.imported"
TUTOR_IMPORTED_SET = "tutor.imported_set"
TUTOR_CONFIRM_DELETE = "tutor.confirm_delete"
TUTOR_RATINGS = "tutor.ratings"
"""{conversation id: {position: thumbs widget value}}: the thumbs given, read from the database once per conversation
and kept beside the widgets, which Streamlit forgets while their reply version is not shown."""
COMPARE = "tutor.side_by_side"
"""The side-by-side view's key (its columns' state lives under it)."""
COMPARE_QUESTION = "tutor.side_by_side.question"
COMPARE_MODE = "tutor.side_by_side.mode"
COMPARE_ASKED = "tutor.side_by_side.asked"
"""The columns and the summary of differences of the question last asked."""


def tutor_editor(version: int) -> str:
    """The example table's widget: a new key each time the editor is refilled, so old edits do not linger."""
    return f"tutor.editor.{version}"


def compare_knob(side: str, name: str) -> str:
    """One knob of one column of the side-by-side view."""
    return f"tutor.side_by_side.{side}.{name}"


def feedback(conversation_id: str, position: int) -> str:
    """The thumbs widget under one saved reply."""
    return f"feedback.{conversation_id}.{position}"


CHALLENGE_LEVEL = "challenge.level"
"""The level played (a selectbox of the levels reached)."""
CHALLENGE_CHATS = "challenge.chats"
"""{level: Conversation}: each level's chat in this session, rebuilt from the stored attempts after a reload."""
CHALLENGE_GUESS = "challenge.guess"
CHALLENGE_SAID = "challenge.said"
"""(level, right?, message, time): what the guess box said of the last guess, and when."""
CHALLENGE_TOLD = "challenge.told"
"""The time of the guess whose answer screen readers were told (each answer is announced once)."""
CHALLENGE_CARD = "challenge.card"
"""The level just passed: its after-level card opens by itself."""
TO_SCORECARD = "challenge.to_scorecard"
"""Set by "Run them in the scorecard": the next run opens the guardrail lab's scorecard on the leaked attempts."""
SCORECARD_ROOM = "challenge.to_scorecard.room"
"""With TO_SCORECARD: the closed room whose leaked attempts the scorecard runs (else the visitor's own)."""
KEPT_IN_PAUSE = "challenge.draft.paused"
"""Set while the challenge's kept message is one typed in a paused room (the box says so once the room reopens)."""
SCORECARD_RUN_NOW = "challenge.to_scorecard.run"
"""Set with TO_SCORECARD: the scorecard runs the leaked attempts as it opens, as the button that sent it there says."""
ROOM_OPENED = "room.opened"
"""(code, presenter token) of the room just opened: the next run goes to its presenter view."""
ROOM_CODE = "room.code"
ROOM_SAID = "room.said"
"""What went wrong joining or renaming, shown once."""
ROOM_NICKNAME = "room.nickname"
