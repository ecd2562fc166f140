"""Learner cookie: a random token and a country, signed; the token stored only as a hash."""

from __future__ import annotations

from course.learning.identity import (
    LearnerCookie,
    decode_cookie,
    encode_cookie,
    hash_token,
    new_token,
)


def test_tokens_carry_128_bits_and_differ() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 22 for token in tokens)  # 16 bytes in base64url


def test_cookie_round_trips_only_with_the_same_secret() -> None:
    value = encode_cookie(LearnerCookie("abc", "ie"), "secret-one")
    assert decode_cookie(value, "secret-one") == LearnerCookie("abc", "ie")
    assert decode_cookie(value, "secret-two") == LearnerCookie()


def test_a_cookie_can_hold_a_country_before_the_learner_starts() -> None:
    value = encode_cookie(LearnerCookie(country="au"), "s")
    assert decode_cookie(value, "s") == LearnerCookie(token="", country="au")


def test_tampered_or_malformed_values_give_an_empty_cookie() -> None:
    value = encode_cookie(LearnerCookie("abc", "uk"), "s")
    assert decode_cookie(value.replace("abc:uk", "abc:us"), "s") == LearnerCookie()
    for bad in (None, "", "abc", "a.b.c", "abc.0123", "abc:uk.é", "é:uk." + "0" * 32):
        assert decode_cookie(bad, "s") == LearnerCookie()


def test_hash_is_hex_sha256_and_not_the_token() -> None:
    digest = hash_token("abc")
    assert len(digest) == 64
    assert "abc" not in digest
