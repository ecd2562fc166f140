"""Grading quiz answers: pure functions from an item and a choice to a result."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from course.content.schema import (
    ChoiceItem,
    Constraint,
    Option,
    OrderItem,
    Part,
    RedFlagsItem,
    Step,
)

NOT_AN_OPTION = "That answer is not one of the options. Choose again."


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


def parse_choice(item: ChoiceItem, submitted: list[str]) -> frozenset[str]:
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
        raise InvalidChoice(NOT_AN_OPTION)
    return chosen


def grade(item: ChoiceItem, chosen: frozenset[str]) -> Grade:
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


# --- red-flags -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlagsGrade:
    """Warning signs found and missed, and parts picked that are not warning signs."""

    found: tuple[Part, ...]
    missed: tuple[Part, ...]
    false_alarms: tuple[Part, ...]
    correct: bool
    score: float


def parse_red_flags(item: RedFlagsItem, submitted: list[str]) -> frozenset[str]:
    """The part ids a learner selected, checked against the item."""
    chosen = frozenset(submitted)
    if not chosen:
        raise InvalidChoice("Select the parts you think are warning signs, then press Check.")
    if not chosen <= {part.id for part in item.parts()}:
        raise InvalidChoice(NOT_AN_OPTION)
    return chosen


def grade_red_flags(item: RedFlagsItem, chosen: frozenset[str]) -> RedFlagsGrade:
    """Each flag found counts one, each false alarm takes one off; parts keep the item's order."""
    parts = item.parts()
    found = tuple(part for part in parts if part.flag and part.id in chosen)
    missed = tuple(part for part in parts if part.flag and part.id not in chosen)
    false_alarms = tuple(part for part in parts if not part.flag and part.id in chosen)
    flags = len(found) + len(missed)
    correct = not missed and not false_alarms
    # Content always has a flag; the fallback keeps a stored answer to changed content safe.
    fallback = 1.0 if correct else 0.0
    score = max(0.0, (len(found) - len(false_alarms)) / flags) if flags else fallback
    return RedFlagsGrade(found, missed, false_alarms, correct=correct, score=score)


# --- order ---------------------------------------------------------------------------------

ORDER_FIELD = "position-{}"
_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")  # 1 to 9999, never a huge int()


@dataclass(frozen=True)
class PairResult:
    """One ordering that matters, and whether the learner kept it."""

    constraint: Constraint
    first: Step
    then: Step
    kept: bool


@dataclass(frozen=True)
class OrderGrade:
    """Fully right (every pair that matters the right way round) or not, the share of those
    pairs kept, the learner's order, and each pair."""

    correct: bool
    score: float
    order: tuple[Step, ...]  # as the learner put them
    pairs: tuple[PairResult, ...]  # in the item's order

    @property
    def wrong_way_round(self) -> tuple[PairResult, ...]:
        """The pairs the learner put the wrong way round."""
        return tuple(pair for pair in self.pairs if not pair.kept)

    @property
    def kept(self) -> int:
        """How many of the pairs that matter the learner had the right way round."""
        return sum(1 for pair in self.pairs if pair.kept)

    def places(self) -> tuple[StepPlace, ...]:
        """Each step in the learner's order, with the pairs it belongs to (for the feedback)."""
        return tuple(
            StepPlace(
                step,
                tuple(pair for pair in self.pairs if step.id in (pair.first.id, pair.then.id)),
            )
            for step in self.order
        )


@dataclass(frozen=True)
class StepPlace:
    """One step of a learner's order, judged only against the steps it is paired with."""

    step: Step
    pairs: tuple[PairResult, ...]

    @property
    def mark(self) -> str:
        """'free' (no pair ties it), 'good' (every pair kept) or 'wrong' (a pair the wrong way)."""
        if not self.pairs:
            return "free"
        return "good" if all(pair.kept for pair in self.pairs) else "wrong"

    def after(self, *, wrong_only: bool = False) -> tuple[Step, ...]:
        """The steps this one must come after (only those it is wrongly before, if asked)."""
        return tuple(
            pair.first
            for pair in self.pairs
            if pair.then.id == self.step.id and not (wrong_only and pair.kept)
        )

    def before(self, *, wrong_only: bool = False) -> tuple[Step, ...]:
        """The steps this one must come before (only those it is wrongly after, if asked)."""
        return tuple(
            pair.then
            for pair in self.pairs
            if pair.first.id == self.step.id and not (wrong_only and pair.kept)
        )


def parse_order(item: OrderItem, form: Mapping[str, object]) -> tuple[str, ...]:
    """The step ids in the learner's order, from fields `position-<step id>` holding 1 to n.

    `form` can be the request's form data as it is; other fields are ignored.
    """
    count = len(item.steps)
    values = {step.id: _text(form.get(ORDER_FIELD.format(step.id))) for step in item.steps}
    if not all(values.values()):
        raise InvalidChoice("Give every step a position, then press Check.")
    positions: dict[str, int] = {}
    for step_id, value in values.items():
        if not _WHOLE_NUMBER.fullmatch(value) or not 1 <= int(value) <= count:
            raise InvalidChoice(f"Give each step a position from 1 to {count}, then press Check.")
        positions[step_id] = int(value)
    used: dict[int, int] = {}
    for position in positions.values():
        used[position] = used.get(position, 0) + 1
    twice = sorted(position for position, times in used.items() if times > 1)
    if twice:
        raise InvalidChoice(
            f"Position {twice[0]} is given to more than one step. Give each step its own position."
        )
    return tuple(sorted(positions, key=positions.__getitem__))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def grade_order(item: OrderItem, order: tuple[str, ...]) -> OrderGrade:
    """Any order that keeps every constraint is right; partial credit is the share kept.

    Ids the item no longer has are ignored and steps missing from `order` go last, so a stored
    answer to since-edited content still grades.
    """
    known = [step.id for step in item.steps]
    given = [step_id for step_id in dict.fromkeys(order) if step_id in known]
    given += [step_id for step_id in known if step_id not in given]
    place = {step_id: index for index, step_id in enumerate(given)}
    pairs = tuple(
        PairResult(rule, first, then, kept=place[rule.first] < place[rule.then])
        for rule in item.constraints
        if (first := item.step(rule.first)) is not None
        and (then := item.step(rule.then)) is not None
    )
    kept = sum(1 for pair in pairs if pair.kept)
    score = kept / len(pairs) if pairs else 1.0
    steps = {step.id: step for step in item.steps}
    return OrderGrade(
        correct=kept == len(pairs),
        score=score,
        order=tuple(steps[step_id] for step_id in given),
        pairs=pairs,
    )


def encode_order(order: tuple[str, ...]) -> str:
    """A stored form of an order: the step ids comma-separated, in the learner's order."""
    return ",".join(order)


def decode_order(stored: str) -> tuple[str, ...]:
    """The order a stored answer holds."""
    return tuple(part for part in stored.split(",") if part)
