"""Streaming overhead of chat_core against the bare openai client on the same server.

Measures, for one streamed chat reply, the time to first token (request start to the first non-empty text
chunk) and the total time (request start to the end of the stream), once through `chat_core`'s
`ChatProvider` and once through a bare `openai.OpenAI` client, on the embedded model and on the scripted
test server. Each server gets 3 unmeasured warm-up runs of each path, then the two paths alternate for N runs
each. It prints the medians in milliseconds and the ratios chat_core/bare (target: at most 1.05).

Run from the project root:

    .venv/bin/python bench/bench_streaming.py [--server local|scripted|both] [--runs N | --quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openai

from chat_core.providers.client import ChatProvider, ChatRequest, ReplyResult
from chat_core.providers.local_server import LocalModelServer, find_model_file
from chat_core.settings import load_settings
from tests.support.scripted_server import ScriptedServer, Step

MESSAGES = [{"role": "user", "content": "Name three primary colours and say one thing about each."}]
MAX_TOKENS = 32
SEED = 42
WARMUP = 3
TARGET = 1.05
SCRIPTED_REPLY = "Red is warm and bold. Blue is calm and cool. Yellow is bright and cheerful, like the sun."


@dataclass
class Run:
    """One measured reply: seconds to the first text and to the end, the text, and chat_core's own result."""

    ttft: float
    total: float
    text: str
    result: ReplyResult | None = None


def measure(open_stream: Callable[[], Iterable], text_of: Callable[[object], str | None]) -> Run:
    """Time one stream from its opening call to its exhaustion."""
    started = time.perf_counter()
    stream = open_stream()
    first, pieces = None, []
    for item in stream:
        piece = text_of(item)
        if piece:
            if first is None:
                first = time.perf_counter()
            pieces.append(piece)
    ended = time.perf_counter()
    return Run(first - started, ended - started, "".join(pieces), getattr(stream, "result", None))


def delta_text(chunk) -> str | None:
    """The text of an SDK chunk's first choice, if any."""
    return chunk.choices[0].delta.content if chunk.choices else None


def bare_path(base_url: str, model: str) -> Callable[[], Run]:
    """Replies through a bare openai client."""
    client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
    params = {"model": model, "messages": MESSAGES, "temperature": 0, "max_tokens": MAX_TOKENS, "seed": SEED}

    def open_stream():
        """One streamed request."""
        return client.chat.completions.create(**params, stream=True, stream_options={"include_usage": True})

    return lambda: measure(open_stream, delta_text)


def chat_core_path(base_url: str, model: str) -> Callable[[], Run]:
    """Replies through chat_core's provider."""
    settings = load_settings(
        {
            "OPENAI_BASE_URL": base_url,
            "CHAT_MODEL": model,
            "CHAT_TEMPERATURE": "0",
            "CHAT_SEED": str(SEED),
            "CHAT_MAX_TOKENS": str(MAX_TOKENS),
        }
    )
    provider = ChatProvider(settings)
    request = ChatRequest(model=settings.model, messages=MESSAGES, temperature=0.0, max_tokens=MAX_TOKENS, seed=SEED)
    return lambda: measure(lambda: provider.stream(request), str)


def ms(values: Iterable[float]) -> float:
    """The median of some seconds, in milliseconds."""
    return statistics.median(values) * 1000


def compare(title: str, base_url: str, model: str, runs: int) -> None:
    """Warm up, alternate the paths (ABBA, so drift in load cancels), print medians, ratios and the target."""
    paths = {"bare": bare_path(base_url, model), "chat_core": chat_core_path(base_url, model)}
    for _ in range(WARMUP):
        for path in paths.values():
            path()
    samples: dict[str, list[Run]] = {name: [] for name in paths}
    for round_ in range(runs):
        order = list(paths) if round_ % 2 == 0 else list(reversed(paths))
        for name in order:
            samples[name].append(paths[name]())
    medians = {name: (ms(r.ttft for r in rs), ms(r.total for r in rs)) for name, rs in samples.items()}
    ratios = [core / bare for core, bare in zip(medians["chat_core"], medians["bare"], strict=True)]
    results = [r.result for r in samples["chat_core"]]
    texts = {r.text for rs in samples.values() for r in rs}
    print(f"\n{title} ({model}): {runs} runs per path, median")
    print(f"  {'':<16}{'TTFT ms':>14}{'total ms':>14}")
    for name, (ttft, total) in medians.items():
        print(f"  {name:<16}{ttft:>14.2f}{total:>14.2f}")
    print(f"  {'ratio':<16}{ratios[0]:>14.3f}{ratios[1]:>14.3f}")
    checks = ["PASS" if ratio <= TARGET else "ABOVE TARGET" for ratio in ratios]
    print(f"  {f'target <= {TARGET}':<16}{checks[0]:>14}{checks[1]:>14}")
    own_ttft, own_total = ms(r.time_to_first_token for r in results), ms(r.total_time for r in results)
    statuses = ", ".join(sorted({r.status for r in results}))
    print(f"  chat_core's own figures: TTFT {own_ttft:.2f} ms, total {own_total:.2f} ms; status {statuses}")
    print(f"  distinct reply texts across all runs: {len(texts)}")


def bench_local(runs: int) -> None:
    """The embedded model, started for the benchmark and stopped after it."""
    server = LocalModelServer(find_model_file(), context=2048)
    try:
        compare("Embedded model", server.ensure_running(), "SmolLM2-135M-Instruct", runs)
    finally:
        server.stop()


def bench_scripted(runs: int) -> None:
    """The scripted test server, answering every request with the same reply."""
    server = ScriptedServer().start()
    try:
        server.enqueue(*[Step(text=SCRIPTED_REPLY, chunks=MAX_TOKENS)] * (2 * (WARMUP + runs)))
        compare("Scripted server", server.base_url, "scripted-model", runs)
    finally:
        server.stop()


def main() -> None:
    """Parse the flags and run the chosen benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("local", "scripted", "both"), default="both")
    counts = parser.add_mutually_exclusive_group()
    counts.add_argument(
        "--runs", type=int, help="measured runs per path on each server (default: 20 local, 50 scripted)"
    )
    counts.add_argument("--quick", action="store_true", help="5 measured runs per path")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    print(
        f"Python {sys.version.split()[0]}, openai {openai.__version__}; ratios are chat_core/bare, target <= {TARGET}"
    )
    if args.server in ("local", "both"):
        bench_local(runs or 20)
    if args.server in ("scripted", "both"):
        bench_scripted(runs or 50)


if __name__ == "__main__":
    main()
