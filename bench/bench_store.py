"""Latency of chat_core's conversation store on SQLite and on PostgreSQL.

Seeds a database with 1,000 conversations of one owner (about 10 messages each, sentence text from a
fixed-seed generator), a few hundred conversations of another owner and one 2,000-message conversation, then
times, through `chat_core.store.Store`:

1. opening the 2,000-message conversation (`store.load`), target median <= 100 ms;
2. saving one message appended to an already-saved conversation (`store.save`), target median <= 5 ms on
   SQLite (reported without a target on PostgreSQL);
3. listing the owner's 1,000 conversations (`store.list(owner, limit=1000)`), the default list
   (`store.list(owner)`), and the pair of default lists the history sidebar runs on each rerun,
   target median <= 50 ms;
4. searching them (`store.list(owner, search=...)`) for a word in some message texts and for a word in none,
   target median <= 200 ms.

A bare `SELECT 1` in a transaction through the same engine is timed alongside, as the fixed cost every store
call pays. Each operation gets a few unmeasured warm-up runs; the table shows the median and the 95th
percentile in milliseconds. SQLite runs on a temporary file; PostgreSQL on a throwaway server started from
the installed binaries (skipped when there are none). Figures are printed, never asserted.

Run from the project root:

    .venv/bin/python bench/bench_store.py [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from chat_core.conversation import Conversation
from chat_core.store import Store, make_engine
from tests.support.postgres import PostgresServer, postgres_bin

OWNER = "bench-owner"
OTHER_OWNER = "bench-other"
LONG_OWNER = "bench-long"
OWNER_CONVERSATIONS = 1000
OTHER_CONVERSATIONS = 300
MESSAGES_PER_CONVERSATION = 10
LONG_MESSAGES = 2000
FOUND_WORD = "tamarind"
FOUND_SHARE = 0.005
MISSING_WORD = "zyzzyva"
WARMUP = 3
RUNS = 20
SAVE_RUNS = 200
SEED = 42
VOCABULARY = (
    "the a an and or but if then because while when where how why what which this that these those it they "
    "we you I model reply answer question prompt token context window server request stream error database "
    "query index table page sidebar history search title message settings temperature seed chart budget "
    "python function class value list file folder test result number colour weather river mountain garden "
    "kitchen recipe bread coffee morning evening quickly slowly carefully simply really often never always "
    "explain describe compare summarise translate write check show make find keep use need want think know "
    "good better simple clear short long new old small large fast slow warm cold bright quiet"
)
WORDS = VOCABULARY.split()
PAGES = ("chat", "compare", "playground")


@dataclass
class Figure:
    """One row of the table: an operation's timings in seconds and the median it should stay under."""

    name: str
    samples: list[float]
    target_ms: float | None


def sentence(rng: random.Random) -> str:
    """A sentence of 6 to 16 words from the word list; now and then it holds the searched-for word."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < FOUND_SHARE:
        words[rng.randrange(len(words))] = FOUND_WORD
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".?.!.")


def user_text(rng: random.Random) -> str:
    """A user's message: one or two sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 2)))


