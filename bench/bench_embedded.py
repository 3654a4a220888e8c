"""Long chats and concurrent requests on the embedded model (SmolLM2-135M-Instruct through llama-cpp-python).

long: one conversation of T turns through the turn runner (headless, temperature 0, seed 42, 32 reply tokens, the
2,048-token window): per turn, the prompt tokens the server counted, the budget (window less the reply's room), the
time to first token and how the reply ended. Targets: no context-length error, prompt tokens never above the budget.
The time to first token of turns 2, 20 and 100 is reported.

queue: K requests sent at once to the one server (which answers one at a time), against the same K sent one after
another in the same run: errors, throughput (reply tokens per second) and each request's wait for its first token;
the place `chat_core.queue.ReplyQueue` gave each request when it was sent.

    .venv/bin/python bench/bench_embedded.py [long|queue|both] [--turns T] [--requests K]
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import TOPICS, median, record

from chat_core.conversation import Conversation
from chat_core.providers.client import ChatRequest
from chat_core.providers.headless import provider_for
from chat_core.queue import ReplyQueue
from chat_core.settings import load_settings
from chat_core.turn import Turn, TurnSpec

SETTINGS = {"CHAT_PROVIDER": "local", "CHAT_TEMPERATURE": "0", "CHAT_SEED": "42", "CHAT_MAX_TOKENS": "32"}
SYSTEM = "You are a helpful assistant. Answer in one short sentence."
MARKED_TURNS = (2, 20, 100)


def long_chat(turns: int) -> dict:
    """One conversation of `turns` turns; figures per turn."""
    settings = load_settings(SETTINGS)
    rows = []
    with provider_for(settings, threads=2) as provider:
        spec, conversation = TurnSpec(settings, system=SYSTEM), Conversation()
        started = time.monotonic()
        for number in range(1, turns + 1):
            topic = TOPICS[number % len(TOPICS)]
            turn = Turn(
                spec, conversation, f"Tell me one fact about {topic} (question {number}).", connect=lambda: provider
            )
            entry = turn.run()
            usage = entry.meta.get("usage") or {}
            view = turn.plan.inspector_view() if turn.plan else {}
            rows.append(
                {
                    "turn": number,
                    "status": entry.status,
                    "error": (entry.error or {}).get("kind"),
                    "prompt_tokens_server": usage.get("prompt_tokens"),
                    "prompt_tokens_planned": view.get("prompt_tokens"),
                    "budget": view.get("token_limit"),
                    "dropped_messages": len(view.get("dropped", [])),
                    "ttft_ms": (entry.meta.get("time_to_first_token") or 0) * 1000,
                }
            )
            if number in MARKED_TURNS or number % 50 == 0:
                print(f"  turn {number}: {rows[-1]}", flush=True)
    over = [r["turn"] for r in rows if r["prompt_tokens_server"] and r["prompt_tokens_server"] > r["budget"]]
    errors = [r for r in rows if r["error"]]
    figures = {
        "turns": turns,
        "seconds": time.monotonic() - started,
        "ttft_ms_at": {str(t): rows[t - 1]["ttft_ms"] for t in MARKED_TURNS if t <= turns},
        "max_prompt_tokens": max(r["prompt_tokens_server"] or 0 for r in rows),
        "budget": rows[-1]["budget"],
        "turns_over_budget": over,
        "context_errors": [r["turn"] for r in errors if r["error"] == "context_too_long"],
        "errors": errors,
        "first_turn_with_dropped_history": next((r["turn"] for r in rows if r["dropped_messages"]), None),
        "ttft_ms_median_after_window_full": median(r["ttft_ms"] for r in rows if r["dropped_messages"])
        if any(r["dropped_messages"] for r in rows)
        else None,
        "per_turn": rows,
    }
    figures["met"] = not over and not errors
    print({k: v for k, v in figures.items() if k != "per_turn"})
    return figures


def one_reply(provider, question: str, queue: ReplyQueue, out: list, started: float) -> None:
    """One streamed reply, with its place in the queue when sent and its timings from the common start."""
    request = ChatRequest(
        model=provider.settings.model,
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}],
        temperature=0.0,
        max_tokens=32,
        seed=42,
    )
    with queue.place() as ticket:
        place = queue.ahead(ticket)
        stream = provider.stream(request)
        first = None
        try:
            for _ in stream:
                first = first or time.monotonic()
        except Exception as error:  # counted, not raised: the figure is how many fail
            out.append({"error": str(error)})
            return
    ended = time.monotonic()
    result = stream.result
    out.append(
        {
            "place": place,
            "wait_s": (first or ended) - started,
            "end_s": ended - started,
            "tokens": result.usage.completion_tokens if result else 0,
            "status": result.status if result else "stopped",
        }
    )


def queue_figures(requests: int, rounds: int) -> dict:
    """K at once against K in a row, alternating, on one embedded server."""
    settings = load_settings(SETTINGS)
    together, in_a_row = [], []
    with provider_for(settings, threads=2) as provider:
        for round_ in range(rounds + 1):
            questions = [
                f"Name one thing about {TOPICS[(round_ + i) % len(TOPICS)]} ({round_}.{i})." for i in range(requests)
            ]
            queue, out, started = ReplyQueue(), [], time.monotonic()
            threads = [threading.Thread(target=one_reply, args=(provider, q, queue, out, started)) for q in questions]
            for thread in threads:
                thread.start()
                time.sleep(0.05)  # sent in a known order, so each request's place is known
            for thread in threads:
                thread.join()
            wall_together = time.monotonic() - started
            queue, row, started = ReplyQueue(), [], time.monotonic()
            for question in questions:
                one_reply(provider, question, queue, row, time.monotonic())
            wall_in_a_row = time.monotonic() - started
            if round_ == 0:
                continue  # warm-up
            together.append((out, wall_together))
            in_a_row.append((row, wall_in_a_row))
            print(f"  round {round_}: at once {wall_together:.2f} s, in a row {wall_in_a_row:.2f} s; "
                  f"waits {[round(r.get('wait_s', -1), 2) for r in sorted(out, key=lambda r: r.get('place', 0))]}",
                  flush=True)  # fmt: skip

    def summary(runs):
        replies = [r for out, _ in runs for r in out]
        tokens = [sum(r.get("tokens", 0) for r in out) / wall for out, wall in runs]
        by_place = {}
        for r in replies:
            if "place" in r:
                by_place.setdefault(r["place"], []).append(r["wait_s"])
        return {
            "errors": sum(1 for r in replies if "error" in r),
            "error_messages": sorted({r["error"][:200] for r in replies if "error" in r}),
            "throughput_tokens_per_s": median(tokens),
            "wall_s": median(wall for _, wall in runs),
            "wait_s_by_place": {str(p): median(w) for p, w in sorted(by_place.items())},
        }

    figures = {
        "requests": requests,
        "rounds": rounds,
        "at_once": summary(together),
        "one_after_another": summary(in_a_row),
    }
    alone = figures["one_after_another"]["throughput_tokens_per_s"]
    figures["throughput_ratio"] = figures["at_once"]["throughput_tokens_per_s"] / alone if alone else None
    figures["met"] = figures["at_once"]["errors"] == 0
    print(figures)
    return figures


def main() -> None:
    """Parse the flags, measure, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=("long", "queue", "both"), default="both")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--requests", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.which in ("queue", "both"):
        record("embedded_queue", queue_figures(args.requests, args.rounds))
    if args.which in ("long", "both"):
        record("embedded_long_chat", long_chat(args.turns))


if __name__ == "__main__":
    main()
