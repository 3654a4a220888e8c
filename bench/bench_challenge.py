"""Latency of each challenge level's checks: p50 and p95 in milliseconds per message (target: p95 <= 50 ms).

For every prompt of the challenge's attack set, a level's input checks all run on it (none stops the others, the
worst case), then its output checks on a 600-character reply, partial and whole, as the turn runner calls them.
Level 8 holds 1,000 stored winning attacks (random unit vectors: comparing costs the same whatever they hold).
The texts are new to the classifier's score cache at each level (a suffix per level), so every message costs
one MiniLM pass, as a new message does.

    .venv/bin/python bench/bench_challenge.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_guardrails import REPLY, percentile  # noqa: E402
from chat_core.challenge.adaptive import DIMENSIONS, AdaptiveDefence  # noqa: E402
from chat_core.challenge.checks import ATTACK_SET  # noqa: E402
from chat_core.challenge.levels import LEVELS, level_setup  # noqa: E402
from chat_core.checks import CheckInput  # noqa: E402

STORED_ATTACKS = 1000


def stored_attacks(count: int) -> AdaptiveDefence:
    vectors = np.random.default_rng(0).standard_normal((count, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return AdaptiveDefence([f"stored attack {i}" for i in range(count)], vectors)


def main() -> None:
    prompts = [json.loads(line)["prompt"] for line in ATTACK_SET.read_text(encoding="utf-8").splitlines() if line]
    adaptive = stored_attacks(STORED_ATTACKS)
    level_setup(6).guard.input[-1](CheckInput("warm up"))
    print(f"{'level':6s} {'checks':58s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'cpu p50':>8s} {'cpu p95':>8s}")
    for rung in LEVELS:
        setup = level_setup(rung.number, {}, adaptive=adaptive)
        names = ",".join(c.name for c in (*setup.guard.input, *setup.guard.output)) or "(none)"
        millis, cpu = [], []
        for prompt in prompts:
            turn = CheckInput(f"{prompt} ({rung.number})", (), setup.system)
            started, cpu_started = time.perf_counter(), time.thread_time()
            for check in setup.guard.input:
                check(turn)
            for check in setup.guard.output:
                check(turn, REPLY[:300], final=False)
                check(turn, REPLY, final=True)
            millis.append((time.perf_counter() - started) * 1000)
            # CPU time of this thread: what the checks cost on a core of their own, whatever else the machine runs.
            cpu.append((time.thread_time() - cpu_started) * 1000)
        print(
            f"{rung.number:<6d} {names[:58]:58s} {len(millis):4d} {statistics.median(millis):8.2f} "
            f"{percentile(millis, 0.95):8.2f} {statistics.median(cpu):8.2f} {percentile(cpu, 0.95):8.2f}"
        )


if __name__ == "__main__":
    main()
