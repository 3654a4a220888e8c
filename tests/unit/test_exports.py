import json
import re
import subprocess
import sys
import time

import pytest

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.exports import MAX_IMPORT_BYTES, Snapshot, parse_import, to_json, to_markdown, to_python
from chat_core.providers.local_server import find_model_file
from tests.support.scripted_server import Step


def snapshot(settings=None) -> Snapshot:
    conversation = Conversation()
    conversation.add_user("What is 2+2?")
    conversation.add_reply("4", "complete")
    conversation.add_user("And 3+3?")
    conversation.add_reply("6 and", "stopped")
    fixed = [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "1+1?"},
        {"role": "assistant", "content": "2"},
    ]
    return Snapshot("Sums", "tutor", "Math", fixed, conversation, settings or {"model": "m", "temperature": 0.0})


def test_json_export_is_the_exact_messages_list_plus_metadata():
    document = json.loads(to_json(snapshot()))
    assert document["messages"] == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "1+1?"},
        {"role": "assistant", "content": "2"},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
        {"role": "assistant", "content": "6 and"},
    ]
    assert document["metadata"]["page"] == "tutor"
    assert document["metadata"]["statuses"] == ["complete", "complete", "complete", "stopped"]


def test_an_export_imports_back_to_the_same_conversation():
    imported = parse_import(to_json(snapshot()).encode())
    assert (imported.title, imported.page, imported.thread, imported.system) == ("Sums", "tutor", "Math", "Be terse.")
    assert imported.conversation.history() == snapshot().conversation.history()


def test_a_bare_messages_list_imports_too():
    data = json.dumps([{"role": "system", "content": "Pirate."}, {"role": "user", "content": "Ahoy"}]).encode()
    imported = parse_import(data)
    assert imported.system == "Pirate."
    assert [(e.role, e.content) for e in imported.conversation.entries] == [("user", "Ahoy")]
    assert imported.title == "Ahoy"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfe\x00not utf8", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b'{"messages": "hello"}', "no list of messages"),
        (b"[]", "no list of messages"),
        (b'[{"role": "wizard", "content": "hi"}]', "unknown role 'wizard'"),
        (b'[{"role": "user"}]', "not an object with a role and content"),
        (b'[{"role": "user", "content": 7}]', "must be text"),
        (b'[{"role": "user", "content": "  "}]', "cannot be empty"),
        (b'[{"role": "user", "content": "a"}, {"role": "system", "content": "b"}]', "only come first"),
        (b" " * (MAX_IMPORT_BYTES + 1), "the limit is"),
    ],
)
def test_bad_imports_are_refused_with_a_clear_error(data, fragment):
    with pytest.raises(ChatError) as caught:
        parse_import(data)
    assert caught.value.kind == "import"
    assert fragment in caught.value.message


def test_markdown_export_reads_as_a_transcript():
    text = to_markdown(snapshot())
    assert text.startswith("# Sums")
    assert "**System:**" in text and "**Example (user):**" in text
    assert "**Assistant:** *(Stopped before the reply finished.)*" in text


