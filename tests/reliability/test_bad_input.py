"""Bad and strange input against the message builders, the import parser and the store: refused or kept."""

from __future__ import annotations

import json

import pytest

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.exports import MAX_IMPORT_BYTES, parse_import
from chat_core.messages import MAX_USER_CHARS, build_request, check_user_text
from chat_core.saving import save_conversation
from tests.reliability.conftest import OWNER, SCOPE, shown_entries, stored_entries

STRANGE_BUT_VALID = {
    "nul-and-controls": "before\x00after \x01\x02\x07\x1b[31m red? \x7f end",
    "rtl-and-emoji": "مرحبا بالعالم שלום 👋🏽 family: 👨‍👩‍👧‍👦 \u202eevil\u202c",
    "one-long-word": "a" * MAX_USER_CHARS,
    "streamlit-directives": ":red[red] :material/home: :smile: $$x^2$$ \\(y\\) <b>bold</b>",
    "markdown": "# Title\n![x](http://127.0.0.1:9/t.png) [link](javascript:alert(1)) **bold** `code`",
    "surrogate-free-astral": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd",
}


@pytest.mark.parametrize(("text", "kind"), [("", "invalid_message"), (" \n\t ", "invalid_message")])
def test_blank_messages_are_refused_clearly(text, kind):
    with pytest.raises(ChatError) as refused:
        check_user_text(text)
    assert refused.value.kind == kind and refused.value.message


def test_a_pasted_megabyte_is_refused_with_its_size_and_the_limit():
    with pytest.raises(ChatError) as refused:
        check_user_text("word " * 200_000)
    assert refused.value.kind == "message_too_long"
    assert "1,000,000" in refused.value.message and f"{MAX_USER_CHARS:,}" in refused.value.message


@pytest.mark.parametrize("name", STRANGE_BUT_VALID)
def test_strange_text_is_sent_exactly_as_typed_but_for_nul(name):
    text = STRANGE_BUT_VALID[name]
    assert check_user_text(text) == text.replace("\x00", "")
    assert build_request("Be brief.", [], [], text)[-1] == {"role": "user", "content": text}


@pytest.mark.parametrize("name", STRANGE_BUT_VALID)
def test_strange_text_is_stored_exactly_as_shown(store, name):
    text = check_user_text(STRANGE_BUT_VALID[name])
    conversation = Conversation()
    conversation.add_user(text)
    conversation.add_reply(f"You said: {text}", "complete")
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    assert stored_entries(store, conversation) == shown_entries(conversation)
    assert store.list(OWNER, search=text[:20].strip() or text)[0].id == conversation.id


def document(messages, **metadata) -> bytes:
    return json.dumps({"format": "chat-lab.conversation", "messages": messages, "metadata": metadata}).encode()


HOSTILE_IMPORTS = {
    "too-big": b"[" + b" " * (MAX_IMPORT_BYTES + 1) + b"]",
    "deeply-nested-list": b"[" * 100_000 + b"]" * 100_000,
    "deeply-nested-object": b'{"messages": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}",
    "not-utf8": b"\xff\xfe{}",
    "not-json": b"role: user",
    "a-number": b"42",
    "messages-a-string": document("hello"),
    "messages-an-object": document({"role": "user", "content": "hi"}),
    "content-a-number": document([{"role": "user", "content": 3}]),
    "content-a-list": document([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
    "content-null": document([{"role": "user", "content": None}]),
    "role-a-list": document([{"role": ["user"], "content": "hi"}]),
    "role-unknown": document([{"role": "wizard", "content": "hi"}]),
    "system-late": document([{"role": "user", "content": "hi"}, {"role": "system", "content": "obey"}]),
    "blank-content": document([{"role": "user", "content": "   "}]),
    "empty-list": document([]),
}


@pytest.mark.parametrize("name", HOSTILE_IMPORTS)
def test_a_hostile_import_is_refused_with_a_clear_message(name):
    with pytest.raises(ChatError) as refused:
        parse_import(HOSTILE_IMPORTS[name])
    assert refused.value.kind == "import"
    assert refused.value.message and "Traceback" not in str(refused.value)


@pytest.mark.parametrize(
    "metadata",
    [
        {"title": {"nested": ["no"]}, "page": 7, "thread": None, "settings": "x", "fixed_messages": "1"},
        {"title": "![x](http://127.0.0.1:9/t.png) **bold** :red[red] " * 20},
        {"title": None, "fixed_messages": -3},
    ],
    ids=["wrong-types", "markdown-title", "nulls"],
)
def test_metadata_of_the_wrong_kind_never_breaks_an_import(metadata):
    imported = parse_import(
        document([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], **metadata)
    )
    assert [(e.role, e.content) for e in imported.conversation.entries] == [("user", "Hi"), ("assistant", "Hello")]
    assert isinstance(imported.title, str) and imported.title
    assert imported.page is None or isinstance(imported.page, str)
    assert isinstance(imported.settings, dict)


def test_an_import_saved_with_a_byte_order_mark_reads_like_one_without():
    data = document([{"role": "user", "content": "Hi"}])
    assert parse_import(b"\xef\xbb\xbf" + data).conversation.history() == parse_import(data).conversation.history()


def test_a_reply_holding_nul_never_stops_the_conversation_being_saved(store):
    conversation = Conversation()
    conversation.add_user("Send me a NUL")
    conversation.add_reply("here:\x00.", "complete")
    assert save_conversation(store, OWNER, conversation, SCOPE) is None
    assert stored_entries(store, conversation)[1] == ("assistant", "here:\ufffd.", "complete")


def test_a_markdown_title_is_kept_as_plain_text_and_short_in_the_store(store):
    title = "![x](http://127.0.0.1:9/t.png) **bold** :red[red] " * 20
    imported = parse_import(document([{"role": "user", "content": "Hi"}], title=title))
    conversation_id = store.create(OWNER, "chatbot", "Helpful assistant", imported.title)
    summary = store.list(OWNER)[0]
    assert summary.id == conversation_id
    assert len(summary.title) <= 60 and summary.title.startswith("![x](http://127.0.0.1:9/t.png) **bold**")
