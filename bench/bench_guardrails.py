"""Latency of each guardrail check: p50 and p95 in milliseconds over the scoring set (target: p95 <= 50 ms).

Input checks (rules, classifier) run on every scoring prompt with its earlier turns as history; output checks
(advice, leak) run on a 600-character reply, as partial text (final=False) and whole (final=True), and the advice
check also on each reply of the picks probe, every one new to it (its names read by the pick classifier). Each
check is warmed up once, then timed on one thread, as the turn runner calls it.

Run from the project root (after `python -m chat_core.guardrails build`, or the first run builds it):

    .venv/bin/python bench/bench_guardrails.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chat_core.checks import CheckInput  # noqa: E402
from chat_core.guardrails.data import scoring_set  # noqa: E402
from chat_core.guardrails.input import ClassifierCheck, RuleCheck  # noqa: E402
from chat_core.guardrails.output import AdviceOutputCheck, LeakOutputCheck  # noqa: E402
from chat_core.guardrails.picks import PICKS_PROBE, read_sentences  # noqa: E402
from chat_core.prompts import FINANCE_GUARDRAIL_PROMPT  # noqa: E402

REPLY = (
    "Diversification means spreading money across many investments so that one bad outcome cannot sink you. "
    "An index fund does this cheaply by holding every company in an index. Fees matter because they compound "
    "against you over decades, and time in the market tends to matter more than timing the market. Before "
    "investing, most people build an emergency fund and pay off expensive debt. Your risk tolerance depends on "
    "when you need the money. For a plan that fits you, consider a licensed financial adviser."
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def turns_for(row) -> CheckInput:
    history = []
    for earlier in row.turns:
        history += [{"role": "user", "content": earlier}, {"role": "assistant", "content": "(earlier reply)"}]
    return CheckInput(row.prompt, tuple(history), FINANCE_GUARDRAIL_PROMPT)


def main() -> None:
    inputs = [turns_for(row) for row in scoring_set()]
    timings: dict[str, list[float]] = {}
    for check in (RuleCheck(), ClassifierCheck()):
        check(inputs[0])
        for turn in inputs:
            started = time.perf_counter()
            check(turn)
            timings.setdefault(f"input  {check.name}", []).append((time.perf_counter() - started) * 1000)
    for check in (AdviceOutputCheck(), LeakOutputCheck()):
        for final in (False, True):
            for turn in inputs:
                started = time.perf_counter()
                check(turn, REPLY if final else REPLY[:300], final=final)
                timings.setdefault(f"output {check.name} final={final}", []).append(
                    (time.perf_counter() - started) * 1000
                )
    named = AdviceOutputCheck()
    named(inputs[0], "Apple makes phones.", final=True)
    for reply in read_sentences(PICKS_PROBE):
        started = time.perf_counter()
        named(inputs[0], reply.text, final=True)
        timings.setdefault("output advice_in_reply, named replies", []).append((time.perf_counter() - started) * 1000)
    print(f"{'check':40s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for name, values in timings.items():
        print(f"{name:40s} {len(values):4d} {statistics.median(values):8.2f} {percentile(values, 0.95):8.2f}")


if __name__ == "__main__":
    main()