def test_the_python_export_runs_and_sends_the_next_request(tmp_path, scripted):
    script = tmp_path / "conversation.py"
    script.write_text(to_python(snapshot({"model": "scripted-model", "temperature": 0.0, "max_tokens": 20})))
    scripted.enqueue(Step(text="It is 10."))
    env = {"PATH": "/usr/bin:/bin", "OPENAI_BASE_URL": scripted.base_url, "OPENAI_API_KEY": "sk-from-env-123456"}
    done = subprocess.run(
        [sys.executable, str(script), "And 5+5?"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "It is 10."
    sent = scripted.history[-1]
    assert sent["messages"] == [*snapshot().messages(), {"role": "user", "content": "And 5+5?"}]
    assert (sent["model"], sent["temperature"], sent["max_tokens"]) == ("scripted-model", 0.0, 20)
    assert "sk-from-env" not in script.read_text()


def test_the_json_export_is_indented_keeps_its_characters_and_says_what_it_is():
    text = to_json(Snapshot("Café ☕", "chatbot", "Helpful assistant", [], Conversation(), {"model": "m"}))
    document = json.loads(text)
    assert (document["format"], document["version"]) == ("chat-lab.conversation", 1)
    assert document["metadata"]["settings"] == {"model": "m"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["metadata"]["exported_at"])
    assert '\n  "format": "chat-lab.conversation",' in text, "two-space indents"
    assert '"title": "Café ☕"' in text, "characters as they are, not escaped"


def test_the_markdown_export_is_exactly_this_transcript():
    assert to_markdown(snapshot()) == "\n".join([
        "# Sums", "", "*tutor · Math*", "",
        "**System:**", "", "Be terse.", "",
        "**Example (user):**", "", "1+1?", "",
        "**Example (assistant):**", "", "2", "",
        "**User:**", "", "What is 2+2?", "",
        "**Assistant:**", "", "4", "",
        "**User:**", "", "And 3+3?", "",
        "**Assistant:** *(Stopped before the reply finished.)*", "", "6 and", "",
    ])  # fmt: skip


def test_the_python_export_of_an_embedded_model_chat_says_how_to_serve_it_and_the_command_finds_the_model():
    local = to_python(snapshot({"model": "SmolLM2", "base_url": "http://127.0.0.1:8000/v1", "local_model": True}))
    lines = local.splitlines()
    note = lines.index("# This conversation was with the embedded model; serve it first (from the app's virtualenv):")
    serve = lines[note + 1]
    assert serve.startswith("#     python -m llama_cpp.server --port 8000 --model \"$(python -c '")
    finder = re.fullmatch(r"#     python -m llama_cpp\.server --port 8000 --model \"\$\(python -c '(.+)'\)\"", serve)
    found = subprocess.run([sys.executable, "-c", finder.group(1)], capture_output=True, text=True, timeout=60)
    assert found.stdout.strip() == str(find_model_file()), found.stderr
    assert "http://127.0.0.1:8000/v1" in local
    assert "Continue the conversation “Sums”" in local


def test_the_python_export_of_another_server_starts_with_its_plain_header():
    remote = to_python(Snapshot("Sums", "tutor", "Math", [], snapshot().conversation, {}))
    assert remote.splitlines()[:8] == [
        "# Continue the conversation “Sums”, with the openai SDK.",
        "#",
        '# Run: python this_file.py "your next message"',
        "# Needs: pip install openai python-dotenv",
        "# The API key comes from OPENAI_API_KEY (the environment or a .env file), never from this file;",
        "# the server from OPENAI_BASE_URL, else https://api.openai.com/v1",
        "",
        "import os",
    ]
    assert "'model': 'gpt-4o-mini'" in remote


def test_the_export_time_is_utc_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # UTC+05:45: no whole-hour slip hides in it
    time.tzset()
    try:
        before = time.gmtime()
        stamp = json.loads(to_json(snapshot()))["metadata"]["exported_at"]
        after = time.gmtime()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", before) <= stamp <= time.strftime("%Y-%m-%dT%H:%M:%SZ", after)


def test_an_import_keeps_its_metadata_and_takes_replies_as_complete():
    data = json.dumps({
        "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"},
                     {"role": "assistant", "content": "A"}],
        "metadata": {"fixed_messages": 1, "thread": 7, "page": "tutor", "settings": {"model": "m"}},
    }).encode()  # fmt: skip
    done = parse_import(data)
    assert (done.system, done.page, done.thread, done.settings) == ("S", "tutor", None, {"model": "m"})
    assert [(e.role, e.content, e.status) for e in done.conversation.entries] == [
        ("user", "Q", "complete"), ("assistant", "A", "complete"),
    ]  # fmt: skip


