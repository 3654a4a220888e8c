"""Long conversations: a chat page holding 20, 200 and 2,000 saved messages against the simplest Streamlit chat.

Script rerun time with AppTest: the Chatbot page (answered by the embedded model, as a new user finds it) opens a
saved conversation of N messages from its link; the simple pattern (bench/simple_chat.py) starts its session with the
same N messages. After one unmeasured run each, the two rerun alternately (ABBA) R times; medians in milliseconds.

Targets: the page at 2,000 messages at most 2 times its 20-message rerun, and faster than the simple pattern at every
size (ratio page / simple below 1).

Trees: the same page on a conversation of 2,000 messages with 200 branch points (200 replies regenerated once, their
other version kept), against a linear 2,000-message conversation, alternating (ABBA) in the same run; target: the tree
within 1.2 times the linear rerun. Opening either reads its messages in one query.

    .venv/bin/python bench/bench_long_chat.py [--reruns R] [--sizes 20 200 2000] [--no-tree]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _common import ROOT, long_conversation, median, record, timed

from chat_core.conversation import Conversation, Entry
from chat_core.identity import mint_visitor_token, visitor_owner
from chat_core.store import Store, make_engine

SIZES = (20, 200, 2000)
PERSONA = "Helpful assistant"


def seeded_store(folder: Path) -> tuple[str, Store]:
    """A SQLite store in `folder` for the app to use; returns its URL and the store."""
    url = f"sqlite:///{folder / 'chats.sqlite3'}"
    store = Store(make_engine(url))
    store.migrate()
    return url, store


def save_chat(store: Store, owner: str, messages: list[dict]) -> str:
    """Save a conversation of these messages for this owner on the Chatbot page; returns its id."""
    conversation_id = store.create(owner, "chatbot", PERSONA, messages[0]["content"])
    conversation = Conversation([Entry(m["role"], m["content"]) for m in messages], id=conversation_id)
    store.save(owner, conversation)
    return conversation_id


def branched_chat(messages: int, branch_points: int) -> Conversation:
    """A conversation of `messages` messages in which `branch_points` replies were regenerated once (each keeps its
    other version), spread evenly; the branch shown is the newest."""
    conversation = Conversation()
    turns = (messages - branch_points) // 2
    every = max(1, turns // branch_points)
    pairs = long_conversation(turns * 2)
    for index in range(turns):
        question, reply = pairs[2 * index], pairs[2 * index + 1]
        conversation.add_user(question["content"])
        conversation.add_reply(reply["content"], "complete")
        if index % every == 0 and conversation.off_path() < branch_points:
            conversation.add_user(conversation.rewind_to_last_user())
            conversation.add_reply(f"Another version: {reply['content']}", "complete")
    return conversation


def measure_tree(messages: int, branch_points: int, reruns: int) -> dict:
    """Rerun times of the page on a branched conversation against a linear one of as many messages, alternating."""
    folder = Path(tempfile.mkdtemp(prefix="bench-tree-chat-"))
    url, store = seeded_store(folder)
    os.environ["CHAT_DATABASE_URL"] = url
    tree = branched_chat(messages, branch_points)
    shown = len(tree.entries)
    pages = {}
    for name, conversation in (("tree", tree), ("linear", None)):
        token = mint_visitor_token()
        if conversation is None:
            conversation_id = save_chat(store, visitor_owner(token), long_conversation(messages))
        else:
            conversation.id = store.create(visitor_owner(token), "chatbot", PERSONA, "A branched chat")
            store.save(visitor_owner(token), conversation)
            conversation_id = conversation.id
        pages[name] = chat_page(token, conversation_id)
        pages[name].run()
    samples = {"tree": [], "linear": []}
    for round_ in range(reruns):
        for name in ("tree", "linear") if round_ % 2 == 0 else ("linear", "tree"):
            samples[name].append(timed(pages[name].run))
    tree_ms, linear_ms = median(samples["tree"]) * 1000, median(samples["linear"]) * 1000
    figures = {
        "messages": tree.size, "branch_points": tree.off_path(), "messages_on_branch_shown": shown,
        "tree_rerun_ms": tree_ms, "linear_rerun_ms": linear_ms, "ratio_tree_over_linear": tree_ms / linear_ms,
        "ratio_target": 1.2, "met": tree_ms / linear_ms <= 1.2, "reruns": reruns,
        "errors": [e.value for page in pages.values() for e in page.exception],
    }  # fmt: skip
    print(
        f"tree of {tree.size} messages ({tree.off_path()} branch points): {tree_ms:.1f} ms; linear {linear_ms:.1f} ms; "
        f"ratio {tree_ms / linear_ms:.2f} (target <= 1.2)",
        flush=True,
    )
    return figures


def chat_page(token: str, conversation_id: str):
    """The Chatbot page opened on a saved conversation by its link."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "pages" / "1_Chatbot.py"), default_timeout=300)
    app.query_params["v"] = token
    app.query_params["c"] = conversation_id
    return app


