"""Content problems: each names a file and line, what is wrong and what to do."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# A problem before it knows its file: (line, "what is wrong. What to do") without the final stop.
Finding = tuple[int, str]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LintWarning(Problem):
    """Something a writer should look at that does not stop the content being served: a
    heuristic, such as an answer that can be guessed from its length. `course check-content`
    prints it; with --strict it fails."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.message}"


class ContentError(Exception):
    """The content has problems; the app must not start with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def problems_in(file: str, findings: Iterable[Finding]) -> list[Problem]:
    """Turn findings in one file into problems, each message ending with a full stop."""
    return [Problem(file, line, message.rstrip(".") + ".") for line, message in findings]


def read_and_check(
    path: Path, file: str, reader: Callable[[str], tuple[T | None, list[Finding]]]
) -> tuple[T | None, list[Problem]]:
    """Read one content file as UTF-8 text and check it with `reader`; `file` is the name its
    problems are reported under."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(file, 1, "the file is not UTF-8 text. Save it as UTF-8.")]
    found, findings = reader(text)
    return found, problems_in(file, findings)


def warnings_in(file: str, findings: Iterable[Finding]) -> list[LintWarning]:
    """Turn findings in one file into warnings, each message ending with a full stop."""
    return [LintWarning(file, line, message.rstrip(".") + ".") for line, message in findings]
