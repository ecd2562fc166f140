"""Fuzzing the teacher account operations (signing up and in, passwords, two factors, the
school and its invitations): see tests/fuzz/teachers.py."""

from __future__ import annotations

import pytest

from course.content.schema import Catalogue
from tests.fuzz.harness import Fuzzer, operations
from tests.fuzz.teachers import CLASS_PREFIXES, fuzz_teacher_operation, teacher_fuzzer

__all__ = ["teacher_fuzzer"]

ACCOUNT_OPERATIONS = [
    label for label in operations("/teachers") if not label.split(" ")[1].startswith(CLASS_PREFIXES)
]


@pytest.mark.parametrize("label", ACCOUNT_OPERATIONS)
def test_teacher_account_operation_never_fails(
    label: str, teacher_fuzzer: tuple[Fuzzer, str], catalogue: Catalogue
) -> None:
    fuzz_teacher_operation(label, teacher_fuzzer, catalogue, ACCOUNT_OPERATIONS.index(label))