def simple_page(messages: list[dict]):
    """The simple pattern with the same messages in its session."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "bench" / "simple_chat.py"), default_timeout=300)
    app.session_state["messages"] = [dict(m) for m in messages]
    return app


def shown_messages(app) -> int:
    """How many chat messages a run drew."""
    return len(app.chat_message)


def measure(sizes: tuple[int, ...], reruns: int) -> dict:
    """Rerun times per size, page and simple pattern alternating."""
    folder = Path(tempfile.mkdtemp(prefix="bench-long-chat-"))
    url, store = seeded_store(folder)
    os.environ.update({"CHAT_DATABASE_URL": url, "CHAT_ENV_FILE": str(folder / "absent.env")})
    os.environ.update({"CHAT_TEMPERATURE": "0", "CHAT_SEED": "42"})
    for name in [n for n in os.environ if n.startswith(("OPENAI_", "CHAT_PROVIDER"))]:
        del os.environ[name]  # the page answers with the embedded model, as a new user finds it
    figures = {}
    for size in sizes:
        messages = long_conversation(size)
        token = mint_visitor_token()
        conversation_id = save_chat(store, visitor_owner(token), messages)
        page = chat_page(token, conversation_id)
        first_page = timed(page.run)
        simple = simple_page(messages)
        first_simple = timed(simple.run)
        samples = {"page": [], "simple": []}
        for round_ in range(reruns):
            order = ("page", "simple") if round_ % 2 == 0 else ("simple", "page")
            for name in order:
                samples[name].append(timed((page if name == "page" else simple).run))
        figures[str(size)] = {
            "page_rerun_ms": median(samples["page"]) * 1000,
            "simple_rerun_ms": median(samples["simple"]) * 1000,
            "page_first_run_ms": first_page * 1000,
            "simple_first_run_ms": first_simple * 1000,
            "page_messages_drawn": shown_messages(page),
            "simple_messages_drawn": shown_messages(simple),
            "page_errors": [e.value for e in page.exception],
            "reruns": reruns,
        }
        row = figures[str(size)]
        print(
            f"{size:>5} messages: page {row['page_rerun_ms']:8.1f} ms ({row['page_messages_drawn']} drawn), "
            f"simple {row['simple_rerun_ms']:8.1f} ms ({row['simple_messages_drawn']} drawn), "
            f"ratio {row['page_rerun_ms'] / row['simple_rerun_ms']:.2f}",
            flush=True,
        )
    smallest, largest = figures[str(min(sizes))], figures[str(max(sizes))]
    growth = largest["page_rerun_ms"] / smallest["page_rerun_ms"]
    ratios = {size: row["page_rerun_ms"] / row["simple_rerun_ms"] for size, row in figures.items()}
    summary = {
        "growth_largest_over_smallest": growth,
        "growth_target": 2.0,
        "growth_met": growth <= 2.0,
        "ratio_page_over_simple": ratios,
        "faster_than_simple_everywhere": all(r < 1 for r in ratios.values()),
    }
    print(f"growth {max(sizes)}/{min(sizes)}: {growth:.2f} (target <= 2); page/simple: {json.dumps(ratios)}")
    return {"sizes": figures, **summary}


def main() -> None:
    """Parse the flags, measure, record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=9)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--no-tree", action="store_true", help="skip the branched conversation's case")
    args = parser.parse_args()
    started = time.monotonic()
    figures = measure(tuple(args.sizes), args.reruns)
    record("long_chat_rerun", {**figures, "seconds": time.monotonic() - started})
    if not args.no_tree:
        started = time.monotonic()
        figures = measure_tree(max(SIZES), 200, args.reruns)
        record("long_chat_tree", {**figures, "seconds": time.monotonic() - started})


if __name__ == "__main__":
    main()
