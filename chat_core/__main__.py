"""`python -m chat_core ask "question"`: one turn through the turn runner, printing the reply and the request."""

from __future__ import annotations

import argparse
import json
import sys

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.providers.headless import provider_for
from chat_core.settings import load_settings, read_environment
from chat_core.turn import Chunk, Finished, Planned, Turn, TurnSpec


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chat_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="Ask one question and print the reply, then the request that was sent.")
    ask.add_argument("question")
    ask.add_argument("--system", default="You are a helpful assistant.", help="The system message ('' for none).")
    ask.add_argument("--example", nargs=2, action="append", default=[], metavar=("USER", "ASSISTANT"),
                     help="A few-shot pair sent before the question; repeat for more.")  # fmt: skip
    ask.add_argument(
        "--base-url", help="An OpenAI-compatible server (default: the environment, else the embedded model)."
    )
    ask.add_argument("--model", help="The model name (with --base-url).")
    ask.add_argument("--temperature", type=float)
    ask.add_argument("--max-tokens", type=int)
    ask.add_argument("--seed", type=int)
    ask.add_argument("--json", action="store_true", help="Print one JSON object instead of text.")
    return parser.parse_args(argv)


def _environment(args: argparse.Namespace) -> dict[str, str]:
    env = read_environment()
    if args.base_url:
        env.update(OPENAI_BASE_URL=args.base_url, CHAT_PROVIDER="compatible")
    chosen = {"CHAT_MODEL": args.model, "CHAT_TEMPERATURE": args.temperature, "CHAT_MAX_TOKENS": args.max_tokens}
    chosen["CHAT_SEED"] = args.seed
    env.update({name: str(value) for name, value in chosen.items() if value is not None})
    return env


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process's exit code."""
    args = _arguments(argv)
    try:
        settings = load_settings(_environment(args))
        spec = TurnSpec(settings, system=args.system or None, examples=[tuple(pair) for pair in args.example])
        plan = None
        with provider_for(settings) as provider:
            turn = Turn(spec, Conversation(), args.question, connect=lambda: provider)
            for event in turn.events():
                if isinstance(event, Chunk) and not args.json:
                    print(event.text, end="", flush=True)
                elif isinstance(event, Planned):
                    plan = event.plan
                elif isinstance(event, Finished):
                    entry = event.entry
    except ChatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    body = None
    if plan is not None:
        body = {**(entry.meta.get("request") or plan.request.parameters()), "messages": plan.request.messages}
    if args.json:
        print(json.dumps({"reply": entry.content, "status": entry.status, "request": body}, ensure_ascii=False))
    else:
        print(f"\n\n--- {entry.status}; the request that was sent:")
        print(json.dumps(body, indent=2, ensure_ascii=False))
    if entry.error:
        print(f"error: {entry.error['message']} {entry.error['hint']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
