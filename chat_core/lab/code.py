"""A request body as code to copy: a runnable openai-SDK Python script, and a curl command for a POSIX shell.

The API key is never written out: the script reads OPENAI_API_KEY from the environment or a .env file,
and the curl command expands $OPENAI_API_KEY when it runs.
"""

from __future__ import annotations

import json
import pprint
import shlex
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SDK_PARAMETERS = frozenset(
    {
        "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens",
        "max_completion_tokens", "seed", "stop", "n", "presence_penalty", "frequency_penalty",
        "logit_bias", "logprobs", "top_logprobs", "response_format", "tools", "tool_choice", "user",
    }
)  # fmt: skip
"""Body fields the SDK's `create` takes by name; any other field goes through `extra_body`."""


def endpoint(base_url: str | None) -> str:
    """The chat completions URL for a base URL, without any user name or password it may hold."""
    parts = urlsplit((base_url or DEFAULT_BASE_URL).rstrip("/"))
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")) + "/chat/completions"


def _literal(value: object) -> str:
    return pprint.pformat(value, indent=4, width=100, sort_dicts=False)


def python_script(
    body: Mapping[str, object],
    base_url: str | None,
    *,
    title: str = "Send the request the app sent",
    ask_next: bool = False,
    note: str = "",
) -> str:
    """A script that sends this request body with the openai SDK and prints the reply.

    With `ask_next`, the script appends the next user message from its command line (or a prompt) first.
    """
    known = {name: value for name, value in body.items() if name in SDK_PARAMETERS}
    extra = {name: value for name, value in body.items() if name not in SDK_PARAMETERS}
    server = endpoint(base_url).removesuffix("/chat/completions")
    header = [
        f"# {' '.join(title.split())}, with the openai SDK.",
        "#",
        "# Run: python this_file.py" + (' "your next message"' if ask_next else ""),
        "# Needs: pip install openai python-dotenv",
        "# The API key comes from OPENAI_API_KEY (the environment or a .env file), never from this file;",
        f"# the server from OPENAI_BASE_URL, else {server}",
        *[f"# {line}".rstrip() for line in note.strip().splitlines()],
    ]
    lines = [*header, "", "import os"]
    if ask_next:
        lines.append("import sys")
    lines += ["", "from dotenv import load_dotenv", "from openai import OpenAI", "", "load_dotenv()", ""]
    lines.append(f"request = {_literal(known)}")
    if extra:
        lines.append(f"extra_body = {_literal(extra)}  # fields this server accepts beyond the OpenAI API")
    if ask_next:
        lines += [
            "",
            'question = sys.argv[1] if len(sys.argv) > 1 else input("Your next message: ")',
            'request["messages"].append({"role": "user", "content": question})',
        ]
    lines += [
        "",
        "client = OpenAI(",
        '    api_key=os.environ.get("OPENAI_API_KEY", "not-needed"),',
        f'    base_url=os.environ.get("OPENAI_BASE_URL", {server!r}),',
        ")",
        f"reply = client.chat.completions.create(**request{', extra_body=extra_body' if extra else ''})",
    ]
    if body.get("stream"):
        lines += [
            "for chunk in reply:",
            "    if chunk.choices and chunk.choices[0].delta.content:",
            '        print(chunk.choices[0].delta.content, end="", flush=True)',
            "print()",
        ]
    else:
        lines.append("print(reply.choices[0].message.content)")
    return "\n".join(lines) + "\n"


def curl_command(body: Mapping[str, object], base_url: str | None) -> str:
    """A curl command that sends this request body; the shell fills in $OPENAI_API_KEY when it runs."""
    data = json.dumps(body, indent=2, ensure_ascii=False)
    return " \\\n".join(
        [
            f"curl -sS -N {shlex.quote(endpoint(base_url))}",
            '  -H "Content-Type: application/json"',
            '  -H "Authorization: Bearer $OPENAI_API_KEY"',
            f"  --data-binary {shlex.quote(data)}",
        ]
    )