def test_an_import_whose_metadata_counts_no_fixed_message_may_not_start_with_a_system_prompt():
    data = {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}]}
    assert parse_import(json.dumps(data).encode()).system == "S"
    with pytest.raises(ChatError, match="only come first"):
        parse_import(json.dumps({**data, "metadata": {"fixed_messages": 0}}).encode())


@pytest.mark.parametrize(("fixed", "kept"), [(0, ["Q", "A"]), (1, ["A"]), (2, [])])
def test_an_import_counts_as_fixed_exactly_the_messages_its_metadata_says(fixed, kept):
    messages = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]
    done = parse_import(json.dumps({"messages": messages, "metadata": {"fixed_messages": fixed}}).encode())
    assert [e.content for e in done.conversation.entries] == kept
    assert done.system is None


def test_an_import_without_a_title_or_a_question_is_named_plainly():
    data = json.dumps([{"role": "assistant", "content": "Hello."}]).encode()
    assert parse_import(data).title == "Imported conversation"


def branched() -> Snapshot:
    """Sums with its last reply regenerated twice, then moved back to the first version."""
    conversation = snapshot().conversation
    for again in ("6.", ""):
        conversation.add_user(conversation.rewind_to_last_user())
        conversation.add_reply(again, "complete" if again else "stopped")
    conversation.switch(conversation.entries[-1], -2)
    return Snapshot("Sums", "tutor", "Math", [], conversation, {"model": "m"})


def test_a_json_export_holds_every_branch_and_the_branch_shown_as_its_messages():
    document = json.loads(to_json(branched()))
    assert [m["content"] for m in document["messages"]] == ["What is 2+2?", "4", "And 3+3?", "6 and"]
    tree = document["tree"]
    assert [m["content"] for m in tree["messages"]] == ["What is 2+2?", "4", "And 3+3?", "6 and", "6.", ""]
    assert tree["active_leaf"] == tree["messages"][3]["id"]
    assert "tree" not in json.loads(to_json(snapshot())), "a conversation of one branch exports as before"


def test_a_json_export_imports_back_with_its_tree_and_active_branch():
    exported = branched()
    original = exported.conversation
    imported = parse_import(to_json(exported).encode()).conversation
    assert [(e.id, e.parent, e.content, e.status) for e in imported.messages()] == [
        (e.id, e.parent, e.content, e.status) for e in original.messages()
    ]
    assert [e.content for e in imported.entries] == ["What is 2+2?", "4", "And 3+3?", "6 and"]
    assert imported.version_of(imported.entries[-1]) == (1, 3)


def test_markdown_and_python_exports_say_how_many_messages_are_on_other_branches():
    said = "This is the branch shown; 2 more messages exist on other branches"
    assert said in to_markdown(branched()) and said in to_python(branched())
    assert "other branches" not in to_markdown(snapshot())


def tree_document(*nodes: dict, leaf: str = "a") -> bytes:
    messages = [{"role": "user", "content": "Hi"}]
    return json.dumps({"messages": messages, "tree": {"active_leaf": leaf, "messages": list(nodes)}}).encode()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (tree_document({"id": "a", "parent": "ghost", "role": "user", "content": "Hi"}), "does not exist"),
        (
            tree_document(
                {"id": "a", "parent": "b", "role": "user", "content": "Hi"},
                {"id": "b", "parent": "a", "role": "assistant", "content": "Hello"},
            ),
            "cycle",
        ),
        (
            tree_document(
                {"id": "b", "parent": "a", "role": "assistant", "content": "Hello"},
                {"id": "a", "parent": None, "role": "user", "content": "Hi"},
            ),
            "comes before its parent",
        ),
        (tree_document({"parent": None, "role": "user", "content": "Hi"}), "needs an id"),
        (tree_document(), "tree has no list of messages"),
    ],
    ids=["missing parent", "cycle", "child before parent", "no id", "empty tree"],
)
def test_a_tree_that_cannot_be_followed_is_refused_whole(data, fragment):
    with pytest.raises(ChatError) as caught:
        parse_import(data)
    assert caught.value.kind == "import" and fragment in caught.value.message
