"""Typed text shown as typed; reply images never fetched, their addresses shown instead."""

import re

import pytest

from chat_core.display import length_note, plain_markdown, reply_announcement, unfetched_images
from chat_core.pacing import Pace

LEAK = "http://127.0.0.1:9/leak.png?q=secret"


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n")


@pytest.mark.parametrize(
    "typed",
    [
        "![x](http://127.0.0.1:9/t.png) **bold** :red[red]",
        ":smile: :material/home: $x^2$ <b>t</b>",
        "https://example.com/a.b_c and www.example.com",
        "# not a heading\n- not a list\n1. nor this\n> nor a quote",
        "back\\slash `code` ~~strike~~ | pipe | & &amp;",
    ],
)
def test_plain_markdown_escapes_every_punctuation_mark_and_keeps_the_text(typed):
    escaped = plain_markdown(typed)
    assert unescaped(escaped) == typed
    bare = [token for token in re.findall(r"\\.|.", escaped, re.DOTALL) if len(token) == 1]
    assert not [token for token in bare if re.match(r"[!-/:-@\[-`{-~]", token)]


@pytest.mark.parametrize(
    "reply",
    [
        f"Here: ![chart]({LEAK})",
        f'Here: ![chart]({LEAK} "a title")',
        f"Here: ![chart](<{LEAK}>)",
        f"Here: ![chart][data]\n\n[data]: {LEAK}",
        f"Here: ![data][]\n\n[data]: <{LEAK}> 'title'",
        f"Here: ![Data]\n\n[data]: {LEAK}",
        f"[![badge]({LEAK})](https://example.com)",
    ],
)
def test_every_image_form_becomes_a_link_showing_its_address(reply):
    rewritten = unfetched_images(reply)
    assert not re.search(r"(?<!\\)!\[", rewritten)
    assert f"` {LEAK} `" in rewritten
    assert "🖼️" in rewritten


def test_an_image_named_inside_another_images_text_is_shown_as_text():
    rewritten = unfetched_images(f"![outer ![inner]({LEAK})](http://127.0.0.1:9/other.png)")
    assert not re.search(r"(?<!\\)!\[", rewritten)
    assert rewritten.endswith("` http://127.0.0.1:9/other.png `](<http://127.0.0.1:9/other.png>)")


def test_an_image_becomes_a_link_to_the_same_address():
    assert unfetched_images(f"![chart]({LEAK})") == f"[🖼️ chart: ` {LEAK} `](<{LEAK}>)"


def test_a_reference_without_a_definition_is_left_as_text():
    assert unfetched_images("See ![figure 1] below.") == "See \\![figure 1] below."


@pytest.mark.parametrize(
    "reply",
    [
        f"```markdown\n![chart]({LEAK})\n```",
        f"Use `![chart]({LEAK})` to embed.",
        f"~~~\n![chart]({LEAK})\n",  # a fence still streaming, not closed yet
    ],
)
def test_code_is_left_exactly_as_written(reply):
    assert unfetched_images(reply) == reply


def test_the_rest_of_a_reply_stays_markdown():
    reply = "**Bold**, a [link](https://example.com) and a list:\n\n- one\n- two"
    assert unfetched_images(reply) == reply


def test_an_address_with_spaces_is_shown_but_not_linked():
    assert unfetched_images("![x](<http://a b/c.png>)") == "🖼️ x: ` http://a b/c.png `"


@pytest.mark.parametrize(
    ("length", "note"),
    [
        (9_500, "9,500 characters of 8,000: remove 1,500 more to send it."),
        (8_001, "8,001 characters of 8,000: remove 1 more to send it."),
        (8_000, "8,000 characters of 8,000: short enough to send."),
        (12, "12 characters of 8,000: short enough to send."),
    ],
)
def test_the_length_note_says_how_much_to_cut(length, note):
    assert length_note("x" * length, 8_000) == note


def test_a_streaming_reply_is_redrawn_at_once_then_at_most_once_per_interval():
    now = [100.0]
    pace = Pace(every=0.05, clock=lambda: now[0])
    drawn = []
    for step in (0.0, 0.01, 0.01, 0.04, 0.001, 0.2):
        now[0] += step
        drawn.append(pace.due())
    assert drawn == [True, False, False, True, False, True]


@pytest.mark.parametrize(
    ("note", "reply", "told"),
    [
        ("", "**Index funds** track a `market` index.", "Reply finished. Index funds track a market index."),
        ("Stopped before the reply finished.", "tick tick", "Stopped before the reply finished. tick tick"),
        ("", " ".join(f"w{n}" for n in range(20)), "Reply finished. " + " ".join(f"w{n}" for n in range(12)) + "…"),
        (
            "The model sent an empty reply; regenerate to try again.",
            "",
            "The model sent an empty reply; regenerate to try again.",
        ),
    ],
)
def test_a_finished_reply_is_announced_by_how_it_ended_and_its_first_words_without_markup(note, reply, told):
    assert reply_announcement(note, reply) == told
