"""Visitor tokens and owner names: who a conversation belongs to."""

import pytest

from chat_core.identity import (
    is_visitor_token,
    mint_visitor_token,
    personal_link,
    token_from_link,
    user_owner,
    visitor_owner,
    visitor_token,
)

GOOD = "AbCdEfGhIjKlMnOpQrStUvWx_-12"


def test_minted_tokens_are_valid_and_never_repeat():
    tokens = {mint_visitor_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(is_visitor_token(token) for token in tokens)


@pytest.mark.parametrize(
    "token",
    ["", None, "short", "x" * 65, "has space in it padding padding", "semi;colon_padding_padding_pad", "ü" * 30],
)
def test_malformed_tokens_are_refused(token):
    assert not is_visitor_token(token)


def test_the_first_valid_candidate_wins_and_nothing_valid_mints_a_new_one():
    assert visitor_token(None, "bad", GOOD) == GOOD
    fresh = visitor_token(None, "bad")
    assert is_visitor_token(fresh) and fresh != GOOD


def test_owner_names_keep_visitors_and_users_apart():
    assert visitor_owner(GOOD) == f"visitor:{GOOD}"
    assert user_owner("ada@example.com", "sub-1") == "user:ada@example.com"
    assert user_owner(None, "sub-1") == "user:sub-1"


@pytest.mark.parametrize(
    "pasted",
    [
        f"http://localhost:8501/?v={GOOD}",
        f"https://chat.example.org/Tutor?c=123e4567-e89b-12d3-a456-426614174000&v={GOOD}",
        f"  /Chatbot?v={GOOD}  ",
        f"?v={GOOD}",
        GOOD,
    ],
)
def test_a_pasted_link_gives_back_its_token(pasted):
    assert token_from_link(pasted) == GOOD


@pytest.mark.parametrize("pasted", ["", "http://localhost:8501/", "http://localhost:8501/?v=short", "hello there"])
def test_a_link_without_a_valid_token_gives_none(pasted):
    assert token_from_link(pasted) is None


@pytest.mark.parametrize(
    ("page_url", "link"),
    [
        ("http://localhost:8501/", f"http://localhost:8501/?v={GOOD}"),
        ("http://localhost:8501", f"http://localhost:8501/?v={GOOD}"),
        ("", f"?v={GOOD}"),
        ("http://localhost:8501/Tutor", f"http://localhost:8501/Tutor?v={GOOD}"),
        ("http://localhost:8501/Tutor?c=123#top", f"http://localhost:8501/Tutor?v={GOOD}"),
    ],
)
def test_the_personal_link_is_the_page_with_the_token_and_round_trips(page_url, link):
    assert personal_link(page_url, GOOD) == link
    assert token_from_link(link) == GOOD
