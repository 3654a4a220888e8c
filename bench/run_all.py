"""Run every performance benchmark, then write bench/results.json, the plots in docs/perf/ and docs/PERFORMANCE.md.

    .venv/bin/python bench/run_all.py            # everything (about half an hour on two loaded cores)
    .venv/bin/python bench/run_all.py --quick    # fewer repetitions and a 60-turn chat, to try it out
    .venv/bin/python bench/run_all.py --report   # only redraw the plots and the figures from results.json

docs/PERFORMANCE.md keeps its prose; the block between its two `figures` markers is rewritten each time.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys

from _common import RESULTS, ROOT

DOC = ROOT / "docs" / "PERFORMANCE.md"
PLOTS = ROOT / "docs" / "perf"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def commands(quick: bool) -> list[list[str]]:
    """Each benchmark with its repetitions."""
    return [
        ["bench_long_chat.py", "--reruns", "3" if quick else "9"],
        ["bench_browser.py", "all", "--runs", "3" if quick else "7"],
        ["bench_embedded.py", "both", "--turns", "60" if quick else "300", "--rounds", "1" if quick else "3"],
        ["bench_sessions.py", "both", "--starts", "1" if quick else "3"],
        ["bench_prompt_cache.py", "--rounds", "1" if quick else "3"],
        ["bench_repeatable_browser.py", "--rounds", "1" if quick else "3"],
    ]


def run(quick: bool) -> None:
    """Run the benchmarks one after another; a failing one is reported and the rest still run."""
    for command in commands(quick):
        if not (ROOT / "bench" / command[0]).exists():
            continue
        print(f"\n=== {' '.join(command)}", flush=True)
        done = subprocess.run([sys.executable, *command], cwd=ROOT / "bench", check=False)
        if done.returncode:
            print(f"!!! {command[0]} exited with {done.returncode}", flush=True)


def plots(results: dict) -> list[str]:
    """PNG plots of the figures that have a shape; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    PLOTS.mkdir(parents=True, exist_ok=True)
    made = []
    if "long_chat_rerun" in results:
        sizes = results["long_chat_rerun"]["sizes"]
        keys = sorted(sizes, key=int)
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.plot([int(k) for k in keys], [sizes[k]["page_rerun_ms"] for k in keys], "o-", label="Chatbot page")
        ax.plot([int(k) for k in keys], [sizes[k]["simple_rerun_ms"] for k in keys], "s--", label="simple pattern")
        ax.set(xscale="log", yscale="log", xlabel="saved messages", ylabel="script rerun (ms, median)")
        ax.set_title("Script rerun time (AppTest), same run")
        ax.legend()
        made.append(_save(fig, "long-chat-rerun.png"))
    if "browser_long_chat" in results:
        sizes = results["browser_long_chat"]["sizes"]
        keys = sorted(sizes, key=int)
        fig, ax = plt.subplots(figsize=(6, 3.6))
        for name, style in (("page", "o-"), ("simple", "s--")):
            label = "Chatbot page" if name == "page" else "simple pattern"
            ax.plot([int(k) for k in keys], [sizes[k][f"{name}_settled_ms"] for k in keys], style, label=label)
        ax.set(xscale="log", xlabel="saved messages", ylabel="Enter to settled page (ms, median)")
        ax.set_title("In Chromium: a new reply in a long conversation")
        ax.legend()
        made.append(_save(fig, "long-chat-browser.png"))
    if "embedded_long_chat" in results:
        rows = results["embedded_long_chat"]["per_turn"]
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
        turns = [r["turn"] for r in rows]
        top.plot(turns, [r["prompt_tokens_server"] or 0 for r in rows], label="prompt tokens (server)")
        top.plot(turns, [r["budget"] for r in rows], "--", label="budget")
        top.set(ylabel="tokens")
        top.legend()
        bottom.plot(turns, [r["ttft_ms"] for r in rows], ".", markersize=3)
        bottom.set(xlabel="turn", ylabel="first token (ms)")
        top.set_title("A long chat on the embedded model")
        made.append(_save(fig, "embedded-long-chat.png"))
    if "browser_concurrency" in results:
        figures = results["browser_concurrency"]
        fig, ax = plt.subplots(figsize=(6, 3.2))
        names = ["solo", "8 at once: median", "8 at once: slowest"]
        values = [
            figures["solo_visible_rate"],
            figures["concurrent_visible_rate_median"],
            figures["concurrent_visible_rate_min"],
        ]
        ax.bar(names, values, color=["#4c8bf5", "#00a8a8", "#f39c12"])
        ax.axhline(0.8 * figures["solo_visible_rate"], color="grey", linestyle="--", label="80% of solo")
        ax.set(ylabel="visible tokens per second")
        ax.set_title(f"Sessions at once, {figures['sent_tokens_per_second_nominal']:.0f} tokens/s sent")
        ax.legend()
        made.append(_save(fig, "concurrency.png"))
    if "memory" in results:
        m = results["memory"]
        fig, ax = plt.subplots(figsize=(6, 3.2))
        names = ["start", f"{m['sessions']} sessions open", "50 opened+closed (peak)", "after (settled)"]
        values = [m["rss_mib_start"], m["rss_mib_with_sessions"], m["rss_mib_after_churn_peak"]]
        values.append(m["rss_mib_after_churn_settled"])
        ax.bar(names, values, color="#6c5ce7")
        ax.set(ylabel="app resident memory (MiB)")
        ax.tick_params(axis="x", labelsize=8)
        made.append(_save(fig, "memory.png"))
    if "browser_streaming" in results:
        pages = [results[k] for k in ("browser_streaming", "browser_streaming_guardrails") if k in results]
        fig, ax = plt.subplots(figsize=(6, 3.4))
        at = range(len(pages))
        ax.bar([x - 0.2 for x in at], [p["bare_first_token_ms"] for p in pages], 0.4, label="bare openai client")
        ax.bar([x + 0.2 for x in at], [p["browser_first_token_ms"] for p in pages], 0.4, label="Enter to first word")
        ax.axhline(pages[0]["server_ttft_delay_ms"], color="grey", linestyle=":", label="the server's wait")
        ax.axhline(pages[0]["bare_first_token_ms"] + 100, color="red", linestyle="--", label="bare + 100 ms")
        ax.set_xticks(list(at), [p.get("page", "Chatbot").replace("_", " ") for p in pages])
        ax.set(ylabel="first token (ms, median)", ylim=(0, max(p["browser_first_token_ms"] for p in pages) * 1.25))
        ax.set_title("In Chromium: Enter to the first word painted")
        ax.legend(fontsize=8, loc="lower right")
        made.append(_save(fig, "first-token.png"))
    if "prompt_cache" in results:
        cache = results["prompt_cache"]
        chosen = cache.get("met_by") or "repeatable, chunks of 8"
        ratios = {
            request: dict(re.findall(r"(cold|warm|at once) ([\d.]+)", cache[f"{request}_ratio_to_batched"][chosen]))
            for request in ("conversation", "tutor")
        }
        fig, ax = plt.subplots(figsize=(6, 3.4))
        for offset, when in ((-0.2, "cold"), (0.2, "warm")):
            ax.bar([i + offset for i in range(len(ratios))], [float(r[when]) for r in ratios.values()], 0.4, label=when)
        ax.axhline(cache["target_ratio"], color="red", linestyle="--", label=f"target {cache['target_ratio']}x")
        ax.axhline(1.0, color="grey", linestyle=":")
        ax.set_xticks(range(len(ratios)), [f"{name} ({cache['prompt_tokens'][name]} tokens)" for name in ratios])
        ax.set(ylabel="time to first token / batched server's")
        ax.set_title("Repeatable replies on the embedded model, same run")
        ax.legend(fontsize=8)
        made.append(_save(fig, "repeatable-speed.png"))
    return made


