"""Teachers' passwords: Argon2id hashes, and which passwords are refused (and why, in words).

Hashes use OWASP's Argon2id parameters (Password Storage Cheat Sheet): 19 MiB of memory, two
passes, one lane, through pwdlib over argon2-cffi. pwdlib's own `recommended()` hasher uses
64 MiB and four lanes; OWASP's set is as strong a choice for a login and costs a third of
the memory per sign-in, which matters when a staff room signs in at once.

A password is refused when it is shorter than 8 or longer than 128 characters, or when zxcvbn
(its bundled lists of the most used and leaked passwords, names and words) scores it below 3 of
4: guessable within about a million tries by an attacker who has stolen the hashes. There are
no composition rules (no "one capital and one digit"): length and rarity are what count.
"""

from __future__ import annotations

from collections.abc import Iterable

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from zxcvbn import zxcvbn

MIN_LENGTH = 8
SUGGESTED_LENGTH = 15
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn's scale: 0 (too guessable) to 4 (very unguessable)
ZXCVBN_MAX_LENGTH = MAX_LENGTH  # zxcvbn's own default stops at 72 characters

HASHER = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19 * 1024, parallelism=1),))
# Checked against when no account has the email, so that a sign-in takes as long either way.
UNUSABLE_HASH = HASHER.hash("no account has this password")

TOO_SHORT = f"Your password must be at least {MIN_LENGTH} characters long."
TOO_LONG = f"Your password must be {MAX_LENGTH} characters or fewer."
TOO_COMMON = (
    "Choose a password that is harder to guess: this one is among the passwords people use "
    "most often or that have been leaked, or is close to one, or contains your name, school "
    "or email. Three or four unrelated words together make a good one."
)


def hash_password(password: str) -> str:
    """The Argon2id hash to store (`$argon2id$v=19$m=19456,t=2,p=1$…`)."""
    return HASHER.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches the hash; with no hash, take as long and say no."""
    if password_hash is None:
        HASHER.verify(password, UNUSABLE_HASH)
        return False
    return HASHER.verify(password, password_hash)


def password_problem(password: str, *, about: Iterable[str] = ()) -> str | None:
    """What is wrong with a new password, in words, or None when it will do.

    `about` holds what the password must not lean on: the teacher's name, school and email.
    """
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    texts = [text.lower() for text in about if text]
    words = texts + [word for text in texts for word in text.replace("@", " ").split()]
    words += [text.replace(" ", "") for text in texts if " " in text]  # "adalovelace2024"
    result = zxcvbn(password, user_inputs=words, max_length=ZXCVBN_MAX_LENGTH)
    if int(result["score"]) < MIN_SCORE:
        return TOO_COMMON
    return None
