"""Repeatable replies as a person sees them: Enter to the first word of the first tutor turn, in Chromium, with the app
on the embedded model's repeatable server against the same app on llama-cpp-python's batched server.

bench_prompt_cache.py times the servers on their own. Here two app processes run, one pointed at each server (both
started here, one thread each, as the embedded one runs), their Tutor pages open in Chromium, and the servers
alternate in each round:

- cold: the server has just answered something else (another system message), then a first tutor question;
- warm: Clear conversation, then another first question: the system message and the worked examples are cached.

Medians in milliseconds from Enter to the reply's first word painted, and the ratios repeatable / batched (target:
at most 1.3, cold and warm).

    .venv/bin/python bench/bench_repeatable_browser.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _browser import REPLY_TIMEOUT, chromium, dump, open_page, serve
from _common import median, record
from bench_prompt_cache import BATCHED, SYSTEM, TARGET, TUTOR_QUESTIONS, ttft

from chat_core.providers.local_server import DEFAULT_CHUNK, LocalModelServer, find_model_file
from tests.e2e.conftest import IDLE

REPEATABLE = f"repeatable, chunks of {DEFAULT_CHUNK}"
FIRST_WORD = """(question) => {
  const state = window.__first = {enter: null, first: null};
  const said = m => [...m.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .filter(t => !t.closest('[data-testid="stCaptionContainer"], button')).map(t => t.innerText).join("").trim();
  const reply = () => {  // the assistant's message after the one that asks `question`
    const all = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
    const asked = all.findIndex(m => m.querySelector('[data-testid="stChatMessageAvatarUser"]')
      && m.innerText.includes(question));
    if (asked < 0) return null;
    return all.slice(asked + 1).find(m => m.querySelector('[data-testid="stChatMessageAvatarAssistant"]')) || null;
  };
  const look = () => {
    if (state.enter === null || state.first !== null) return;
    const answer = reply();
    if (answer && said(answer)) {
      state.first = performance.now();
      state.text = said(answer);
      requestAnimationFrame(() => { state.first = performance.now(); });  // the frame that paints it
    }
  };
  document.addEventListener("keydown", e => {
    if (e.key === "Enter" && state.enter === null) state.enter = performance.now();
  }, true);
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
"""Page-clock marks: Enter pressed, and the frame that paints the first word of the reply to `question` (not the queue's
note, nor its Stop button)."""


def first_word(page, question: str) -> float:
    """Seconds from Enter on `question` in the tutor's chat to the reply's first word painted; waits for the run's
    end."""
    page.evaluate(FIRST_WORD, question)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => window.__first.first !== null", timeout=REPLY_TIMEOUT)
    page.wait_for_selector(IDLE, timeout=REPLY_TIMEOUT)
    state = page.evaluate("window.__first")
    print(f"    first words: {state['text'][:60]!r}", flush=True)
    return (state["first"] - state["enter"]) / 1000


def clear(page) -> None:
    """Start a new tutor conversation with the same examples (the button goes with the conversation)."""
    button = page.get_by_role("button", name="Clear conversation")
    button.click()
    button.wait_for(state="detached", timeout=REPLY_TIMEOUT)
    page.wait_for_selector(IDLE, timeout=REPLY_TIMEOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    model = find_model_file()
    named = {  # without the cache of whole states, as in bench_prompt_cache.py: a cold turn is read whole
        BATCHED: LocalModelServer(model, chunk=0, state_cache_bytes=0),
        REPEATABLE: LocalModelServer(model, chunk=DEFAULT_CHUNK, state_cache_bytes=0),
    }
    times = {(name, when): [] for name in named for when in ("cold", "warm")}
    loads = []
    try:
        urls = {name: server.ensure_running() for name, server in named.items()}
        with chromium() as browser, ExitStack() as apps:
            pages = {}
            for name, url in urls.items():
                folder = Path(tempfile.mkdtemp(prefix="bench-repeatable-"))
                app = apps.enter_context(serve(folder, OPENAI_BASE_URL=url, CHAT_MODEL="smollm2", CHAT_MAX_RETRIES="0"))
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                open_page(page, f"{app.base_url}/Tutor")
                first_word(page, "What is a variable?")  # warm-up: the page and the server's first request
                clear(page)
                pages[name] = page
            for round_ in range(args.rounds):
                loads.append(os.getloadavg()[0])
                question = TUTOR_QUESTIONS[round_ % len(TUTOR_QUESTIONS)]
                other = TUTOR_QUESTIONS[(round_ + 1) % len(TUTOR_QUESTIONS)]
                for name, page in pages.items():
                    ttft(urls[name], [SYSTEM, {"role": "user", "content": f"Something else entirely, {round_}."}])
                    cold = first_word(page, question)
                    clear(page)
                    warm = first_word(page, other)
                    clear(page)
                    times[name, "cold"].append(cold)
                    times[name, "warm"].append(warm)
                    print(f"  {name:26} cold {cold * 1000:6.0f} ms, warm {warm * 1000:5.0f} ms", flush=True)
                print(f"round {round_ + 1}/{args.rounds} (load {loads[-1]:.2f})", flush=True)
    finally:
        for server in named.values():
            server.stop()
    ms = {f"{name}: {when}": median(values) * 1000 for (name, when), values in times.items()}
    ratios = {when: ms[f"{REPEATABLE}: {when}"] / ms[f"{BATCHED}: {when}"] for when in ("cold", "warm")}
    figures = {
        "rounds": args.rounds,
        "load_median": median(loads),
        "enter_to_first_word_ms": ms,
        "ratio_to_batched": ratios,
        "target_ratio": TARGET,
        "met": all(ratio <= TARGET for ratio in ratios.values()),
    }
    print("repeatable_browser:", dump(figures))
    record("repeatable_browser", figures)


if __name__ == "__main__":
    main()
