"""Learner tokens: random, signed, stored only as a hash."""

from __future__ import annotations

from course.learning.identity import hash_token, new_token, sign, unsign


def test_tokens_carry_128_bits_and_differ() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 22 for token in tokens)  # 16 bytes in base64url


def test_signed_value_round_trips_only_with_the_same_secret() -> None:
    value = sign("abc", "secret-one")
    assert unsign(value, "secret-one") == "abc"
    assert unsign(value, "secret-two") is None


def test_tampered_or_malformed_values_are_refused() -> None:
    value = sign("abc", "s")
    assert unsign("abd" + value[3:], "s") is None
    for bad in (None, "", "abc", "a.b.c"):
        assert unsign(bad, "s") is None


def test_hash_is_hex_sha256_and_not_the_token() -> None:
    digest = hash_token("abc")
    assert len(digest) == 64
    assert "abc" not in digest