def _save(fig, name: str) -> str:
    fig.tight_layout()
    fig.savefig(PLOTS / name, dpi=110)
    return name


def table(results: dict) -> str:
    """The figures as Markdown: one section per benchmark, targets beside the measures."""
    lines = []
    any_machine = next(iter(results.values()))["machine"] if results else {}
    if any_machine:
        packages = ", ".join(f"{k} {v}" for k, v in any_machine["packages"].items() if v)
        lines += [
            f"Machine: {any_machine['cpu']}, {any_machine['cores']} cores, {any_machine['memory_gib']} GiB; "
            f"{any_machine['os']}; Python {any_machine['python']}; {any_machine.get('chromium') or 'no Chromium'}; "
            f"{packages}. Load average when each was measured is in bench/results.json.",
            "",
        ]
    for name, figures in results.items():
        lines.append(f"### {name} ({figures['measured_at']}, load {figures['machine']['load_average']})")
        lines.append("")
        lines.append("| figure | value |")
        lines.append("|---|---|")
        for key, value in figures.items():
            if key in ("machine", "measured_at", "per_turn", "per_run", "sizes", "runs") or isinstance(value, list):
                continue
            lines.append(f"| {key} | {_shown(value)} |")
        if name == "long_chat_rerun":
            lines += [
                "",
                "| messages | page rerun ms | simple rerun ms | page / simple | drawn (page) |",
                "|---|---|---|---|---|",
            ]
            for size, row in sorted(figures["sizes"].items(), key=lambda kv: int(kv[0])):
                lines.append(
                    f"| {size} | {row['page_rerun_ms']:.0f} | {row['simple_rerun_ms']:.0f} | "
                    f"{row['page_rerun_ms'] / row['simple_rerun_ms']:.2f} | {row['page_messages_drawn']} |"
                )
        if name == "browser_long_chat":
            lines += [
                "",
                "| messages | page: first word ms | simple: first word ms | page: settled ms | simple: settled ms "
                "| settled page / simple |",
                "|---|---|---|---|---|---|",
            ]
            for size, row in sorted(figures["sizes"].items(), key=lambda kv: int(kv[0])):
                lines.append(
                    f"| {size} | {row['page_first_ms']:.0f} | {row['simple_first_ms']:.0f} | "
                    f"{row['page_settled_ms']:.0f} | {row['simple_settled_ms']:.0f} | "
                    f"{row['settled_page_over_simple']:.2f} |"
                )
        lines.append("")
    return "\n".join(lines)


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def report() -> None:
    """Rewrite the plots and the figures block of docs/PERFORMANCE.md from the results file."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    images = "\n".join(f"![{name}](perf/{name})" for name in plots(results))
    block = f"{START}\n{images}\n\n{table(results)}\n{END}"
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + block + after)
    print(f"written {DOC.relative_to(ROOT)} and {len(images.splitlines())} plots in {PLOTS.relative_to(ROOT)}")


def main() -> None:
    """Parse the flags; run; report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--report", action="store_true", help="only redraw from bench/results.json")
    args = parser.parse_args()
    if not args.report:
        run(args.quick)
    report()


if __name__ == "__main__":
    main()
