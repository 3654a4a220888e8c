"""Who is using the page: the signed-in user, else the visitor token in the link (shown, with a way back); log in
and out."""

from __future__ import annotations

import streamlit as st

from chat_core.errors import ChatError
from chat_core.identity import personal_link, token_from_link, user_owner, visitor_owner, visitor_token
from chat_core.ui import keys
from chat_core.ui.folds import fold
from chat_core.ui.notices import notice


def auth_configured() -> bool:
    """Whether st.login is set up in the app's secrets."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def signed_in() -> bool:
    """Whether a user is logged in (only possible when login is configured)."""
    return auth_configured() and st.user.is_logged_in


def owner() -> str:
    """Who the conversations belong to: the signed-in user, else the visitor id carried in the URL."""
    if signed_in():
        st.query_params.pop("v", None)
        return user_owner(st.user.get("email"), st.user.get("sub"))
    token = visitor_token(st.session_state.get(keys.VISITOR), st.query_params.get("v"))
    st.session_state[keys.VISITOR] = token
    st.query_params["v"] = token
    return visitor_owner(token)


def your_link() -> None:
    """The visitor's personal link with a copy button, what the plain address does, and a way back; log in or out."""
    _login_buttons()
    if signed_in():
        return
    st.markdown("#### Your link")
    st.code(personal_link(st.context.url or "", owner().removeprefix("visitor:")), language=None, wrap_lines=True)
    st.caption(
        "Your conversations are kept under this link: copy or bookmark it. Anyone with it can read them. "
        "The app's plain address starts a new, empty history."
    )
    box = fold("↩️ Have a link from before?", keys.PASTED_LINK_OPEN)
    if box is None:
        return
    with box:
        st.text_input(
            "Paste your link", key=keys.PASTED_LINK, on_change=_use_pasted_link, placeholder="http://…/?v=…",
            help="Press Enter: this page then shows that link's conversations.",
        )  # fmt: skip


def _use_pasted_link() -> None:
    token = token_from_link(st.session_state.get(keys.PASTED_LINK, ""))
    st.session_state[keys.PASTED_LINK] = ""
    if token is None:
        notice(ChatError("That is not a Chat lab link.", "Paste the whole address that contains ?v=.", kind="link"))
        return
    st.session_state[keys.VISITOR] = token
    st.query_params["v"] = token
    st.query_params.pop("c", None)
    for name in list(st.session_state):  # forget the other link's conversations held in this tab
        if name.endswith(".threads") or name.startswith("restored."):
            del st.session_state[name]


def _login_buttons() -> None:
    if not auth_configured():
        return
    if st.user.is_logged_in:
        st.caption(f"Signed in as {st.user.get('name') or st.user.get('email')}.")
        st.button("Log out", key="auth.logout", on_click=st.logout)
    else:
        st.caption("Your conversations are tied to this page's link. Log in to keep them across devices.")
        st.button("Log in", key="auth.login", on_click=st.login)
