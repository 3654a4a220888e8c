"""Streaming in Chromium, and eight sessions at once, against the scripted server.

streaming: the scripted server waits a fixed time (TTFT_DELAY) before its first word, then sends one word every
10 ms (100 tokens per second). Measured in the page's own clock: Enter to the first word visible, and the rate
of words becoming visible. The baseline, measured alternately in the same run: the bare openai client on the same
server (its time to first word and its receive rate). Targets: added latency at most 100 ms (median); visible rate
at least 95% of the rate received by the bare client. The same is measured on the guardrail lab (its layers on) and
reported beside it, without targets: a blocked question never reaches the model, and checked text is shown a sentence
(or 80 characters) at a time.

concurrency: eight browser sessions (contexts) send at once; each reply is made for its session (its words carry
the session's tag) and trickles at 50 tokens per second. Every session must receive all its words and none of
another's; each session's visible rate at least 80% of a solo session's (solo and eight-at-once rounds alternate).
The app process's CPU (share of one core) and memory are reported.

long: a conversation of 20, 200 and 2,000 saved messages, opened from its link in a new browser session; Enter to
the first word of the next reply and to a settled page, against the simplest Streamlit chat holding the same
messages (bench/simple_chat.py, served the same way), alternating. Targets as for the rerun benchmark: the page's
settled time at 2,000 messages at most twice its time at 20, and the page faster than the simple pattern at every
size.

    .venv/bin/python bench/bench_browser.py [streaming|concurrency|long|both|all] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import openai
from _browser import PerRequestScript, chromium, dump, open_page, scripted_overrides, send_and_watch, serve, tokens
from _common import long_conversation, median, process_cpu_seconds, record, rss_mib
from bench_long_chat import save_chat

from chat_core.identity import mint_visitor_token, visitor_owner
from chat_core.store import Store, make_engine
from tests.support.scripted_server import ScriptedServer, Step

TTFT_DELAY = 0.5
GUARDED_PAGE = "Finance_guardrails"
"""Also measured: the guardrail lab, whose input checks run before the request and whose output check shows the
reply a sentence (or 80 characters) at a time, once checked."""
ADDED_LATENCY_TARGET = 0.1
WORDS = 150
STREAM_INTERVAL = 0.01
SESSIONS = 8
CONCURRENT_INTERVAL = 0.02
CONCURRENT_WORDS = 100
LONG_SIZES = (20, 200, 2000)
LONG_WORDS = 40


def bare_reply(base_url: str) -> tuple[float, float]:
    """The bare openai client's time to first word and receive rate (words per second) on one reply."""
    client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    started = time.perf_counter()
    stream = client.chat.completions.create(
        model="scripted-model", messages=[{"role": "user", "content": "baseline"}], stream=True
    )
    times = [time.perf_counter() for chunk in stream if chunk.choices and chunk.choices[0].delta.content]
    return times[0] - started, (len(times) - 1) / (times[-1] - times[0])


def tag_of(body: dict) -> str:
    """The tag the question carries (its first word), which the reply's words repeat."""
    return body["messages"][-1]["content"].split()[0]


