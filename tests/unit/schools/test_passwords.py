"""Passwords: OWASP's Argon2id parameters, and which passwords are refused, in plain words."""

from __future__ import annotations

import pytest

from course.schools.passwords import (
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    hash_password,
    password_problem,
    verify_password,
)


def test_hashes_are_argon2id_with_owasp_parameters_and_salted() -> None:
    first, second = (
        hash_password("violet tractor umbrella"),
        hash_password("violet tractor umbrella"),
    )
    assert first.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert first != second
    assert verify_password("violet tractor umbrella", first)
    assert not verify_password("violet tractor umbrellA", first)


def test_without_a_hash_the_answer_is_no() -> None:
    assert not verify_password("anything at all", None)


@pytest.mark.parametrize(
    "password", ["Password123", "password", "qwertyuiop", "P@ssw0rd!", "iloveyou12", "12345678"]
)
def test_common_and_leaked_passwords_are_refused(password: str) -> None:
    assert password_problem(password) == TOO_COMMON


def test_a_password_built_on_the_teachers_own_details_is_refused() -> None:
    about = ("Sarah Jones", "Greenfield Academy", "sarah.jones@greenfield.example")
    for password in ("sarahjones1", "Greenfield2024!", "sarah.jones@greenfield.example"):
        assert password_problem(password, about=about) == TOO_COMMON, password


def test_length_limits_and_no_composition_rules() -> None:
    assert password_problem("abc1234") == TOO_SHORT
    assert password_problem("x" * 129) == TOO_LONG
    assert password_problem("marble kettle orchard lighthouse") is None  # no digits or capitals
    long_one = "the quiet otter reads maps beside a lantern at night, " * 2  # 110 characters
    assert len(long_one.strip()) <= 128 and password_problem(long_one.strip()) is None


def test_the_message_says_what_to_do() -> None:
    assert "Three or four unrelated words" in TOO_COMMON
    assert "15" not in TOO_SHORT and "at least 8 characters" in TOO_SHORT
