"""A walkthrough for learners of how a chatbot "remembers": only what the app sends again with each request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WalkthroughStep:
    """One step: what the learner does, what to type (if anything), and what to notice."""

    title: str
    do: str
    notice: str
    type_this: str | None = None


MEMORY_INTRO = (
    "A language model keeps nothing between requests. A chatbot seems to remember because the app sends the "
    "whole conversation again, every time, in front of your new message. Four steps show it."
)

MEMORY_WALKTHROUGH: tuple[WalkthroughStep, ...] = (
    WalkthroughStep(
        "Tell the bot your name",
        "Send the message below.",
        "The bot answers. Nothing about you was stored in the model: only the app holds the conversation.",
        type_this="Hi! My name is Ada.",
    ),
    WalkthroughStep(
        "Ask it back",
        "Send the question below.",
        "The bot can answer because your name is in the request again, though the model itself forgot everything "
        "the moment it finished replying. (A 135M-parameter model may still get it wrong: the next step shows that "
        "the name was sent either way.)",
        type_this="What is my name?",
    ),
    WalkthroughStep(
        "Open the request inspector",
        "Open the request inspector under the chat and read the messages of the last request.",
        "Your first message and the bot's first reply are there again, before your question: the app resent "
        "them. That is the bot's whole memory, and each resent turn costs tokens, as the chart shows.",
    ),
    WalkthroughStep(
        "Watch the oldest turns drop",
        "Keep chatting (long messages fill it faster) until the chart shows turns left out, then ask the "
        "question below again.",
        "The context window holds only so many tokens. When the next request would not fit, the app leaves "
        "out the oldest turns, a question and its answer together, several at once so the next turns start "
        "the same way (the server reuses what it already read). Once your name is left out, the bot can "
        "no longer tell you what it is: a long chat forgets its beginning.",
        type_this="What is my name?",
    ),
)
"""The steps in order; the page only draws them."""