def streaming(runs: int, page_path: str = "Chatbot") -> dict:
    """Enter to first word and the visible rate on one page, against the bare client, alternating."""
    server = ScriptedServer().start()
    PerRequestScript(
        server,
        lambda body: Step(text=tokens(tag_of(body), WORDS), chunks=WORDS, delay=STREAM_INTERVAL, hang=TTFT_DELAY),
    )
    browser_runs, bare_runs = [], []
    try:
        with (
            serve(Path(tempfile.mkdtemp(prefix="bench-stream-")), **scripted_overrides(server)) as app,
            chromium() as b,
        ):
            page = b.new_context(viewport={"width": 1280, "height": 900}).new_page()
            open_page(page, f"{app.base_url}/{page_path}")
            for run in range(runs + 1):
                tag = f"r{run}x"
                seen = send_and_watch(page, f"{tag} What is an index fund?", tag, WORDS)()
                bare = bare_reply(server.base_url)
                if run == 0:
                    continue  # warm-up
                browser_runs.append(seen)
                bare_runs.append(bare)
                print(f"  run {run}: browser first {seen.first * 1000:.0f} ms, rate {seen.rate:.1f}/s; "
                      f"bare first {bare[0] * 1000:.0f} ms, rate {bare[1]:.1f}/s", flush=True)  # fmt: skip
                assert seen.words == WORDS, f"the page showed {seen.words} of {WORDS} words"
    finally:
        server.stop()
    first = median(s.first for s in browser_runs)
    bare_first = median(b[0] for b in bare_runs)
    rate, bare_rate = median(s.rate for s in browser_runs), median(b[1] for b in bare_runs)
    figures = {
        "page": page_path,
        "runs": runs,
        "server_ttft_delay_ms": TTFT_DELAY * 1000,
        "sent_tokens_per_second_nominal": 1 / STREAM_INTERVAL,
        "browser_first_token_ms": first * 1000,
        "bare_first_token_ms": bare_first * 1000,
        "added_latency_ms": (first - bare_first) * 1000,
        "added_latency_over_fixed_delay_ms": (first - TTFT_DELAY) * 1000,
        "added_latency_target_ms": ADDED_LATENCY_TARGET * 1000,
        "browser_settled_ms": median(s.settled for s in browser_runs) * 1000,
        "browser_visible_rate": rate,
        "bare_receive_rate": bare_rate,
        "visible_rate_ratio": rate / bare_rate,
        "visible_rate_target": 0.95,
        "per_run": [{"first_ms": s.first * 1000, "rate": s.rate} for s in browser_runs],
    }
    figures["latency_met"] = figures["added_latency_ms"] <= ADDED_LATENCY_TARGET * 1000
    figures["rate_met"] = figures["visible_rate_ratio"] >= 0.95
    print(f"streaming ({page_path}):", dump({k: v for k, v in figures.items() if k != "per_run"}))
    return figures


def concurrency(rounds: int) -> dict:
    """Solo and eight-at-once rounds alternating; every word accounted for per session."""
    server = ScriptedServer().start()
    PerRequestScript(
        server,
        lambda body: Step(
            text=tokens(tag_of(body), CONCURRENT_WORDS), chunks=CONCURRENT_WORDS, delay=CONCURRENT_INTERVAL
        ),
    )
    solo_rates, group_rates, cpu_shares, memory, problems = [], [], [], [], []
    try:
        with serve(Path(tempfile.mkdtemp(prefix="bench-conc-")), **scripted_overrides(server)) as app, chromium() as b:
            pages = [b.new_context().new_page() for _ in range(SESSIONS)]
            for page in pages:
                open_page(page, f"{app.base_url}/Chatbot")
            memory.append(rss_mib(app.pid))
            for round_ in range(rounds + 1):
                tag = f"solo{round_}x"
                seen = send_and_watch(pages[0], f"{tag} alone", tag, CONCURRENT_WORDS)()
                if round_:
                    solo_rates.append(seen.rate)
                tags = [f"s{index}q{round_}x" for index in range(SESSIONS)]
                cpu_before, started = process_cpu_seconds(app.pid), time.monotonic()
                waits = [
                    send_and_watch(page, f"{tag} together", tag, CONCURRENT_WORDS)
                    for page, tag in zip(pages, tags, strict=True)
                ]
                seen_all = [wait() for wait in waits]
                cpu_shares.append((process_cpu_seconds(app.pid) - cpu_before) / (time.monotonic() - started))
                memory.append(rss_mib(app.pid))
                for index, seen in enumerate(seen_all):
                    others = [t for t in tags if t != tags[index] and t in seen.text]
                    if seen.words != CONCURRENT_WORDS or others:
                        problems.append({"round": round_, "session": index, "words": seen.words, "others": others})
                if round_:
                    group_rates.extend(seen.rate for seen in seen_all)
                rates = [s.rate for s in seen_all]
                solo_now = solo_rates[-1] if solo_rates else seen.rate
                print(
                    f"  round {round_}: solo {solo_now:.1f}/s; each of {SESSIONS}: median {median(rates):.1f}/s, "
                    f"min {min(rates):.1f}/s; app CPU {cpu_shares[-1]:.2f} cores",
                    flush=True,
                )
    finally:
        server.stop()
    solo = median(solo_rates)
    figures = {
        "sessions": SESSIONS,
        "rounds": rounds,
        "sent_tokens_per_second_nominal": 1 / CONCURRENT_INTERVAL,
        "solo_visible_rate": solo,
        "concurrent_visible_rate_median": median(group_rates),
        "concurrent_visible_rate_min": min(group_rates),
        "ratio_median": median(group_rates) / solo,
        "ratio_min": min(group_rates) / solo,
        "ratio_target": 0.8,
        "problems": problems,
        "app_cpu_cores_during_concurrent_rounds": median(cpu_shares),
        "app_rss_mib": memory,
    }
    figures["met"] = not problems and figures["ratio_min"] >= 0.8
    print("concurrency:", dump(figures))
    return figures


