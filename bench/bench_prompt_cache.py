"""What the embedded model's repeatability costs: its repeatable server against llama-cpp-python's batched default.

The embedded server evaluates a prompt in chunks fixed by the prompt (its first message in one decode, then chunks by
position) and reuses a cached prefix only back to a chunk boundary (chat_core/providers/repeatable_llama.py), so a
reply never depends on what was served before. This
benchmark starts llama-cpp-python's server both ways, one thread each (prompt batches included), and measures the time
to first token, alternating the servers in each round, for two requests:

- conversation: the next turn of a chat of about 1,440 prompt tokens, which resends the server's own last reply;
- tutor: the first tutor turn, with the Python example set's three example pairs;

each of them
- cold: on a server whose cache holds something else (the whole prompt is evaluated);
- warm: the server answered the turn before (for the tutor, another first question with the same examples), then
  a pause (--pause, 2 s: a person reads the reply and types), so only the prompt's new end is evaluated;
- at once: the same, without the pause (the repeatable server reads its last reply again while it is idle: here it
  had no time to);
- repeatable: whether the same request got the same reply cold, warm and at once.

Medians in milliseconds, and the ratios repeatable / batched (target: at most 1.3, cold and warm).

    .venv/bin/python bench/bench_prompt_cache.py [--rounds N] [--chunks 16[,32...]] [--one-token] [--pause S]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx2
from _common import median, record

from chat_core.messages import build_request
from chat_core.prompts import TUTOR_SUBJECTS
from chat_core.providers.local_server import DEFAULT_CHUNK, LocalModelServer, find_model_file
from chat_core.tokens import VocabularyCounter

SYSTEM = {"role": "system", "content": "You are a helpful assistant. Answer in one short sentence."}
TOPICS = ["rivers", "birds", "bridges", "clocks", "maps", "bread", "glass", "trains", "tea", "paper", "salt", "bees"]
TUTOR = TUTOR_SUBJECTS["Python"]
TUTOR_QUESTIONS = [
    "How do I sort a list?",
    "What is a tuple?",
    "How do I read a file?",
    "What does range() do?",
    "How do I join strings?",
    "What is a set?",
    "How do I round a number?",
    "What does enumerate() do?",
    "How do I copy a list?",
    "What is None?",
]
QUESTION = "Which of these did we talk about first?"
BATCHED = "batched (default)"
TARGET = 1.3


def conversation(turns: int, salt: str) -> list[dict]:
    """A long chat: user questions and assistant answers about everyday things."""
    messages = [SYSTEM]
    for index in range(turns):
        topic = TOPICS[index % len(TOPICS)]
        messages.append({"role": "user", "content": f"{salt} Tell me something about {topic}, part {index}."})
        messages.append({"role": "assistant", "content": f"{topic.capitalize()} have a long history: " * 3})
    return messages


def cases(round_: int) -> dict[str, tuple[list[dict], Callable[[str], list[dict]]]]:
    """Each case of this round: the request answered before, and the measured request made from that reply."""
    chat = conversation(32, f"[{round_}]")[:-1]
    tutor = TUTOR_QUESTIONS[round_ % len(TUTOR_QUESTIONS)]
    other = TUTOR_QUESTIONS[(round_ + 1) % len(TUTOR_QUESTIONS)]
    return {
        # The next turn resends the reply the server gave, as the app does.
        "conversation": (
            chat,
            lambda reply: [*chat, {"role": "assistant", "content": reply}, {"role": "user", "content": QUESTION}],
        ),
        # Another visitor's first question with the same examples came before.
        "tutor": (
            build_request(TUTOR.system_prompt, TUTOR.examples, [], other),
            lambda _: build_request(TUTOR.system_prompt, TUTOR.examples, [], tutor),
        ),
    }


def ttft(base_url: str, messages: list[dict]) -> tuple[float, str]:
    """Seconds to the first streamed text, and the whole reply."""
    body = {"model": "m", "messages": messages, "max_tokens": 24, "temperature": 0, "seed": 42, "stream": True}
    started, first, text = time.perf_counter(), None, []
    with httpx2.stream("POST", f"{base_url}/chat/completions", json=body, timeout=600) as response:
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            delta = json.loads(line[6:])["choices"][0]["delta"].get("content")
            if delta:
                first = first or time.perf_counter()
                text.append(delta)
    return (first or time.perf_counter()) - started, "".join(text)


def servers(model: Path, chunks: list[int], one_token: bool) -> dict[str, LocalModelServer]:
    """llama-cpp-python's server as it batches by default, and the repeatable one for each chunk size."""
    # Without the cache of whole states (which would restore the turn before instead of reading a cold prompt):
    # this measures what a prompt costs to read.
    named = {BATCHED: LocalModelServer(model, chunk=0, state_cache_bytes=0)}
    for chunk in chunks:
        named[f"repeatable, chunks of {chunk}"] = LocalModelServer(model, chunk=chunk, state_cache_bytes=0)
    if one_token:
        named["one token per decode"] = LocalModelServer(model, chunk=1, state_cache_bytes=0)
    return named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunks", default=str(DEFAULT_CHUNK), help="chunk sizes of the repeatable server, commas")
    parser.add_argument("--one-token", action="store_true", help="also the former fix: one token per decode")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between a reply and the warm turn")
    args = parser.parse_args()
    model = find_model_file()
    counter = VocabularyCounter(str(model))
    chunks = [int(c) for c in args.chunks.split(",")]
    named = servers(model, chunks, args.one_token)
    first_repeatable = f"repeatable, chunks of {chunks[0]}"
    times = {(name, case, when): [] for name in named for case in cases(0) for when in ("cold", "warm", "at once")}
    same = {(name, case): [] for name in named for case in cases(0)}
    tokens = {}
    loads = []
    try:
        urls = {name: server.ensure_running() for name, server in named.items()}
        for round_ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for case, (before, following) in cases(round_).items():
                for name, url in urls.items():
                    request = following(ttft(url, before)[1])
                    tokens[case] = counter.count_messages(request)
                    ttft(url, [SYSTEM, {"role": "user", "content": f"Something else entirely, {round_}."}])
                    cold, cold_text = ttft(url, request)
                    ttft(url, before)
                    time.sleep(args.pause)  # a person reads the reply and types the next question
                    warm, warm_text = ttft(url, request)
                    ttft(url, before)
                    at_once, at_once_text = ttft(url, request)
                    for when, seconds in (("cold", cold), ("warm", warm), ("at once", at_once)):
                        times[name, case, when].append(seconds)
                    same[name, case].append(cold_text == warm_text == at_once_text)
                    print(
                        f"  {case:12} {name:26} cold {cold * 1000:6.0f} ms, warm {warm * 1000:5.0f} ms, "
                        f"at once {at_once * 1000:5.0f} ms",
                        flush=True,
                    )
            print(f"round {round_ + 1}/{args.rounds} (load {loads[-1]:.2f})", flush=True)
    finally:
        for server in named.values():
            server.stop()
    ms = {key: median(values) * 1000 for key, values in times.items()}
    print(f"\nTime to first token (median ms of {args.rounds} rounds, servers alternating; load {median(loads):.2f})")
    print(f"{'request':26} {'server':26} {'cold':>7} {'warm':>7} {'at once':>8}   ratios to batched   same reply")
    figures = {
        "rounds": args.rounds,
        "prompt_tokens": tokens,
        "pause_before_warm_s": args.pause,
        "target_ratio": TARGET,
        "load_median": median(loads),
    }
    met = True
    for case in tokens:
        for name in named:
            cold, warm, at_once = (ms[name, case, when] for when in ("cold", "warm", "at once"))
            ratios = [ms[name, case, when] / ms[BATCHED, case, when] for when in ("cold", "warm", "at once")]
            repeats = f"{sum(same[name, case])}/{len(same[name, case])}"
            label = f"{case} ({tokens[case]} tokens)"
            shown = "/".join(f"{r:.2f}" for r in ratios)
            print(f"{label:26} {name:26} {cold:7.0f} {warm:7.0f} {at_once:8.0f}   {shown:>17}   {repeats:>10}")
            figures.setdefault(f"{case}_ms", {})[name] = f"cold {cold:,.0f}, warm {warm:,.0f}, at once {at_once:,.0f}"
            figures.setdefault(f"{case}_same_reply_cold_warm_at_once", {})[name] = repeats
            if name != BATCHED:
                figures.setdefault(f"{case}_ratio_to_batched", {})[name] = (
                    f"cold {ratios[0]:.2f}, warm {ratios[1]:.2f}, at once {ratios[2]:.2f}"
                )
                if name == first_repeatable:
                    met = met and max(ratios[:2]) <= TARGET and all(same[name, case])
    figures["met"] = met
    figures["met_by"] = first_repeatable
    print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")
    record("prompt_cache", figures)


if __name__ == "__main__":
    main()
