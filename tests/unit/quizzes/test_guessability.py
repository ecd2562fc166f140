"""Guessability of the real course: a learner who always picks the first option shown, or always
the longest, scores no more than chance on its choice and multi items, in every band.

Chance is what a learner who knows nothing gets by answering at random: for a choice item 1/n
(n options); for a multi item the mean score of a non-empty subset of the options picked at
random, under the course's grading (hits minus false alarms over the right answers, never below
0). A guesser ticks one option on every item. Learners are simulated with random ids, as
`random_learner_id` makes them, and see the options in the order the quiz page shows them.

Rerun these with `pytest -k guessing` after changing a quiz's options.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pytest

from course.content.guessing import reading_length
from course.content.loader import load_catalogue
from course.content.schema import AUDIENCES, Catalogue, ChoiceItem, Option
from course.quizzes.grading import grade
from course.quizzes.items import displayed_options, shuffle_key
from course.settings import REPO_ROOT

LEARNERS = 1000
Pick = Callable[[Sequence[Option]], Option]


@dataclass(frozen=True)
class Asked:
    """A choice or multi item as one band meets it, and the quiz and file it is in."""

    quiz_slug: str
    file: str
    item: ChoiceItem


@cache
def shipped() -> Catalogue:
    return load_catalogue(REPO_ROOT)


def asked_in(catalogue: Catalogue, band: str) -> list[Asked]:
    """Every choice and multi item a learner in this band meets on the course."""
    return [
        Asked(quiz.slug, quiz.file, item)
        for lesson in catalogue.lessons_for(band)
        if lesson.quiz and (quiz := catalogue.quiz(lesson.quiz)) is not None
        for item in quiz.items_for(band)
        if isinstance(item, ChoiceItem)
    ]


def chance(item: ChoiceItem) -> float:
    """What a random answer scores on average (see the module's docstring)."""
    ids = [option.id for option in item.options]
    if item.type == "choice":
        return 1 / len(ids)
    subsets = [
        frozenset(chosen)
        for size in range(1, len(ids) + 1)
        for chosen in itertools.combinations(ids, size)
    ]
    return sum(grade(item, chosen).score for chosen in subsets) / len(subsets)


def first_shown(options: Sequence[Option]) -> Option:
    return options[0]


def longest_shown(options: Sequence[Option]) -> Option:
    """The longest option; of equally long ones, the first shown."""
    return max(options, key=lambda option: reading_length(option.text_html))


def mean_score(asked: Asked, pick: Pick, learner_ids: Sequence[int]) -> float:
    """The mean score of learners who answer with `pick` on the options as each sees them."""
    total = 0.0
    for learner_id in learner_ids:
        shown = displayed_options(
            asked.item, shuffle_key(learner_id, asked.quiz_slug, asked.item.id)
        )
        total += grade(asked.item, frozenset({pick(shown).id})).score
    return total / len(learner_ids)


def learner_ids(count: int = LEARNERS) -> list[int]:
    picker = random.Random(11)
    return [picker.randrange(1, 2**63) for _ in range(count)]


def report(band: str, rows: list[tuple[Asked, float]], strategy: str) -> str:
    """Which items score above chance for a guesser, with file:line and why."""
    lines = [f"for {band}, always picking the {strategy} option beats chance on:"]
    for asked, score in rows:
        item = asked.item
        lengths = ", ".join(
            f"{'right' if o.correct else 'wrong'} {reading_length(o.text_html)}"
            for o in item.options
        )
        lines.append(
            f"  {asked.file}:{item.line} {item.id} ({item.type}): scores {score:.2f} against "
            f"chance {chance(item):.2f}; option lengths {lengths}"
        )
    return "\n".join(lines)


def above_chance(
    asked: list[Asked], pick: Pick, ids: Sequence[int]
) -> tuple[float, float, list[tuple[Asked, float]]]:
    """The guesser's total and chance's total over the items, and every item with the
    guesser's mean score, those above chance first."""
    scores = [(a, mean_score(a, pick, ids)) for a in asked]
    total = sum(score for _, score in scores)
    expected = sum(chance(a.item) for a in asked)
    return total, expected, sorted(scores, key=lambda row: row[1] <= chance(row[0].item) + 1e-9)


def beating_chance(rows: list[tuple[Asked, float]]) -> list[tuple[Asked, float]]:
    return [(a, score) for a, score in rows if score > chance(a.item) + 1e-9]


# --- how chance and the guessers are worked out ----------------------------------------------


def test_guessing_chance_of_a_multi_item_is_the_mean_score_of_a_random_subset() -> None:
    options = tuple(
        Option(id=i, text_html=i, correct=i in "abc", feedback_html="why") for i in "abcde"
    )
    item = ChoiceItem(
        id="m",
        type="multi",
        prompt_html="Which?",
        audiences=("adult",),
        explanation_html=None,
        line=1,
        options=options,
    )
    # 31 subsets; their scores (hits minus false alarms, over 3, never below 0) add to 23/3.
    assert chance(item) == pytest.approx(23 / 3 / 31)


def test_guessing_longest_guesser_is_caught_on_a_planted_item() -> None:
    item = ChoiceItem(
        id="c",
        type="choice",
        prompt_html="Which?",
        audiences=("adult",),
        explanation_html=None,
        line=3,
        options=(
            Option(id="a", text_html="Pay", correct=False, feedback_html="why"),
            Option(
                id="b",
                text_html="Stop, save the chat, tell someone",
                correct=True,
                feedback_html="why",
            ),
            Option(id="c", text_html="Reply", correct=False, feedback_html="why"),
        ),
    )
    total, expected, rows = above_chance(
        [Asked("q", "quizzes/q.yaml", item)], longest_shown, learner_ids(50)
    )
    assert total == 1.0 and expected == pytest.approx(1 / 3)
    assert "quizzes/q.yaml:3 c (choice): scores 1.00 against chance 0.33" in report(
        "adult", beating_chance(rows), "longest"
    )


# --- the real course -----------------------------------------------------------------------


@pytest.mark.parametrize("band", AUDIENCES)
def test_guessing_first_option_learner_scores_at_most_chance(band: str) -> None:
    """Holds because every learner's options are shuffled: each option comes first as often."""
    asked = asked_in(shipped(), band)
    assert asked, f"{band} meets no choice or multi items"
    ids = learner_ids()
    total, expected, rows = above_chance(asked, first_shown, ids)
    assert total <= expected, f"{band}: the first option scores {total:.2f}, chance {expected:.2f}"
    for one, score in rows:
        if one.item.type == "choice":  # shuffled fairly: near 1/n for every item
            assert score == pytest.approx(chance(one.item), abs=0.06), one.item.id


@pytest.mark.parametrize("band", AUDIENCES)
def test_guessing_longest_option_learner_scores_at_most_chance(band: str) -> None:
    """Depends on the content: the right answer must not usually be the longest."""
    asked = asked_in(shipped(), band)
    total, expected, rows = above_chance(asked, longest_shown, learner_ids(200))
    assert total <= expected, (
        f"{report(band, beating_chance(rows), 'longest')}\n"
        f"in all: {total:.2f} marks against chance {expected:.2f} over {len(asked)} items"
    )
