"""Two-factor sign-in: a TOTP authenticator app (RFC 6238, through pyotp) and recovery codes.

Setting up: the teacher scans a QR code (drawn here as SVG, with no inline style, so our CSP
holds) or types the secret, then proves it with a code. Ten recovery codes are shown once and
kept only as hashes; each signs in once instead of a code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import secrets

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update
from sqlmodel import Session, col

from course.schools.models import RecoveryCode, Teacher

ISSUER = "Stop sextortion course"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
QR_LABEL = "QR code to scan with your authenticator app"


def new_secret() -> str:
    """A fresh 160-bit TOTP secret, in base32 (32 characters)."""
    return pyotp.random_base32()


def spaced(secret: str) -> str:
    """The secret in groups of four, to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_secret(typed: str) -> str:
    """A secret as the form sent it back: spaces gone, capitals."""
    return re.sub(r"\s+", "", typed).upper()


def is_secret(value: str) -> bool:
    """Whether a value can be a secret made by new_secret (a form field can hold anything)."""
    return bool(re.fullmatch(r"[A-Z2-7]{32}", value))


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """The QR code for data as inline SVG: classes and presentation attributes, no style."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=4,
        svgclass="qr-code",
        lineclass="qr-code__dark",
        dark="#000",
        light="#fff",
    )
    svg = buffer.getvalue().decode("ascii")
    if "style" in svg:  # segno's output has none today; refuse to ship one the CSP would block
        raise ValueError("the QR code's SVG carries a style")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{QR_LABEL}" ', 1)


def code_step(secret: str | None, code: str, at: dt.datetime | None = None) -> int | None:
    """The 30-second step a six-digit code is right for: now, or one step either side (for a
    phone's clock a little out); None when it is right for none of them.

    The caller accepts a step only once (spend_code_step), so a code seen over a shoulder or
    in a proxy's log cannot sign in again within its minute and a half."""
    digits = re.sub(r"\s+", "", code)
    if not secret or not re.fullmatch(r"[0-9]{6}", digits):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at or dt.datetime.now(dt.UTC))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def spend_code_step(teacher_id: int, step: int, *, session: Session) -> bool:
    """Record that a code of this step signed the teacher in: True when no code of this step
    or a later one had (in one UPDATE, so two requests at once cannot both spend it)."""
    result = session.execute(
        update(Teacher)
        .where(
            col(Teacher.id) == teacher_id,
            or_(col(Teacher.totp_last_step).is_(None), col(Teacher.totp_last_step) < step),
        )
        .values(totp_last_step=step)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes, `xxxxx-xxxxx` (about 49 bits each)."""
    return [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODES)
    ]


def hash_recovery_code(teacher_id: int, code: str) -> str:
    """A recovery code's hash, keyed by its teacher (a code is typed loosely: any case,
    with or without its hyphen or spaces)."""
    plain = re.sub(r"[\s-]+", "", code).lower()
    return hmac.new(str(teacher_id).encode(), plain.encode(), hashlib.sha256).hexdigest()


def replace_recovery_codes(teacher_id: int, codes: list[str], *, session: Session) -> None:
    """Keep (the hashes of) these codes as the teacher's only recovery codes."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.teacher_id) == teacher_id))
    for code in codes:
        session.add(
            RecoveryCode(teacher_id=teacher_id, code_hash=hash_recovery_code(teacher_id, code))
        )


def recovery_codes_left(teacher_id: int, *, session: Session) -> int:
    """How many of the teacher's recovery codes are still unused."""
    query = select(func.count()).where(col(RecoveryCode.teacher_id) == teacher_id)
    return int(session.execute(query).scalar_one())


def use_recovery_code(teacher_id: int, code: str, *, session: Session) -> bool:
    """Spend a recovery code: True when it was one of the teacher's, and now is not."""
    if len(code) > 40:
        return False
    result = session.execute(
        delete(RecoveryCode).where(
            col(RecoveryCode.teacher_id) == teacher_id,
            col(RecoveryCode.code_hash) == hash_recovery_code(teacher_id, code),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def forget_recovery_codes(teacher_id: int, *, session: Session) -> None:
    """Delete every recovery code of the teacher (two-factor sign-in turned off)."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.teacher_id) == teacher_id))
