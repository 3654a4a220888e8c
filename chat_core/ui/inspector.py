"""The request inspector: every role message and parameter the model was sent on the last turn."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence

import streamlit as st

from chat_core.conversation import Conversation
from chat_core.errors import ChatError
from chat_core.messages import Message
from chat_core.saving import ChatScope
from chat_core.turn import plan_turn
from chat_core.ui import keys
from chat_core.ui.context_chart import context_chart
from chat_core.ui.copy_code import copy_as_code
from chat_core.ui.folds import fold
from chat_core.ui.resources import connect

REBUILT = "inspector.rebuilt"
"""{(page, thread): (what the view was rebuilt from, the view)}: a rerun that changed neither reuses it."""


def rebuilt_view(scope: ChatScope, conversation: Conversation) -> dict | None:
    """The last turn's request rebuilt from a saved conversation (after a reload or opening it from the history),
    with the parameters kept with its reply: what was sent, not what the sidebar says now."""
    # Planning counts every message's tokens: done once per conversation state, not on every rerun of the page.
    entries = conversation.entries
    last = (entries[-1].role, entries[-1].content, entries[-1].status) if entries else None
    made_from = (scope, id(conversation), conversation.id, len(entries), last)
    remembered = st.session_state.setdefault(REBUILT, {})
    known = remembered.get((scope.page, scope.thread))
    if known is not None and known[0] == made_from:
        return known[1]
    view = _rebuild(scope, conversation)
    remembered[(scope.page, scope.thread)] = (made_from, view)
    return view


def _rebuild(scope: ChatScope, conversation: Conversation) -> dict | None:
    entries = conversation.entries
    last_user = max((i for i, e in enumerate(entries) if e.role == "user"), default=None)
    if last_user is None or scope.settings is None:
        return None
    reply = entries[last_user + 1] if last_user + 1 < len(entries) else None
    sent = reply.meta.get("request") if reply else None
    settings = scope.settings.with_overrides(**_planned(sent)) if sent else scope.settings
    try:
        plan = plan_turn(
            settings, connect(settings), system=scope.system, examples=scope.examples,
            history=Conversation(entries[:last_user]).history(blocked=False), user_text=entries[last_user].content,
        )  # fmt: skip
    except ChatError:
        return None
    view = plan.inspector_view()
    if sent:
        view["body"] = {**sent, "messages": view["body"]["messages"]}
    return {**view, "result": reply.meta if reply else None, "rebuilt": "sent" if sent else "current"}


def _planned(sent: dict) -> dict:
    """The settings that shaped a sent request's messages (the reply's room in the context window)."""
    changes = {"temperature": sent["temperature"]} if "temperature" in sent else {}
    tokens = sent.get("max_completion_tokens", sent.get("max_tokens"))
    if tokens is not None:
        changes["max_tokens"] = tokens
    return changes


def inspector(
    view: dict | Callable[[], dict | None] | None,
    *,
    history: Sequence[Message] = (),
    key: str | None = None,
    branches: str | None = None,
) -> None:
    """The inspector's expander for one turn's view (or a call that makes it), or how to get one.

    `history` is the conversation the request came from (its oldest turns may have been left out); `key` tells
    apart several inspectors on one page; `branches` says what the conversation holds off the path sent. The
    contents are drawn only while the expander is open: closed, it costs a rerun next to nothing (the chart, the
    table and the code are most of a chat page's drawing).
    """
    box = fold("🔍 Request inspector: what the model was sent on the last turn", keys.inspector_open(key))
    if box is None:
        return
    view = view() if callable(view) else view
    with box:
        if view is None:
            st.caption("Send a message to see the exact request: every role message and the parameters.")
            return
        result = view.get("result") or {}
        sent = result.get("request")
        body = {**sent, "messages": view["body"]["messages"], "stream": True} if sent else view["body"]
        st.markdown("**Parameters**" + (" (as sent)" if sent else ""))
        st.json({k: v for k, v in body.items() if k != "messages"})
        if result.get("adapted"):
            st.info("Adapted to what this server accepts: " + "; ".join(result["adapted"]) + ".", icon="🔧")
        context_chart(view, history)
        st.markdown(f"**Messages** ({view['prompt_tokens']:,} of {view['token_limit']:,} prompt tokens)")
        if branches:
            st.caption(branches)
        rows = [
            {"#": i, "role": m["role"], "tokens": t, "content": m["content"]}
            for i, (m, t) in enumerate(zip(body["messages"], view["message_tokens"], strict=True))
        ]
        columns = {
            "#": st.column_config.NumberColumn(width=40),
            "role": st.column_config.TextColumn(width=90),
            "tokens": st.column_config.NumberColumn(width=70),
            "content": st.column_config.TextColumn(width="large"),
        }
        st.dataframe(rows, hide_index=True, width="stretch", column_config=columns)
        if view["dropped"]:
            st.warning(
                f"The context budget left out the {len(view['dropped'])} oldest messages of this conversation "
                "so the request fits the model's context window."
            )
        st.code(json.dumps(body["messages"], indent=2, ensure_ascii=False), language="json", wrap_lines=True)
        if view.get("rebuilt") == "sent":
            st.caption("Rebuilt from the saved conversation, with the parameters sent with its last reply.")
        elif view.get("rebuilt"):
            st.caption("Rebuilt from the saved conversation with the current settings.")
        _result(view.get("result"))
        request_json = json.dumps(body, sort_keys=True)
        copy_as_code(body, key or f"inspector.{zlib.crc32(request_json.encode())}")


def _result(result: dict | None) -> None:
    if result and "usage" in result:  # a failed or stopped reply has no figures, only what was sent
        usage = result["usage"]
        ttft = result["time_to_first_token"]
        st.caption(
            f"Reply: {result['status']} (finish reason {result['finish_reason']}) · "
            f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} reply tokens ({usage['source']}) · "
            f"first token {'n/a' if ttft is None else f'{ttft * 1000:.0f} ms'} · total {result['total_time']:.2f} s"
        )
