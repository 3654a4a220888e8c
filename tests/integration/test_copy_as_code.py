"""Copy as code, run for real: the Python script and the curl command send the planned request's exact body."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chat_core.conversation import Conversation
from chat_core.lab.code import curl_command, python_script
from chat_core.lab.examples import BUILT_IN_SETS
from chat_core.providers.client import ChatProvider
from chat_core.settings import load_settings
from chat_core.tokens import VocabularyCounter
from chat_core.turn import Turn, TurnSpec, plan_turn
from tests.conftest import DETERMINISTIC
from tests.support.scripted_server import Step

VENV_PYTHON = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "python"
KEY = "sk-from-the-environment-123456"
TRICKY = "Quote ' double \" dollar $HOME backtick `whoami` backslash \\ newline\n and ünïcode ✓"


@pytest.fixture
def body(scripted_settings):
    """The body the app would send: a tutor request with examples, earlier turns and a hard-to-quote question."""
    settings = scripted_settings(max_tokens=40)
    lesson = BUILT_IN_SETS["Python"]
    plan = plan_turn(
        settings,
        ChatProvider(settings),
        system=lesson.system,
        examples=lesson.examples,
        history=[{"role": "user", "content": "Hi, I'm Ada."}, {"role": "assistant", "content": "Hello Ada!"}],
        user_text=TRICKY,
    )
    return plan.request.body()


def environment(tmp_path) -> dict:
    """A bare environment with the key, and a home with no .env, so only what the code says is sent."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OPENAI_API_KEY": KEY}


def test_the_copied_python_script_sends_the_same_body(tmp_path, scripted, body):
    script = tmp_path / "request.py"
    script.write_text(python_script(body, scripted.base_url), encoding="utf-8")
    scripted.enqueue(Step(text="A set holds unique items."))
    python = VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable)
    done = subprocess.run(
        [str(python), str(script)], cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "A set holds unique items."
    assert scripted.history == [body]
    assert KEY not in script.read_text()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_copied_curl_command_sends_the_same_body(tmp_path, scripted, body):
    command = curl_command(body, scripted.base_url)
    scripted.enqueue(Step(text="A set holds unique items."))
    done = subprocess.run(
        ["sh", "-c", command], cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("data: [DONE]")
    assert scripted.history == [body]
    assert KEY not in command


def test_the_copied_python_script_gets_the_apps_reply_from_the_embedded_model(tmp_path, local_server, model_path):
    settings = load_settings({**DETERMINISTIC, "CHAT_MAX_TOKENS": "24", "CHAT_READ_TIMEOUT": "300"})
    provider = ChatProvider(
        settings, base_url=local_server.ensure_running(), counter=VocabularyCounter(str(model_path))
    )
    turn = Turn(TurnSpec(settings, system="You are a helpful assistant."), Conversation(), "Name a fruit.",
                connect=lambda: provider)  # fmt: skip
    reply = turn.run()
    body = {**reply.meta["request"], "messages": turn.plan.request.messages, "stream": True}
    script = tmp_path / "request.py"
    script.write_text(python_script(body, local_server.base_url), encoding="utf-8")
    python = VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable)
    done = subprocess.run(
        [str(python), str(script)], cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert reply.status in ("complete", "length") and reply.content.strip()
    assert done.stdout.strip() == reply.content.strip()
