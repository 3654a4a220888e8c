"""Long conversations: a chat page holding 20, 200 and 2,000 saved messages against the simplest Streamlit chat.

Script rerun time with AppTest: the Chatbot page (answered by the embedded model, as a new user finds it) opens a
saved conversation of N messages from its link; the simple pattern (bench/simple_chat.py) starts its session with the
same N messages. After one unmeasured run each, the two rerun alternately (ABBA) R times; medians in milliseconds.

Targets: the page at 2,000 messages at most 2 times its 20-message rerun, and faster than the simple pattern at every
size (ratio page / simple below 1).

    .venv/bin/python bench/bench_long_chat.py [--reruns R] [--sizes 20 200 2000]
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
    args = parser.parse_args()
    started = time.monotonic()
    figures = measure(tuple(args.sizes), args.reruns)
    record("long_chat_rerun", {**figures, "seconds": time.monotonic() - started})


if __name__ == "__main__":
    main()
