"""Who owns a conversation: a visitor token carried in the page's link, or a signed-in user."""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlsplit, urlunsplit

VISITOR_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
"""What a visitor token looks like: URL-safe, long enough that nobody guesses another visitor's."""


def mint_visitor_token() -> str:
    """A new, unguessable visitor token."""
    return secrets.token_urlsafe(24)


def is_visitor_token(token: str | None) -> bool:
    """Whether a token has the shape of one this app mints."""
    return bool(token) and VISITOR_TOKEN.match(token) is not None


def visitor_token(*candidates: str | None) -> str:
    """The first valid token among the candidates (session, then URL), else a new one."""
    return next((token for token in candidates if is_visitor_token(token)), None) or mint_visitor_token()


def visitor_owner(token: str) -> str:
    """The owner name under which a visitor's conversations are stored."""
    return f"visitor:{token}"


def user_owner(email: str | None, subject: str | None) -> str:
    """The owner name of a signed-in user: the email, else the identity provider's subject."""
    return f"user:{email or subject}"


def token_from_link(text: str) -> str | None:
    """The visitor token in a pasted personal link (or a bare token), or None when there is none."""
    text = text.strip()
    if is_visitor_token(text):
        return text
    query = urlsplit(text if "://" in text else f"http://x/{text.lstrip('/')}").query
    found = parse_qs(query).get("v", [])
    return found[0] if found and is_visitor_token(found[0]) else None


def personal_link(page_url: str, token: str) -> str:
    """The address that brings a visitor's conversations back: the page's address (without its query) and token."""
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or ("/" if parts.netloc else ""), f"v={token}", ""))
