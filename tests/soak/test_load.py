"""Twenty browser sessions chat at once against the scripted server: no errors, nothing lost, memory flat.

SOAK_SESSIONS and SOAK_SECONDS bound the run (20 sessions, 300 seconds by default); the figures are printed.
"""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import REPLY_TIMEOUT, conversation, open_chat, send, wait_until_idle
from tests.soak.conftest import app_process, scripted_overrides

pytestmark = [pytest.mark.soak, pytest.mark.browser]
SESSIONS = int(os.environ.get("SOAK_SESSIONS", "20"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "300"))
MEMORY_GROWTH_LIMIT = 1.5
"""The app's memory at the end may be at most this many times what it was after the first round (warm)."""


def owner_of(page: Page) -> str:
    return f"visitor:{parse_qs(urlparse(page.url).query)['v'][0]}"


def test_twenty_sessions_chat_at_once_with_no_error_no_loss_and_flat_memory(browser: Browser, scripted, tmp_path):
    with app_process(tmp_path / "app", **scripted_overrides(scripted)) as app:
        contexts = [browser.new_context() for _ in range(SESSIONS)]
        pages = [context.new_page() for context in contexts]
        for page in pages:
            open_chat(page, f"{app.base_url}/Chatbot")
        sent: dict[int, list[str]] = {i: [] for i in range(SESSIONS)}
        memory = []
        started = time.monotonic()
        rounds = 0
        while rounds == 0 or time.monotonic() - started < SECONDS:
            for index, page in enumerate(pages):
                text = f"Session {index} message {rounds}, over."
                send(page, text)
                sent[index].append(text)
            for index, page in enumerate(pages):
                # A long chat draws only its latest messages: wait for this round's question, then its reply.
                question = conversation(page).filter(has_text=sent[index][-1])
                expect(question).to_have_count(1, timeout=REPLY_TIMEOUT)
                wait_until_idle(page)
                expect(conversation(page).last).to_contain_text("Hello from the scripted server.")
            rounds += 1
            memory.append(app.rss_kib())
        elapsed = time.monotonic() - started
        alerts = [
            f"session {index}: {box.inner_text()}"
            for index, page in enumerate(pages)
            for box in page.get_by_test_id("stAlert").all() + page.get_by_test_id("stException").all()
        ]
        errors = len(alerts)
        store = app.store()
        lost, problems = 0, []
        for index, page in enumerate(pages):
            owner = owner_of(page)
            stored = [e for s in store.list(owner) for e in store.load(s.id, owner)[1].entries]
            questions = [e.content for e in stored if e.role == "user"]
            replies = [e for e in stored if e.role == "assistant" and e.status == "complete"]
            missing = [text for text in sent[index] if text not in questions]
            unfinished = [
                (e.content[:60], e.status, e.error) for e in stored if e.role == "assistant" and e.status != "complete"
            ]
            if missing or unfinished or len(replies) != len(sent[index]):
                problems.append(f"session {index}: missing {missing}, unfinished {unfinished}, {len(replies)} replies")
            lost += len(set(sent[index]) - set(questions)) + len(sent[index]) - len(replies)
        for context in contexts:
            context.close()
    messages = sum(len(texts) for texts in sent.values())
    print(
        f"\nSOAK sessions={SESSIONS} seconds={elapsed:.0f} rounds={rounds} messages={messages} "
        f"requests={len(scripted.history)} errors={errors} lost={lost} "
        f"rss_kib_first={memory[0]} rss_kib_last={memory[-1]} rss_kib_max={max(memory)}"
    )
    assert errors == 0, alerts
    assert lost == 0, problems
    assert len(scripted.history) == messages
    assert memory[-1] <= MEMORY_GROWTH_LIMIT * memory[0]
