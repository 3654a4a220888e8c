"""One chat turn as an explicit pipeline: build request -> budget -> stream -> record.

Each stage is its own function so a check (a guardrail) or a second column (a comparison)
can plug in between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chat_core.budget import Budget, fit_to_budget
from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.messages import Example, Message, check_user_text, request_parts
from chat_core.providers.client import ChatProvider, ChatRequest, ReplyStream
from chat_core.settings import Settings


@dataclass(frozen=True)
class TurnPlan:
    """What one turn will send, and what the context budget left out: the request inspector's view."""

    request: ChatRequest
    budget: Budget

    def inspector_view(self) -> dict:
        """The request body, tokens per message and the left-out turns, ready to show."""
        return {
            "body": self.request.body(),
            "message_tokens": self.budget.message_tokens,
            "prompt_tokens": self.budget.prompt_tokens,
            "token_limit": self.budget.limit,
            "dropped": self.budget.dropped,
        }


def plan_turn(
    settings: Settings,
    provider: ChatProvider,
    *,
    system: str | None,
    examples: Sequence[Example],
    history: Sequence[Message],
    user_text: str,
) -> TurnPlan:
    """Build the request for the next reply and fit it into the model's context window.

    `history` holds the turns before `user_text` (the new message is not in it).
    """
    fixed, history, question = request_parts(system, examples, history, check_user_text(user_text))
    budget = fit_to_budget(
        fixed,
        history,
        question,
        context_window=settings.context_window,
        reply_tokens=settings.max_tokens,
        counter=provider.counter,
    )
    request = ChatRequest(
        model=settings.model,
        messages=budget.messages,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        seed=settings.seed,
    )
    return TurnPlan(request, budget)


def record_reply(conversation: Conversation, stream: ReplyStream, error: ChatError | None = None) -> None:
    """Add the reply as it ended: finished, failed (text so far kept) or stopped by the user."""
    if error is not None:
        conversation.add_failure(error, stream.text)
    elif stream.result is None:
        conversation.add_reply(stream.text, "stopped")
    else:
        result = stream.result
        conversation.add_reply(result.text, result.status, meta=result.figures())
