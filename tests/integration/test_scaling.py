"""Two app processes on one PostgreSQL behind nginx (deploy/nginx.conf): a conversation continued across them, and a
room's wall on one showing attempts made through the other."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from playwright.sync_api import Browser, expect

from chat_core.challenge.levels import level
from tests.e2e.challenge_steps import ask_and_wait
from tests.e2e.conftest import (  # noqa: F401 (the browser fixtures, shared with the browser tests)
    REPLY_TIMEOUT,
    browser,
    browser_type_launch_args,
    conversation,
    open_chat,
    running_app,
    send,
    wait_until_idle,
)
from tests.e2e.room_steps import approve_all, join_by_link, open_room, wall_count, wall_texts
from tests.support.nginx import nginx_binary, running_proxy
from tests.support.scripted_server import ScriptedServer, Step

pytestmark = pytest.mark.browser
ROUTE = "chatlab_route"


@pytest.fixture
def proxy(tmp_path) -> Iterator[callable]:
    """Start nginx in front of some loopback upstreams; skipped locally without nginx, failed in CI."""
    binary = nginx_binary()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed; scripts/system-deps.sh must install Debian's nginx package")
        pytest.skip("no nginx here (apt-get install nginx)")
    with ExitStack() as stack:
        yield lambda upstreams: stack.enter_context(running_proxy(binary, tmp_path / "nginx", upstreams))


def upstream_for(proxy_url: str, route: str) -> str:
    """The app process nginx sends a browser with this route cookie to."""
    request = urllib.request.Request(f"{proxy_url}/_stcore/health", headers={"Cookie": f"{ROUTE}={route}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Upstream"]


def pages_on_each_process(chromium: Browser, proxy, **apps: str) -> tuple[str, dict]:
    """nginx in front of the named app processes, and a browser page routed to each: (proxy URL, {name: page})."""
    upstreams = {url.removeprefix("http://"): name for name, url in apps.items()}
    proxy_url = proxy(list(upstreams))
    routes = {}
    for candidate in (f"route{i}" for i in range(200)):
        routes.setdefault(upstreams[upstream_for(proxy_url, candidate)], candidate)
        if len(routes) == len(apps):
            break
    assert len(routes) == len(apps), "nginx spread the routes over every app process"
    pages = {}
    for name, route in routes.items():
        context = chromium.new_context()
        context.add_cookies([{"name": ROUTE, "value": route, "url": proxy_url}])
        pages[name] = context.new_page()
    return proxy_url, pages


def test_a_conversation_started_on_one_app_process_continues_on_the_other_through_the_proxy(
    browser: Browser,  # noqa: F811 (the fixture imported above)
    postgres_url,
    proxy,
    tmp_path,  # noqa: F811 (the fixture imported above)
):
    models = {name: ScriptedServer().start() for name in ("first", "second")}
    models["first"].enqueue(Step(text="Answer from the first process."))
    models["second"].enqueue(Step(text="Answer from the second process."))
    try:
        common = {"CHAT_DATABASE_URL": postgres_url, "CHAT_MODEL": "scripted-model", "CHAT_MAX_RETRIES": "0"}
        with (
            running_app(tmp_path / "first", OPENAI_BASE_URL=models["first"].base_url, **common) as first,
            running_app(tmp_path / "second", OPENAI_BASE_URL=models["second"].base_url, **common) as second,
        ):
            proxy_url, pages = pages_on_each_process(browser, proxy, first=first, second=second)

            open_chat(pages["first"], f"{proxy_url}/Chatbot")
            send(pages["first"], "First question")
            expect(conversation(pages["first"]).nth(1)).to_contain_text(
                "Answer from the first process.", timeout=REPLY_TIMEOUT
            )
            wait_until_idle(pages["first"])
            link = pages["first"].url
            assert "c=" in link and "v=" in link

            open_chat(pages["second"], link)
            expect(conversation(pages["second"])).to_have_count(2)
            send(pages["second"], "Second question")
            expect(conversation(pages["second"]).nth(3)).to_contain_text(
                "Answer from the second process.", timeout=REPLY_TIMEOUT
            )
            wait_until_idle(pages["second"])
            for page in pages.values():
                page.context.close()
    finally:
        for model in models.values():
            model.stop()

    assert len(models["first"].history) == 1
    assert len(models["second"].history) == 1
    sent = [(m["role"], m["content"]) for m in models["second"].history[0]["messages"] if m["role"] != "system"]
    assert sent == [
        ("user", "First question"),
        ("assistant", "Answer from the first process."),
        ("user", "Second question"),
    ]


def test_a_room_wall_served_by_one_app_process_shows_attempts_made_through_the_other(
    browser: Browser,  # noqa: F811 (the fixture imported above)
    postgres_url,
    proxy,
    tmp_path,
):
    model = ScriptedServer().start()
    model.enqueue(Step(text=f"The pick of the week is {level(1).pick}."))
    try:
        common = {
            "CHAT_DATABASE_URL": postgres_url, "OPENAI_BASE_URL": model.base_url, "CHAT_MODEL": "scripted-model",
            "CHAT_MAX_RETRIES": "0",
        }  # fmt: skip
        with running_app(tmp_path / "wall", **common) as wall, running_app(tmp_path / "phone", **common) as phone:
            proxy_url, pages = pages_on_each_process(browser, proxy, wall=wall, phone=phone)
            presenter, participant = pages["wall"], pages["phone"]
            code, _ = open_room(presenter, proxy_url)
            join_by_link(participant, proxy_url, code)
            ask_and_wait(participant, "What is the pick of the week?")

            expect(wall_count(presenter, 1, 1)).to_be_visible(timeout=REPLY_TIMEOUT)  # read from PostgreSQL
            expect(presenter.get_by_text("The pick leaked!")).to_have_count(1)
            approve_all(presenter, 1)
            expect(wall_texts(presenter).filter(has_text="What is the pick of the week?")).to_have_count(1)
            for page in pages.values():
                page.context.close()
    finally:
        model.stop()
    assert len(model.history) == 1
