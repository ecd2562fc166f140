"""Grading quiz answers: pure functions from an item and a choice to a result."""

from __future__ import annotations

from dataclasses import dataclass

from course.content.schema import Item, Option


class InvalidChoice(ValueError):
    """The submitted choice does not fit the item; the message says what to do."""


@dataclass(frozen=True)
class OptionResult:
    """One option after answering: was it chosen, was it right, and why."""

    option: Option
    chosen: bool

    @property
    def verdict(self) -> str:
        """How this option counts: 'right', 'wrong', 'missed' or 'neutral'."""
        if self.chosen:
            return "right" if self.option.correct else "wrong"
        return "missed" if self.option.correct else "neutral"


@dataclass(frozen=True)
class Grade:
    """The result of one answer: fully right or not, a score from 0 to 1, and every option."""

    correct: bool
    score: float
    options: tuple[OptionResult, ...]


def parse_choice(item: Item, submitted: list[str]) -> frozenset[str]:
    """The option ids a learner chose, checked against the item."""
    known = {option.id for option in item.options}
    chosen = frozenset(submitted)
    if not chosen:
        raise InvalidChoice(
            "Choose an answer, then press Check."
            if item.type == "choice"
            else "Choose at least one answer, then press Check."
        )
    if not chosen <= known or (item.type == "choice" and len(chosen) > 1):
        raise InvalidChoice("That answer is not one of the options. Choose again.")
    return chosen


def grade(item: Item, chosen: frozenset[str]) -> Grade:
    """Grade a choice: multi items earn partial credit, minus one for each wrong pick."""
    results = tuple(OptionResult(option, option.id in chosen) for option in item.options)
    right = {option.id for option in item.options if option.correct}
    hits = len(chosen & right)
    false_alarms = len(chosen - right)
    score = max(0.0, (hits - false_alarms) / len(right))
    return Grade(correct=chosen == right, score=score, options=results)


def encode_choice(chosen: frozenset[str]) -> str:
    """A stored form of a choice: sorted ids, comma-separated."""
    return ",".join(sorted(chosen))


def decode_choice(stored: str) -> frozenset[str]:
    """The choice a stored answer holds."""
    return frozenset(part for part in stored.split(",") if part)
