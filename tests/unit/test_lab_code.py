"""Copy as code, read as text: the key stays an environment variable, the body is quoted safely, fields route right."""

import ast
import shlex

import pytest

from chat_core.lab.code import curl_command, endpoint, python_script

BODY = {
    "model": "m",
    "temperature": 0.0,
    "max_tokens": 64,
    "seed": 42,
    "messages": [{"role": "user", "content": "It's $HOME and `whoami` and 'quotes'"}],
    "stream": True,
}


def test_the_script_is_valid_python_that_reads_the_key_from_the_environment():
    script = python_script(BODY, "http://127.0.0.1:8000/v1")
    tree = ast.parse(script)
    assert "load_dotenv()" in script
    assert 'os.environ.get("OPENAI_API_KEY"' in script
    request = next(node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "request")
    assert ast.literal_eval(request) == BODY


def test_fields_beyond_the_openai_api_go_through_extra_body():
    script = python_script({**BODY, "cache_prompt": False}, None)
    tree = ast.parse(script)
    assigned = {node.targets[0].id: node.value for node in tree.body if isinstance(node, ast.Assign)}
    assert ast.literal_eval(assigned["extra_body"]) == {"cache_prompt": False}
    assert "cache_prompt" not in ast.literal_eval(assigned["request"])
    assert "extra_body=extra_body" in script


@pytest.mark.parametrize(
    "title", ['Say """hi"""\nimport os; os.system("x")', "C:\\path\\", 'Trailing quote"'], ids=["quotes", "bs", "end"]
)
def test_a_hostile_title_stays_inside_a_comment(title):
    hostile = ast.parse(python_script(BODY, None, title=title))
    plain = ast.parse(python_script(BODY, None, title="Plain"))
    assert ast.dump(hostile) == ast.dump(plain)


def test_the_curl_command_quotes_the_body_as_one_shell_word_and_leaves_the_key_to_the_shell():
    command = curl_command(BODY, "http://127.0.0.1:8000/v1/")
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:4] == ["curl", "-sS", "-N", "http://127.0.0.1:8000/v1/chat/completions"]
    assert "Authorization: Bearer $OPENAI_API_KEY" in words
    assert '"Authorization: Bearer $OPENAI_API_KEY"' in command
    data = words[words.index("--data-binary") + 1]
    assert '"content": "It\'s $HOME and `whoami` and \'quotes\'"' in data


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "https://api.openai.com/v1/chat/completions"),
        ("https://user:secret@example.com:8443/v1/", "https://example.com:8443/v1/chat/completions"),
    ],
)
def test_the_endpoint_never_carries_credentials(base_url, expected):
    assert endpoint(base_url) == expected
    assert "secret" not in python_script(BODY, base_url) + curl_command(BODY, base_url)
