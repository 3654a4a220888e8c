"""What the embedded model's repeatability costs: batched prompt evaluation against one token per decode.

The embedded server evaluates prompts one token per decode (`--n_batch 1`), so a cached prompt prefix holds exactly
what a fresh evaluation would and replies never depend on what was served before. This benchmark starts the server
both ways (llama-cpp-python's default batch of 512, and one token per decode) and measures, for a conversation of
about 1,500 prompt tokens:

- cold: the time to first token of its next turn on a server whose cache holds something else (the whole prompt
  is evaluated);
- warm: the time to first token of its next turn when the server has just answered the turn before (only the new
  turn is evaluated: prompt-prefix reuse);
- repeatable: whether the same request, asked cold and asked warm, got the same reply.

The two configurations alternate for N rounds; medians in milliseconds, and the ratio one-token / batched.

    .venv/bin/python bench/bench_prompt_cache.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx2
from _common import record

from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.tokens import VocabularyCounter

SYSTEM = {"role": "system", "content": "You are a helpful assistant. Answer in one short sentence."}
TOPICS = ["rivers", "birds", "bridges", "clocks", "maps", "bread", "glass", "trains", "tea", "paper", "salt", "bees"]


def conversation(turns: int, salt: str) -> list[dict]:
    """A long chat: user questions and assistant answers about everyday things."""
    messages = [SYSTEM]
    for index in range(turns):
        topic = TOPICS[index % len(TOPICS)]
        messages.append({"role": "user", "content": f"{salt} Tell me something about {topic}, part {index}."})
        messages.append({"role": "assistant", "content": f"{topic.capitalize()} have a long history: " * 3})
    return messages


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


class BatchedServer(LocalModelServer):
    """The embedded server as llama-cpp-python starts it by default: prompts evaluated in batches of 512."""

    def _command(self, model_path: Path) -> list[str]:
        command = super()._command(model_path)
        for flag in ("--n_batch", "--n_ubatch"):
            at = command.index(flag)
            del command[at : at + 2]
        return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    model = find_model_file()
    counter = VocabularyCounter(str(model))
    servers = {"batched (default)": BatchedServer(model, context=2048), "one token per decode": LocalModelServer(model)}
    figures = {name: {"cold": [], "warm": [], "same": []} for name in servers}
    try:
        urls = {name: server.ensure_running() for name, server in servers.items()}
        for round_ in range(args.rounds):
            chat = conversation(32, f"[{round_}]")
            question = [*chat, {"role": "user", "content": "Which of these did we talk about first?"}]
            tokens = counter.count_messages(question)
            for name, url in urls.items():
                ttft(url, [SYSTEM, {"role": "user", "content": f"Something else entirely, {round_}."}])
                cold, cold_text = ttft(url, question)
                ttft(url, chat[:-1])
                warm, warm_text = ttft(url, question)
                figures[name]["cold"].append(cold)
                figures[name]["warm"].append(warm)
                figures[name]["same"].append(cold_text == warm_text)
                print(f"  {name}: cold {cold * 1000:.0f} ms, warm {warm * 1000:.0f} ms", flush=True)
            print(f"round {round_ + 1}/{args.rounds}: {tokens} prompt tokens", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    print(f"\nTime to first token of the next turn of a ~{tokens}-token conversation (median ms, {args.rounds} rounds)")
    print(f"{'server':24} {'cold':>10} {'warm':>10} {'same reply cold/warm':>22}")
    medians = {}
    for name, data in figures.items():
        medians[name] = (statistics.median(data["cold"]) * 1000, statistics.median(data["warm"]) * 1000)
        same = f"{sum(data['same'])}/{len(data['same'])}"
        print(f"{name:24} {medians[name][0]:10.0f} {medians[name][1]:10.0f} {same:>22}")
    base, exact = medians["batched (default)"], medians["one token per decode"]
    print(f"ratio one-token / batched: cold {exact[0] / base[0]:.2f}, warm {exact[1] / base[1]:.2f}")
    print(f"prefix reuse buys (one token per decode): {exact[0] / max(exact[1], 1e-9):.0f}x faster first token")
    print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores")
    record(
        "prompt_cache",
        {
            "rounds": args.rounds,
            "prompt_tokens": tokens,
            "cold_ms": {name: cold for name, (cold, _) in medians.items()},
            "warm_ms": {name: warm for name, (_, warm) in medians.items()},
            "same_reply_cold_and_warm": {name: f"{sum(d['same'])}/{len(d['same'])}" for name, d in figures.items()},
            "prefix_reuse_speedup_one_token": exact[0] / max(exact[1], 1e-9),
            "repeatability_cost_cold": exact[0] / base[0],
            "repeatability_cost_warm": exact[1] / base[1],
        },
    )


if __name__ == "__main__":
    main()
