"""Memory per session and after many sessions, and the cold start to the first token of the embedded model.

memory: the app (answered by the scripted server) with S sessions in Chromium, each holding its own saved
200-message conversation, opened from its link. Memory growth per session = (resident memory with S sessions open -
before) / S, after one warm-up session opened and closed. Then 50 sessions are opened and closed (ten at a time);
Streamlit frees a disconnected session after `server.disconnectedSessionTTL` (120 s by default, 5 s here); the
memory is read once the sessions are freed. Targets: at most 5 MB per session; back within 10% of the start.

cold: `streamlit run app.py` started, nothing cached but the operating system's files; Chromium opens the Chatbot
page and sends a question as soon as the box shows; the time from starting the process to the reply's first text,
and what the page said meanwhile. Target: at most 10 s.

    .venv/bin/python bench/bench_sessions.py [memory|cold|both] [--sessions S] [--starts N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _browser import chromium, dump, open_page, scripted_overrides, serve
from _common import long_conversation, median, record, rss_mib
from bench_long_chat import save_chat, seeded_store

from chat_core.identity import mint_visitor_token, visitor_owner
from tests.support.scripted_server import ScriptedServer

SESSION_TTL = "5"
CHURN = 50


def memory(sessions: int) -> dict:
    """Resident memory with sessions open, and after fifty opened and closed."""
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    _, store = seeded_store(folder)
    links = []
    for _ in range(sessions + CHURN + 1):
        token = mint_visitor_token()
        links.append(f"/Chatbot?v={token}&c={save_chat(store, visitor_owner(token), long_conversation(200))}")
    server = ScriptedServer().start()
    overrides = {**scripted_overrides(server), "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": SESSION_TTL}
    try:
        with serve(folder, **overrides) as app, chromium() as browser:
            warm = browser.new_context()
            open_page(warm.new_page(), app.base_url + links[0])
            warm.close()
            start = settle(app.pid)
            contexts = [browser.new_context() for _ in range(sessions)]
            for context, link in zip(contexts, links[1 : sessions + 1], strict=True):
                open_page(context.new_page(), app.base_url + link)
            with_sessions = rss_mib(app.pid)
            for context in contexts:
                context.close()
            for batch in range(0, CHURN, 10):
                group = [browser.new_context() for _ in range(10)]
                for context, link in zip(group, links[sessions + 1 + batch :], strict=False):
                    open_page(context.new_page(), app.base_url + link)
                for context in group:
                    context.close()
            peak = rss_mib(app.pid)
            after = settle(app.pid)
    finally:
        server.stop()
    figures = {
        "sessions": sessions,
        "messages_per_session": 200,
        "rss_mib_start": start,
        "rss_mib_with_sessions": with_sessions,
        "mib_per_session": (with_sessions - start) / sessions,
        "per_session_target_mib": 5,
        "rss_mib_after_churn_peak": peak,
        "rss_mib_after_churn_settled": after,
        "after_churn_ratio": after / start,
        "after_churn_target": 1.10,
        "disconnected_session_ttl_s": int(SESSION_TTL),
    }
    figures["per_session_met"] = figures["mib_per_session"] <= 5
    figures["churn_met"] = figures["after_churn_ratio"] <= 1.10
    print("memory:", dump(figures))
    return figures


def settle(pid: int, seconds: float = 45) -> float:
    """The process's resident memory once it stops falling (disconnected sessions freed), or after `seconds`."""
    deadline, readings = time.monotonic() + seconds, [rss_mib(pid)]
    while time.monotonic() < deadline:
        time.sleep(3)
        readings.append(rss_mib(pid))
        if len(readings) > 5 and max(readings[-4:]) - min(readings[-4:]) < 0.5:
            break
    return readings[-1]


def cold_start(starts: int) -> dict:
    """Process start to the first text of the embedded model's reply, in a browser; what the page said meanwhile."""
    runs = []
    with chromium() as browser:
        for number in range(starts):
            page = browser.new_context().new_page()
            with serve(Path(tempfile.mkdtemp(prefix="bench-cold-"))) as app:
                healthy = time.monotonic() - app.started
                page.goto(f"{app.base_url}/Chatbot")
                said = set()
                box = page.get_by_test_id("stChatInputTextArea")
                while not box.is_visible():
                    notes = page.locator('[data-testid="stSpinner"], [data-testid="stCaptionContainer"]')
                    said.update(text.strip() for text in notes.all_inner_texts() if text.strip())
                    time.sleep(0.05)
                box.fill("Hello! Who are you?")
                box.press("Enter")
                page.wait_for_function(
                    "() => { const m = document.querySelectorAll('[data-testid=\"stChatMessage\"]');"
                    " return m.length >= 2 && m[m.length - 1].innerText.trim().length > 0; }",
                    timeout=180_000,
                )
                first = time.monotonic() - app.started
                runs.append({"healthy_s": healthy, "first_token_s": first, "page_said": sorted(said)[:8]})
                print(f"  start {number + 1}: healthy {healthy:.1f} s, first token {first:.1f} s", flush=True)
            page.context.close()
    figures = {
        "starts": starts,
        "first_token_s": median(r["first_token_s"] for r in runs),
        "healthy_s": median(r["healthy_s"] for r in runs),
        "target_s": 10,
        "runs": runs,
    }
    figures["met"] = figures["first_token_s"] <= 10
    print("cold:", dump(figures))
    return figures


def main() -> None:
    """Parse the flags, measure, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=("memory", "cold", "both"), default="both")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    if args.which in ("cold", "both"):
        record("cold_start", cold_start(args.starts))
    if args.which in ("memory", "both"):
        record("memory", memory(args.sessions))


if __name__ == "__main__":
    main()