def long_chats(runs: int) -> dict:
    """Enter to first word and to a settled page in long saved conversations: the Chatbot page against the simple
    pattern with the same messages, each run in a new browser session, alternating."""
    server = ScriptedServer().start()
    PerRequestScript(
        server, lambda body: Step(text=tokens(tag_of(body), LONG_WORDS), chunks=LONG_WORDS, delay=STREAM_INTERVAL)
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-long-browser-"))
    sizes = {}
    try:
        with serve(folder / "app", **scripted_overrides(server)) as app, chromium() as b:
            store = Store(make_engine(f"sqlite:///{folder / 'app' / 'chats.sqlite3'}"))
            store.migrate()
            for size in LONG_SIZES:
                messages = long_conversation(size)
                token = mint_visitor_token()
                conversation_id = save_chat(store, visitor_owner(token), messages)
                saved = folder / f"messages-{size}.json"
                saved.write_text(json.dumps(messages))
                overrides = {**scripted_overrides(server), "SIMPLE_CHAT_MESSAGES": str(saved)}
                with serve(folder / f"simple-{size}", "bench/simple_chat.py", **overrides) as simple:
                    urls = {"page": f"{app.base_url}/Chatbot?v={token}&c={conversation_id}", "simple": simple.base_url}
                    seen = {"page": [], "simple": []}
                    for run in range(runs + 1):
                        for name in ("page", "simple") if run % 2 == 0 else ("simple", "page"):
                            context = b.new_context(viewport={"width": 1280, "height": 900})
                            page = context.new_page()
                            open_page(page, urls[name])
                            tag = f"{name[0]}{size}r{run}x"
                            watched = send_and_watch(page, f"{tag} and next?", tag, LONG_WORDS)()
                            context.close()
                            assert watched.words == LONG_WORDS, f"{name} showed {watched.words} of {LONG_WORDS}"
                            if run:  # the first run of each warms up
                                seen[name].append(watched)
                row = {
                    f"{name}_{what}_ms": median(getattr(s, what) for s in seen[name]) * 1000
                    for name in seen
                    for what in ("first", "settled")
                }
                row["settled_page_over_simple"] = row["page_settled_ms"] / row["simple_settled_ms"]
                row["first_page_over_simple"] = row["page_first_ms"] / row["simple_first_ms"]
                sizes[str(size)] = row
                print(f"  {size:>5} messages: {dump(row)}", flush=True)
    finally:
        server.stop()
    smallest, largest = sizes[str(min(LONG_SIZES))], sizes[str(max(LONG_SIZES))]
    figures = {
        "runs": runs,
        "sizes": sizes,
        "settled_growth_largest_over_smallest": largest["page_settled_ms"] / smallest["page_settled_ms"],
        "settled_growth_target": 2.0,
        "faster_than_simple_everywhere": all(row["settled_page_over_simple"] < 1 for row in sizes.values()),
    }
    figures["growth_met"] = figures["settled_growth_largest_over_smallest"] <= 2.0
    print("long:", dump({k: v for k, v in figures.items() if k != "sizes"}))
    return figures


def main() -> None:
    """Parse the flags, measure, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=("streaming", "concurrency", "long", "both", "all"), default="all")
    parser.add_argument("--runs", type=int, default=7, help="measured runs (streaming) or rounds (concurrency)")
    args = parser.parse_args()
    if args.which in ("streaming", "both", "all"):
        record("browser_streaming", streaming(args.runs))
        guarded = streaming(args.runs, GUARDED_PAGE)  # reported beside it: the targets are the chat page's
        record("browser_streaming_guardrails", {**guarded, "latency_met": None, "rate_met": None})
    if args.which in ("concurrency", "both", "all"):
        record("browser_concurrency", concurrency(max(2, args.runs // 2)))
    if args.which in ("long", "all"):
        record("browser_long_chat", long_chats(max(2, args.runs // 2)))


if __name__ == "__main__":
    main()
