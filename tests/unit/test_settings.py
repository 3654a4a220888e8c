import pytest

from chat_core.errors import ChatError
from chat_core.settings import LOCAL_MODEL_NAME, load_settings, read_environment


def test_nothing_configured_chooses_the_embedded_model():
    settings = load_settings({})
    assert settings.provider == "local"
    assert settings.model == LOCAL_MODEL_NAME
    assert settings.context_window == 2048


def test_an_api_key_alone_chooses_openai_with_its_default_model():
    settings = load_settings({"OPENAI_API_KEY": "sk-test-123456789"})
    assert (settings.provider, settings.model) == ("openai", "gpt-4o-mini")
    assert settings.context_window == 128_000


def test_a_base_url_wins_over_a_key_and_the_key_is_optional():
    settings = load_settings({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_API_KEY": "sk-x"})
    assert settings.provider == "compatible"
    assert load_settings({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}).api_key is None


def test_a_forced_provider_overrides_the_automatic_choice():
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "CHAT_PROVIDER": "local"}
    assert load_settings(env).provider == "local"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CHAT_PROVIDER": "openai"}, "OPENAI_API_KEY"),
        ({"CHAT_PROVIDER": "compatible"}, "OPENAI_BASE_URL"),
        ({"CHAT_PROVIDER": "anthropic"}, "local, openai, compatible"),
        ({"CHAT_TEMPERATURE": "hot"}, "CHAT_TEMPERATURE"),
        ({"CHAT_TEMPERATURE": "3"}, "from 0 to 2"),
        ({"CHAT_MAX_TOKENS": "1.5"}, "whole number"),
    ],
)
def test_a_setting_that_cannot_work_names_the_fix(env, names):
    with pytest.raises(ChatError) as caught:
        load_settings(env)
    assert names in str(caught.value)
    assert caught.value.kind == "config"


def test_numbers_are_read_from_the_environment():
    settings = load_settings({"CHAT_TEMPERATURE": "0", "CHAT_MAX_TOKENS": "64", "CHAT_SEED": "7"})
    assert (settings.temperature, settings.max_tokens, settings.seed) == (0.0, 64, 7)


def test_the_dotenv_file_never_overrides_the_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("CHAT_MODEL=from-file\nCHAT_TEMPERATURE=0.3\n")
    merged = read_environment(env_file, {"CHAT_MODEL": "from-environment"})
    assert merged["CHAT_MODEL"] == "from-environment"
    assert merged["CHAT_TEMPERATURE"] == "0.3"


def test_the_api_key_never_appears_in_the_settings_repr():
    settings = load_settings({"OPENAI_API_KEY": "sk-secret-abcdef123456"})
    assert "sk-secret" not in repr(settings)
    assert "sk-secret" not in str(settings)
