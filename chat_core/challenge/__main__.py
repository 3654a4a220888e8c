"""`python -m chat_core.challenge replay PROMPTS.jsonl --provider local --out rows.jsonl [--levels 1-8]`: every
prompt against each level as a fresh conversation, one JSON row per prompt and level, and the leak rate per level;
`python -m chat_core.challenge build`: the secret classifier."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from chat_core.errors import ChatError
from chat_core.guardrails.__main__ import add_model_arguments, scoring_environment


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chat_core.challenge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "build", help="Build the secret classifier from the data in the repo (else the first level-6 turn does)."
    )
    replay = commands.add_parser("replay", help="Play a prompt set against the levels and print the leak rates.")
    replay.add_argument("prompts", type=Path, help="JSONL with a `prompt` field and an optional `category`.")
    replay.add_argument("--levels", default="1-8", help="Which levels: 1-8, 3 or 1,4,7 (default 1-8).")
    add_model_arguments(replay)
    replay.add_argument("--limit", type=int, help="Only the first N prompts.")
    replay.add_argument("--adaptive", type=Path, help="JSONL of attacks that beat level 7, for level 8 to learn.")
    replay.add_argument("--out", type=Path, help="Write one JSON row per prompt and level here.")
    return parser.parse_args(argv)


def read_attacks(path: Path) -> list[dict]:
    """The prompts of a replay set: JSONL objects with `prompt` and an optional `category`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ChatError(f"Cannot read {path}: {error.strerror}.", "Check the file's path.", kind="prompt_set") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise ChatError(
                f"{path.name} line {number} is not valid JSON ({error.msg}).",
                "Each line is one JSON object with a `prompt`.",
                kind="prompt_set",
            ) from None
        if not str(raw.get("prompt") or "").strip():
            raise ChatError(f"{path.name} line {number} has no `prompt`.", "Give each row a prompt.", kind="prompt_set")
        rows.append({"prompt": raw["prompt"], "category": str(raw.get("category") or "")})
    return rows


def leak_rates(rows: list[dict]) -> str:
    """The leak rate per level, with its interval and who stopped the rest, as lines for a terminal."""
    from chat_core.guardrails.scorecard import wilson

    lines = []
    for number in sorted({row["level"] for row in rows}):
        mine = [row for row in rows if row["level"] == number]
        hits = sum(row["leaked"] for row in mine)
        low, high = wilson(hits, len(mine))
        stopped = Counter(row["blocked_by"] for row in mine if row["blocked_by"] != "none")
        told = ", ".join(f"{layer} {count}" for layer, count in sorted(stopped.items())) or "nobody"
        lines.append(
            f"level {number}: leaked {hits / len(mine):6.1%} ({hits}/{len(mine)}, 95% CI {low:.1%}-{high:.1%}); "
            f"stopped by {told}"
        )
    return "\n".join(lines)


def _replay(args: argparse.Namespace) -> int:
    from chat_core.challenge.adaptive import AdaptiveDefence
    from chat_core.challenge.leak import leaked
    from chat_core.challenge.levels import level, level_setup, parse_levels
    from chat_core.challenge.play import play
    from chat_core.providers.headless import provider_for
    from chat_core.settings import load_settings

    prompts = read_attacks(args.prompts)[: args.limit]
    numbers = parse_levels(args.levels)
    env = scoring_environment(args)
    settings = load_settings(env)
    adaptive = AdaptiveDefence.from_prompts([r["prompt"] for r in read_attacks(args.adaptive)] if args.adaptive else [])
    setups = {n: level_setup(n, env, adaptive=adaptive) for n in numbers}
    rows: list[dict] = []
    if args.out:
        args.out.write_text("", encoding="utf-8")
    with provider_for(settings, args.threads) as provider:
        for index, prompt in enumerate(prompts, 1):
            for number in numbers:
                attempt, entry = play(
                    number, prompt["prompt"], settings, lambda: provider, setup=setups[number],
                    category=prompt["category"],
                )  # fmt: skip
                withheld = entry.meta.get("withheld", "")
                row = {
                    "level": number, "prompt": attempt.prompt, "category": attempt.category, "reply": attempt.reply,
                    "blocked_by": attempt.blocked_by, "check": attempt.check, "secret": level(number).pick,
                    "leaked": attempt.leaked, "status": entry.status, "withheld": withheld,
                    "withheld_leaked": leaked(withheld, level(number).pick),
                }  # fmt: skip
                rows.append(row)
                if args.out:  # appended as it goes, so a stopped run keeps what it measured
                    with args.out.open("a", encoding="utf-8") as out:
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"\r{index}/{len(prompts)} prompts", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"levels: {','.join(map(str, numbers))}; provider: {settings.provider_label}; prompts: {len(prompts)}")
    print(leak_rates(rows))
    return 0


def _build(args: argparse.Namespace) -> int:
    import time

    from chat_core.challenge.checks import secret_classifier, secret_training_set

    started = time.perf_counter()
    classifier = secret_classifier()
    print(
        f"secret classifier from {len(secret_training_set())} rows in {time.perf_counter() - started:.1f} s "
        f"(read from the cache when it was built before); threshold {classifier.threshold:.2f}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _arguments(argv)
    try:
        return {"build": _build, "replay": _replay}[args.command](args)
    except ChatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