def reply_text(rng: random.Random) -> str:
    """A model's reply: three to eight sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 8)))


def reply_meta(rng: random.Random, text: str) -> dict:
    """Figures shaped like the ones `ReplyResult.figures()` stores with a reply."""
    completion = len(text.split()) * 4 // 3
    return {
        "status": "complete",
        "finish_reason": "stop",
        "usage": {"prompt_tokens": rng.randint(20, 900), "completion_tokens": completion, "source": "server"},
        "time_to_first_token": round(rng.uniform(0.05, 0.6), 4),
        "total_time": round(rng.uniform(0.5, 6.0), 4),
        "model": "SmolLM2-135M-Instruct",
    }


def add_turns(conversation: Conversation, rng: random.Random, count: int) -> None:
    """Append `count` entries, alternating user messages and complete replies."""
    for index in range(len(conversation.entries), len(conversation.entries) + count):
        if index % 2 == 0:
            conversation.add_user(user_text(rng))
        else:
            text = reply_text(rng)
            conversation.add_reply(text, "complete", meta=reply_meta(rng, text))


def seed_conversation(store: Store, rng: random.Random, owner: str, messages: int) -> str:
    """One conversation with `messages` entries, written with one create and one save."""
    first = user_text(rng)
    settings = {"model": "SmolLM2-135M-Instruct", "temperature": round(rng.uniform(0, 1), 2), "max_tokens": 512}
    conversation_id = store.create(owner, rng.choice(PAGES), "main", first, settings)
    conversation = Conversation(id=conversation_id)
    conversation.add_user(first)
    add_turns(conversation, rng, messages - 1)
    store.save(owner, conversation)
    return conversation_id


def seed(store: Store) -> tuple[str, str, float]:
    """Fill the database; returns the long conversation's id, a short one of the owner's, and seconds taken."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    owned = [
        seed_conversation(store, rng, OWNER, MESSAGES_PER_CONVERSATION + rng.randint(-2, 2))
        for _ in range(OWNER_CONVERSATIONS)
    ]
    for _ in range(OTHER_CONVERSATIONS):
        seed_conversation(store, rng, OTHER_OWNER, MESSAGES_PER_CONVERSATION + rng.randint(-2, 2))
    long_id = seed_conversation(store, rng, LONG_OWNER, LONG_MESSAGES)
    return long_id, owned[len(owned) // 2], time.perf_counter() - started


def timed(work: Callable[[], object], runs: int) -> list[float]:
    """Seconds per call of `work`, after unmeasured warm-up calls."""
    for _ in range(WARMUP):
        work()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def select_one(engine: sa.Engine) -> Callable[[], object]:
    """A `SELECT 1` in its own transaction, the way `Store` opens one for every call."""

    def work() -> object:
        """One round trip."""
        with engine.begin() as conn:
            return conn.exec_driver_sql("SELECT 1").scalar()

    return work


def appender(store: Store, conversation: Conversation) -> Callable[[], None]:
    """Append one entry to a saved conversation and save it, alternating user messages and replies."""
    rng = random.Random(SEED + 1)

    def work() -> None:
        """One appended entry, one save."""
        add_turns(conversation, rng, 1)
        store.save(OWNER, conversation)

    return work


def measure(store: Store, long_id: str, short_id: str, save_target_ms: float | None) -> list[Figure]:
    """Time every operation against a seeded store."""
    figures = [Figure("baseline: SELECT 1 in a transaction", timed(select_one(store.engine), SAVE_RUNS), None)]
    _, long_conversation = store.load(long_id, LONG_OWNER)
    loaded = len(long_conversation.entries)
    figures.append(
        Figure(f"load conversation ({loaded} messages)", timed(lambda: store.load(long_id, LONG_OWNER), RUNS), 100)
    )
    full = len(store.list(OWNER, limit=OWNER_CONVERSATIONS))
    figures.append(
        Figure(f"list limit=1000 ({full} rows)", timed(lambda: store.list(OWNER, limit=OWNER_CONVERSATIONS), RUNS), 50)
    )
    default = len(store.list(OWNER))
    figures.append(Figure(f"list default ({default} rows)", timed(lambda: store.list(OWNER), RUNS), 50))
    figures.append(
        Figure(
            f"sidebar searching: list(owner, {FOUND_WORD!r}) + list(owner)",
            timed(lambda: (store.list(OWNER, FOUND_WORD), store.list(OWNER)), RUNS),
            50,
        )
    )
    for word in (FOUND_WORD, MISSING_WORD):
        found = len(store.list(OWNER, search=word, limit=OWNER_CONVERSATIONS))
        figures.append(
            Figure(
                f"search {word!r} ({found} found)",
                timed(lambda w=word: store.list(OWNER, search=w, limit=OWNER_CONVERSATIONS), RUNS),
                200,
            )
        )
    _, short = store.load(short_id, OWNER)
    before = len(short.entries)
    samples = timed(appender(store, short), SAVE_RUNS)
    figures.append(Figure(f"save one message ({before} to {len(short.entries)} messages)", samples, save_target_ms))
    return figures


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile of some samples."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def print_table(title: str, figures: list[Figure]) -> None:
    """One backend's figures as a table."""
    width = max(len(f.name) for f in figures) + 2
    print(f"\n{title}")
    print(f"  {'operation':<{width}}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'target':>12}  result")
    for figure in figures:
        median = statistics.median(figure.samples) * 1000
        p95 = percentile(figure.samples, 0.95) * 1000
        if figure.target_ms is None:
            target, verdict = "-", "-"
        else:
            target = f"<= {figure.target_ms:g} ms"
            verdict = "PASS" if median <= figure.target_ms else "ABOVE TARGET"
        print(f"  {figure.name:<{width}}{len(figure.samples):>6}{median:>12.2f}{p95:>10.2f}{target:>12}  {verdict}")


def bench(url: str, label: str, save_target_ms: float | None) -> None:
    """Migrate, seed, measure and print one backend."""
    store = Store(make_engine(url))
    try:
        store.migrate()
        long_id, short_id, seconds = seed(store)
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT sqlite_version()" if "sqlite" in url else "SHOW server_version")
            version = version.scalar()
            counts = ", ".join(
                f"{conn.exec_driver_sql(f'SELECT count(*) FROM {table}').scalar()} {table}"
                for table in ("conversations", "messages")
            )
        figures = measure(store, long_id, short_id, save_target_ms)
        print_table(f"{label} {version}: seeded {counts} in {seconds:.1f} s", figures)
    finally:
        store.engine.dispose()


def bench_sqlite() -> None:
    """SQLite on a temporary file."""
    folder = Path(tempfile.mkdtemp(prefix="chat-bench-"))
    try:
        bench(f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite", 5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench_postgresql() -> None:
    """PostgreSQL on a throwaway server, when its binaries are installed."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        print("\nPostgreSQL: skipped, no server binaries found")
        return
    server = PostgresServer(bin_dir)
    try:
        server.start()
        bench(server.url(), "PostgreSQL", None)
    finally:
        server.stop()


def main() -> None:
    """Parse the flags and run the chosen backends."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}, SQLAlchemy {sa.__version__}, SQLite {sqlite3.sqlite_version}; "
        f"medians of {RUNS} runs ({SAVE_RUNS} for SELECT 1 and save) after {WARMUP} warm-ups"
    )
    if args.backend in ("sqlite", "both"):
        bench_sqlite()
    if args.backend in ("postgresql", "both"):
        bench_postgresql()


if __name__ == "__main__":
    main()
