"""TOTP codes, the QR code's SVG, and recovery codes' shape and hashing."""

from __future__ import annotations

import datetime as dt

import pyotp

from course.schools.two_factor import (
    code_step,
    hash_recovery_code,
    is_secret,
    new_recovery_codes,
    new_secret,
    normalise_secret,
    provisioning_uri,
    qr_svg,
    spaced,
)


def test_a_code_is_right_now_and_one_step_either_side_only_and_names_its_step() -> None:
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    at = dt.datetime(2026, 12, 1, 9, 0, 10, tzinfo=dt.UTC)
    now = at.timestamp()
    step = int(now) // 30
    assert code_step(secret, totp.at(now), at) == step
    assert code_step(secret, totp.at(now - 30), at) == step - 1
    assert code_step(secret, totp.at(now + 30), at) == step + 1
    assert code_step(secret, " ".join([totp.at(now)[:3], totp.at(now)[3:]]), at) == step
    assert code_step(secret, totp.at(now - 120), at) is None
    for garbage in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert code_step(secret, garbage, at) is None
    assert code_step(None, totp.at(now), at) is None


def test_a_secret_survives_being_typed_in_groups() -> None:
    secret = new_secret()
    assert is_secret(secret) and len(secret) == 32
    assert normalise_secret(spaced(secret).lower()) == secret
    assert not is_secret("not a secret")


def test_the_qr_code_is_svg_without_style_and_with_a_label() -> None:
    svg = qr_svg(provisioning_uri(new_secret(), "ada@school.example"))
    assert svg.startswith('<svg role="img" aria-label=')
    assert "style" not in svg and "<script" not in svg and "ada@school" not in svg
    assert 'class="qr-code"' in svg


def test_the_address_in_the_app_names_the_course() -> None:
    uri = provisioning_uri("A" * 32, "ada@school.example")
    assert uri.startswith("otpauth://totp/Stop%20sextortion%20course:ada%40school.example?")


def test_recovery_codes_are_ten_distinct_and_hashed_loosely_per_teacher() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    code = codes[0]
    assert hash_recovery_code(1, code) == hash_recovery_code(1, code.upper().replace("-", " "))
    assert hash_recovery_code(1, code) != hash_recovery_code(2, code)
