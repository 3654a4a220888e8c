"""Who is using the page: the signed-in user, else the visitor token in the link; log in and out."""

from __future__ import annotations

import streamlit as st

from chat_core.identity import user_owner, visitor_owner, visitor_token
from chat_core.ui import keys


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


def login_buttons() -> None:
    """Log in or out, when login is configured."""
    if not auth_configured():
        return
    if st.user.is_logged_in:
        st.caption(f"Signed in as {st.user.get('name') or st.user.get('email')}.")
        st.button("Log out", key="auth.logout", on_click=st.logout)
    else:
        st.caption("Your conversations are tied to this page's link. Log in to keep them across devices.")
        st.button("Log in", key="auth.login", on_click=st.login)
