"""Text as the page shows it: typed text exactly as typed, replies as Markdown that fetch nothing by themselves."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)"  # a fenced block, maybe unclosed
    r"|(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`)",  # an inline code span
    re.MULTILINE | re.DOTALL,
)
_LABEL = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_TITLE = r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?"""
_DESTINATION = r"(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
_INLINE_IMAGE = re.compile(rf"!\[(?P<alt>{_LABEL})\]\(\s*(?P<url>{_DESTINATION}){_TITLE}\s*\)")
_REFERENCE_IMAGE = re.compile(rf"!\[(?P<alt>{_LABEL})\](?:\[(?P<label>{_LABEL})\])?")
_DEFINITION = re.compile(
    rf"^[ ]{{0,3}}\[(?P<label>{_LABEL})\]:[ \t]*\n?[ \t]*(?P<url>{_DESTINATION}){_TITLE}[ \t]*$", re.MULTILINE
)


REDRAW_EVERY = 0.1
"""Seconds between two redraws of a streaming reply: ten a second reads as a steady flow, and a browser showing many
replies at once redraws each ten times a second instead of once per token (bench/bench_browser.py, eight sessions at
once: the slowest session kept 72-74% of a solo session's rate at 0.05 s, 83% at 0.1 s)."""


def counted(number: int, noun: str) -> str:
    """A number with its noun ("1 attempt", "3 attempts")."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def plain_markdown(text: str) -> str:
    """Markdown that shows text exactly as typed: no formatting, links, images, emoji, colours, icons or maths."""
    return _PUNCTUATION.sub(r"\\\1", text).replace("\n", "  \n")


def length_note(text: str, limit: int) -> str:
    """How long a message is against its limit, and how much to cut."""
    count = len(text)
    if count > limit:
        return f"{count:,} characters of {limit:,}: remove {count - limit:,} more to send it."
    return f"{count:,} characters of {limit:,}: short enough to send."


def unfetched_images(markdown: str) -> str:
    """The reply's Markdown with every image (inline or by reference) turned into a link that shows its address.

    A reply can be steered by a prompt injection; an image it names would be fetched by the browser as soon as it
    is shown, carrying whatever the address holds. Code is left as it is: nothing in it is fetched.
    """
    definitions = {_normal(m["label"]): _bare(m["url"]) for m in _DEFINITION.finditer(_outside_code(markdown))}

    def inline(match: re.Match) -> str:
        return _address_link(match["alt"], _bare(match["url"]))

    def reference(match: re.Match) -> str:
        label = _normal(match["label"] or match["alt"])
        if label not in definitions:
            return "\\!" + match[0][1:]  # not an image now; escaped so a later definition cannot make it one
        return _address_link(match["alt"], definitions[label])

    def rewrite(prose: str) -> str:
        return _REFERENCE_IMAGE.sub(reference, _INLINE_IMAGE.sub(inline, prose))

    parts, last = [], 0
    for code in _CODE.finditer(markdown):
        parts += [rewrite(markdown[last : code.start()]), code[0]]
        last = code.end()
    parts.append(rewrite(markdown[last:]))
    return "".join(parts)


def _outside_code(markdown: str) -> str:
    return _CODE.sub("", markdown)


def _normal(label: str) -> str:
    return " ".join(label.lower().split())


def _bare(url: str) -> str:
    return url[1:-1] if url.startswith("<") and url.endswith(">") else url


def _address_link(alt: str, url: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", url)), default=0) + 1)
    shown = f"{fence} {url} {fence}"
    label = f"🖼️ {plain_markdown(alt)}: {shown}" if alt.strip() else f"🖼️ {shown}"
    if not url or re.search(r"[\s<>]", url):
        return label
    return f"[{label}](<{url}>)"


ANNOUNCED_WORDS = 12
"""How many of a finished reply's first words a screen reader is told: enough to know which reply it is."""
_MARKUP = re.compile(r"[*_`#>|~\[\]]+")


def reply_announcement(status_note: str, reply: str) -> str:
    """What a screen reader is told once a reply has finished: how it ended, then its first words without markup."""
    words = _MARKUP.sub(" ", reply).split()
    start = " ".join(words[:ANNOUNCED_WORDS]) + ("…" if len(words) > ANNOUNCED_WORDS else "")
    return f"{status_note or 'Reply finished.'} {start}".strip()
