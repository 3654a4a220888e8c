"""What the embedded model's repeatability costs: its repeatable server against llama-cpp-python's batched default.

The embedded server evaluates a prompt in chunks fixed by absolute position and reuses a cached prefix only back to
a chunk boundary (chat_core/providers/repeatable_llama.py), so a reply never depends on what was served before. This
benchmark starts llama-cpp-python's server both ways, one thread each (prompt batches included), and measures the time
to first token, alternating the servers in each round, for two requests:

- conversation: the next turn of a chat of about 1,440 prompt tokens;
- tutor: the first tutor turn, with the Python example set's three example pairs;

each of them
- cold: on a server whose cache holds something else (the whole prompt is evaluated);
- warm: right after the server answered the turn before (the conversation without its last exchange; for the
  tutor, another first question with the same examples), so only the prompt's new end is evaluated;
- repeatable: whether the same request, asked cold and asked warm, got the same reply.

Medians in milliseconds, and the ratios repeatable / batched (target: at most 1.3, cold and warm).

    .venv/bin/python bench/bench_prompt_cache.py [--rounds N] [--chunks 16[,32...]] [--one-token]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
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


def cases(round_: int) -> dict[str, tuple[list[dict], list[dict]]]:
    """Each measured request of this round, with the request answered just before it in the warm case."""
    chat = conversation(32, f"[{round_}]")
    question = [*chat, {"role": "user", "content": "Which of these did we talk about first?"}]
    tutor = TUTOR_QUESTIONS[round_ % len(TUTOR_QUESTIONS)]
    before = TUTOR_QUESTIONS[(round_ + 1) % len(TUTOR_QUESTIONS)]
    return {
        "conversation": (question, chat[:-1]),
        "tutor": (
            build_request(TUTOR.system_prompt, TUTOR.examples, [], tutor),
            build_request(TUTOR.system_prompt, TUTOR.examples, [], before),
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
    named = {BATCHED: LocalModelServer(model, chunk=0)}
    for chunk in chunks:
        named[f"repeatable, chunks of {chunk}"] = LocalModelServer(model, chunk=chunk)
    if one_token:
        named["one token per decode"] = LocalModelServer(model, chunk=1)
    return named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunks", default=str(DEFAULT_CHUNK), help="chunk sizes of the repeatable server, commas")
    parser.add_argument("--one-token", action="store_true", help="also the former fix: one token per decode")
    args = parser.parse_args()
    model = find_model_file()
    counter = VocabularyCounter(str(model))
    chunks = [int(c) for c in args.chunks.split(",")]
    named = servers(model, chunks, args.one_token)
    first_repeatable = f"repeatable, chunks of {chunks[0]}"
    times = {(name, case, when): [] for name in named for case in cases(0) for when in ("cold", "warm")}
    same = {(name, case): [] for name in named for case in cases(0)}
    tokens = {}
    loads = []
    try:
        urls = {name: server.ensure_running() for name, server in named.items()}
        for round_ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for case, (request, before) in cases(round_).items():
                tokens[case] = counter.count_messages(request)
                for name, url in urls.items():
                    ttft(url, [SYSTEM, {"role": "user", "content": f"Something else entirely, {round_}."}])
                    cold, cold_text = ttft(url, request)
                    ttft(url, before)
                    warm, warm_text = ttft(url, request)
                    times[name, case, "cold"].append(cold)
                    times[name, case, "warm"].append(warm)
                    same[name, case].append(cold_text == warm_text)
                    print(f"  {case:12} {name:26} cold {cold * 1000:6.0f} ms, warm {warm * 1000:5.0f} ms", flush=True)
            print(f"round {round_ + 1}/{args.rounds} (load {loads[-1]:.2f})", flush=True)
    finally:
        for server in named.values():
            server.stop()
    ms = {key: median(values) * 1000 for key, values in times.items()}
    print(f"\nTime to first token (median ms of {args.rounds} rounds, servers alternating; load {median(loads):.2f})")
    print(f"{'request':26} {'server':26} {'cold':>8} {'warm':>8} {'cold x':>7} {'warm x':>7} {'same reply':>11}")
    figures = {"rounds": args.rounds, "prompt_tokens": tokens, "target_ratio": TARGET, "load_median": median(loads)}
    met = True
    for case in tokens:
        for name in named:
            cold, warm = ms[name, case, "cold"], ms[name, case, "warm"]
            ratios = (cold / ms[BATCHED, case, "cold"], warm / ms[BATCHED, case, "warm"])
            repeats = f"{sum(same[name, case])}/{len(same[name, case])}"
            label = f"{case} ({tokens[case]} tokens)"
            print(f"{label:26} {name:26} {cold:8.0f} {warm:8.0f} {ratios[0]:7.2f} {ratios[1]:7.2f} {repeats:>11}")
            figures[f"{case}_ms"] = {**figures.get(f"{case}_ms", {}), name: f"cold {cold:,.0f}, warm {warm:,.0f}"}
            figures[f"{case}_same_reply_cold_and_warm"] = {
                **figures.get(f"{case}_same_reply_cold_and_warm", {}),
                name: repeats,
            }
            if name != BATCHED:
                figures[f"{case}_ratio"] = {
                    **figures.get(f"{case}_ratio", {}),
                    name: f"cold {ratios[0]:.2f}, warm {ratios[1]:.2f}",
                }
                if name == first_repeatable:
                    met = met and max(ratios) <= TARGET and all(same[name, case])
    figures["met"] = met
    figures["met_by"] = first_repeatable
    print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")
    record("prompt_cache", figures)


if __name__ == "__main__":
    main()
