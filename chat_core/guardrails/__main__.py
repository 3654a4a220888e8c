"""`python -m chat_core.guardrails build | score PROMPTS --layers system,input,output --provider local | inputs
PROMPTS | picks REPLIES`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from chat_core.errors import ChatError

SCORING_ENVIRONMENT = {
    "CHAT_TEMPERATURE": "0",
    "CHAT_SEED": "42",
    "CHAT_MAX_TOKENS": "200",
    "CHAT_READ_TIMEOUT": "600",
    "CHAT_REPLY_DEADLINE": "1800",
}
"""Repeatable runs: greedy decoding, a fixed seed, replies long enough for advice to show, and patience: on a
busy machine the embedded model can take minutes per reply, and a timeout would be scored as nobody blocking."""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chat_core.guardrails", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="Rebuild the advice and pick classifiers from the training data in the repo."
    )
    build.add_argument(
        "--cache-dir", type=Path, help="Where to write it (default: CHAT_GUARD_CACHE_DIR or data/guardrails)."
    )
    score = commands.add_parser("score", help="Run a prompt set through the turn runner and print the rates.")
    score.add_argument("prompts", type=Path, help="JSONL or CSV with prompt, label (attack/benign), optional category.")
    score.add_argument(
        "--layers", default="system,input,output", help="Comma-separated: system,input,output,judge or none."
    )
    add_model_arguments(score)
    score.add_argument("--limit", type=int, help="Only the first N prompts.")
    score.add_argument("--every", type=int, default=1, help="Only every Nth prompt (a spread-out sample).")
    score.add_argument(
        "--mix", action="store_true", help="Alternate attacks and benign prompts (a stopped run has both)."
    )
    score.add_argument(
        "--quick",
        action="store_true",
        help="The page's quick sample: 20 prompts category by category, attacks and benign in turn, 48-token replies.",
    )
    score.add_argument("--out", type=Path, help="Write one CSV row per prompt here.")
    inputs = commands.add_parser("inputs", help="Only the input checks on a prompt set (no model): rates and latency.")
    inputs.add_argument("prompts", type=Path, help="JSONL or CSV with prompt, label, optional category.")
    inputs.add_argument("--out", type=Path, help="Write one CSV row per prompt here.")
    picks = commands.add_parser(
        "picks", help="Only the reply check on labelled replies (no model): picks stopped, neutral facts stopped."
    )
    picks.add_argument("replies", type=Path, help='JSONL of {"text", "label": "pick"|"neutral"}.')
    return parser.parse_args(argv)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the model a run talks to: --provider, --base-url, --model, --max-tokens, --threads."""
    parser.add_argument(
        "--provider", default="local", help="local (the embedded model), openai, compatible, or a base URL."
    )
    parser.add_argument("--base-url", help="An OpenAI-compatible server to answer (implies --provider compatible).")
    parser.add_argument("--model", help="The model name on that server.")
    parser.add_argument("--max-tokens", type=int, help="Reply length limit (default 200).")
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads for the embedded model (1 wastes less on a busy machine; default: all).",
    )


def scoring_environment(args: argparse.Namespace) -> dict[str, str]:
    """The settings of a repeatable run (`SCORING_ENVIRONMENT`) for the model the arguments chose."""
    from chat_core.settings import read_environment

    env = {**read_environment(), **SCORING_ENVIRONMENT}
    base_url = args.base_url or (args.provider if "://" in args.provider else None)
    if base_url:
        env.update(OPENAI_BASE_URL=base_url, CHAT_PROVIDER="compatible")
    else:
        env["CHAT_PROVIDER"] = args.provider
    if args.model:
        env["CHAT_MODEL"] = args.model
    if args.max_tokens:
        env["CHAT_MAX_TOKENS"] = str(args.max_tokens)
    return env


def _build(args: argparse.Namespace) -> int:
    from chat_core.guardrails.classifier import build, cache_dir, cache_path, save
    from chat_core.guardrails.data import training_set
    from chat_core.guardrails.picks import PICKS_TRAINING_SET, as_prompts, names_an_investment, read_sentences

    for kind, rows, decides in (
        ("advice", training_set(), None),
        ("picks", as_prompts(read_sentences(PICKS_TRAINING_SET)), names_an_investment),
    ):
        started = time.perf_counter()
        classifier = build(rows, decides=decides)
        path = cache_path(rows, args.cache_dir or cache_dir(), kind)
        save(classifier, path)
        print(f"built the {kind} classifier from {len(rows)} rows in {time.perf_counter() - started:.1f} s")
        print(f"threshold {classifier.threshold:.2f} (chosen on out-of-fold training scores); saved to {path}")
    return 0


def _score(args: argparse.Namespace) -> int:
    from chat_core.guardrails.data import read_prompts
    from chat_core.guardrails.layers import build_layers
    from chat_core.guardrails.scoreboard import QUICK, take_sample
    from chat_core.guardrails.scorecard import alternate, run_scorecard, summary, to_csv
    from chat_core.providers.headless import provider_for
    from chat_core.settings import load_settings

    rows = read_prompts(args.prompts)[:: max(1, args.every)]
    if args.quick:
        rows = take_sample(rows, QUICK)
        args.max_tokens = args.max_tokens or QUICK.max_tokens
    rows = alternate(rows)[: args.limit] if args.mix else rows[: args.limit]
    env = scoring_environment(args)
    settings = load_settings(env)
    setup = build_layers(args.layers, env)

    done_rows = []

    def progress(done: int, total: int, row) -> None:
        print(f"\r{done}/{total} {row.label:6s} blocked by {row.blocked_by:6s}", end="", file=sys.stderr, flush=True)
        done_rows.append(row)
        if args.out:  # rewritten after every prompt, so a long run that is stopped keeps what it measured
            args.out.write_text(to_csv(done_rows), encoding="utf-8")

    with provider_for(settings, args.threads) as provider:
        results = run_scorecard(rows, setup, settings, lambda: provider, progress)
    print(file=sys.stderr)
    print(f"layers: {','.join(setup.layers) or 'none'}; provider: {settings.provider_label}; prompts: {len(results)}")
    print(summary(results))
    return 0


def _inputs(args: argparse.Namespace) -> int:
    from chat_core.guardrails.data import read_prompts
    from chat_core.guardrails.scorecard import latency_summary, run_input_checks, summary, to_csv

    rows, millis = run_input_checks(read_prompts(args.prompts))
    if args.out:
        args.out.write_text(to_csv(rows), encoding="utf-8")
    print(f"input checks only (rules, classifier), no model; prompts: {len(rows)}")
    print(summary(rows))
    print(latency_summary(millis))
    return 0


def _picks(args: argparse.Namespace) -> int:
    from chat_core.checks import CheckInput
    from chat_core.guardrails.output import AdviceOutputCheck
    from chat_core.guardrails.picks import read_sentences
    from chat_core.guardrails.scorecard import wilson

    check = AdviceOutputCheck()
    rows = read_sentences(args.replies)
    for label, told in (("pick", "picks stopped"), ("neutral", "neutral facts stopped")):
        mine = [row for row in rows if row.label == label]
        stopped = sum(check(CheckInput(""), row.text, final=True).blocked for row in mine)
        low, high = wilson(stopped, len(mine))
        print(f"{told:24s} {stopped / len(mine):6.1%} ({stopped}/{len(mine)}, 95% CI {low:.1%}-{high:.1%})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _arguments(argv)
    commands = {"build": _build, "score": _score, "inputs": _inputs, "picks": _picks}
    try:
        return commands[args.command](args)
    except ChatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
