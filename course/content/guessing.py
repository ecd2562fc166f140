"""Warnings about choice and multi answers that can be guessed without knowing them.

These are heuristics, so they warn (`course check-content` prints them; `--strict` fails on
them) rather than refuse the content. Lengths are counted in characters of the text a learner
reads (Markdown marks and link addresses left out). The rules and their thresholds:

- an item whose every right answer is more than LONGER (1.5) times as long as its longest wrong
  answer: the length gives the answer away;
- a quiz in which, of at least MIN_ITEMS choice items, more than QUIZ_SHARE (half) have the
  right answer as the strictly longest option; and the same across the course for each band, at
  more than COURSE_SHARE (40%; chance is about a third with three options);
- a wrong answer nobody would pick: shorter than a third (SHORT) of the right answer's length
  (a multi item's: the mean of its right answers), or matching a THROWAWAY pattern (a joke,
  "nothing", telling everyone, sharing a password, threatening them back, an absolute word
  shouted in capitals or emphasised). Some short answers are real mistakes (a service's name
  where another service is right): a `# plausible` comment on the option's `text:` line says
  so, and the rule leaves that option alone;
- a wrong answer that blames the victim in more than one item across the course: one such
  answer is a useful attitude check, more of them teach learners to skip the "blame" option;
- an option that points at other options by place ("all of the above"): each learner sees
  the options in an order of their own, so "above" means nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from course.content.located_yaml import LineMap, read_yaml
from course.content.problems import LintWarning, warnings_in
from course.content.schema import AUDIENCES, Catalogue, ChoiceItem, Quiz

LONGER = 1.5
MIN_ITEMS = 4
QUIZ_SHARE = 0.5
COURSE_SHARE = 0.4
SHORT = 1 / 3
PLAUSIBLE = "# plausible"

_ABSOLUTES = r"only|always|never|all|every|everyone|nobody|nothing|definitely|must"
THROWAWAY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bjok(?:e|es|ing)\b|\b(?:lol|haha)\b", re.I), "it is a joke"),
    (re.compile(r"^\W*(?:do )?(?:nothing|none)\s*(?:$|[,.;:!])", re.I), "it says to do nothing"),
    (
        re.compile(r"\btell (?:lots of|all (?:your|their|his|her)|everyone|every)\b", re.I),
        "it tells everyone",
    ),
    (re.compile(r"\bshare (?:the|your|their|his|her|a) password", re.I), "it shares a password"),
    (re.compile(r"\bthreaten\w* (?:them|the criminal|him|her) back\b", re.I), "it threatens back"),
    (re.compile(rf"\b(?:{_ABSOLUTES.upper()})\b"), "it shouts an absolute word in capitals"),
    (
        re.compile(rf"<(?:strong|em)>\s*(?:{_ABSOLUTES})\b", re.I),
        "it emphasises an absolute word",
    ),
)
BLAME = re.compile(
    r"\b(?:her|his|their|your|my|\w+'s) (?:own )?fault\b"
    r"|\bmust have (?:done|posted|sent|said) something\b"
    r"|\bdeserved?\b|\basked for it\b|^\W*\w+, for sending\b|\bboth of them\b",
    re.I,
)
BY_PLACE = re.compile(
    r"\b(?:all|both|none|neither|any|either) of the (?:above|below)\b"
    r"|\bthe (?:ones?|answers?|options?) (?:above|below)\b"
    r"|\b(?:first|last|previous|next) (?:one|answer|option)\b",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Answer:
    """One option as the rules see it: what a learner reads, and where it is written."""

    text: str
    html: str
    correct: bool
    line: int
    plausible: bool


def reading_length(text_html: str) -> int:
    """How long an option reads: the characters of its words, spaces between them."""
    return len(" ".join(html.unescape(_TAG.sub("", text_html)).split()))


def check_guessing(catalogue: Catalogue, content_dir: Path) -> list[LintWarning]:
    """Every guessing warning in the course, in file and line order."""
    found: list[LintWarning] = []
    blamed: list[tuple[str, int]] = []
    for quiz in _in_course_order(catalogue):
        answers = _answers(quiz, content_dir)
        findings = []
        for item in _choice_items(quiz):
            options = answers[item.id]
            findings += check_longer(item, options) + check_throwaways(item, options)
            findings += check_by_place(item, options)
            blaming = [a.line for a in options if not a.correct and BLAME.search(a.text)]
            blamed += [(quiz.file, blaming[0])] if blaming else []  # one per item
        findings += check_quiz_share(quiz)
        found += warnings_in(quiz.file, findings)
    found += check_repeated_blame(blamed)
    found += check_course_share(catalogue)
    return sorted(found, key=lambda warning: (warning.file, warning.line))


def _in_course_order(catalogue: Catalogue) -> list[Quiz]:
    """Every quiz, those of lessons in lesson order first, so "the first" means the course's."""
    by_lesson = sorted(catalogue.lessons, key=lambda lesson: lesson.order)
    ordered = [q for lesson in by_lesson if lesson.quiz and (q := catalogue.quiz(lesson.quiz))]
    rest = [quiz for quiz in catalogue.quizzes.values() if quiz not in ordered]
    return ordered + sorted(rest, key=lambda quiz: quiz.file)


def check_longer(item: ChoiceItem, options: list[Answer]) -> list[tuple[int, str]]:
    """Warn when every right answer is much longer than every wrong one."""
    right = [reading_length(a.html) for a in options if a.correct]
    wrong = [reading_length(a.html) for a in options if not a.correct]
    if not right or not wrong or min(right) <= LONGER * max(wrong):
        return []
    which = "the right answer is" if item.type == "choice" else "every right answer is"
    return [
        (
            item.line,
            f"in `{item.id}` {which} more than {LONGER:g} times as long as every wrong one "
            f"({min(right)} characters against at most {max(wrong)}), so it can be guessed "
            "from its length. Make the wrong answers as full and careful as the right one, "
            "or the right one shorter",
        )
    ]


def check_throwaways(item: ChoiceItem, options: list[Answer]) -> list[tuple[int, str]]:
    """Warn about wrong answers that nobody would pick: much shorter, or a throwaway."""
    right = [reading_length(a.html) for a in options if a.correct]
    if not right:
        return []
    mean_right = sum(right) / len(right)
    findings = []
    for answer in options:
        if answer.correct or answer.plausible:
            continue
        length = reading_length(answer.html)
        reasons = [why for pattern, why in THROWAWAY if pattern.search(answer.html)]
        if length < SHORT * mean_right:
            reasons.append(
                f"it is under a third of the right answer's length "
                f"({length} against {mean_right:.0f})"
            )
        if reasons:
            findings.append(
                (
                    answer.line,
                    f"in `{item.id}` the wrong answer “{answer.text}” looks like one nobody "
                    f"would pick: {'; '.join(reasons)}. Write a mistake people really make "
                    f"(see docs/CONTENT.md), or add `{PLAUSIBLE}` to its `text:` line if it is one",
                )
            )
    return findings


def check_by_place(item: ChoiceItem, options: list[Answer]) -> list[tuple[int, str]]:
    """Warn about options that point at others by their place, which shuffling changes."""
    return [
        (
            answer.line,
            f"in `{item.id}` the option “{answer.text}” points at other options by their place, "
            "but each learner sees the options in their own order. Name what it means instead",
        )
        for answer in options
        if BY_PLACE.search(answer.text)
    ]


def check_quiz_share(quiz: Quiz) -> list[tuple[int, str]]:
    """Warn when, in one quiz, the right answer is usually the longest option."""
    items = [item for item in _choice_items(quiz) if item.type == "choice"]
    longest = [item.id for item in items if right_is_longest(item)]
    if len(items) < MIN_ITEMS or len(longest) <= QUIZ_SHARE * len(items):
        return []
    line = min(item.line for item in items)
    return [
        (
            line,
            f"in {len(longest)} of this quiz's {len(items)} choice items the right answer is the "
            f"longest option ({', '.join(f'`{i}`' for i in longest)}), so always picking the "
            f"longest scores well. Keep it to at most half: make some wrong answers the longest",
        )
    ]


def check_course_share(catalogue: Catalogue) -> list[LintWarning]:
    """Warn when, across a band's whole course, the right answer is often the longest."""
    found = []
    for band in AUDIENCES:
        items = [
            item
            for lesson in catalogue.lessons_for(band)
            if lesson.quiz and (quiz := catalogue.quiz(lesson.quiz)) is not None
            for item in quiz.items_for(band)
            if isinstance(item, ChoiceItem) and item.type == "choice"
        ]
        longest = sum(right_is_longest(item) for item in items)
        if len(items) >= MIN_ITEMS and longest > COURSE_SHARE * len(items):
            message = (
                f"for {band} the right answer is the longest option in {longest} of "
                f"{len(items)} choice items, more than {COURSE_SHARE:.0%}, so always picking the "
                "longest beats chance. Make more wrong answers the longest"
            )
            found += warnings_in("quizzes/", [(0, message)])
    return found


def check_repeated_blame(blamed: list[tuple[str, int]]) -> list[LintWarning]:
    """Warn about each victim-blaming wrong answer after the first in the course (`blamed` is
    in course order, one per item)."""
    if len(blamed) < 2:
        return []
    (first_file, first_line), *rest = blamed
    message = (
        f"a wrong answer that blames the victim is already asked at {first_file}:{first_line}; "
        "one is a useful attitude check, more teach learners to skip the blaming option. "
        "Replace this one with a mistake people really make"
    )
    return [warning for file, line in rest for warning in warnings_in(file, [(line, message)])]


def right_is_longest(item: ChoiceItem) -> bool:
    """Whether a choice item's right answer is strictly longer than every other option."""
    right = [reading_length(o.text_html) for o in item.options if o.correct]
    wrong = [reading_length(o.text_html) for o in item.options if not o.correct]
    return bool(right and wrong) and min(right) > max(wrong)


def _choice_items(quiz: Quiz) -> list[ChoiceItem]:
    return [item for item in quiz.items if isinstance(item, ChoiceItem)]


def _answers(quiz: Quiz, content_dir: Path) -> dict[str, list[Answer]]:
    """Each choice item's options, with the file line of each, read again from the quiz file."""
    text = (content_dir / quiz.file).read_text(encoding="utf-8")
    data, lines, _ = read_yaml(text)
    raw_lines = text.splitlines()
    entries = {
        entry.get("id"): index
        for index, entry in enumerate(data.get("items", []) if isinstance(data, dict) else [])
        if isinstance(entry, dict)
    }
    answers: dict[str, list[Answer]] = {}
    for item in _choice_items(quiz):
        index = entries.get(item.id)
        answers[item.id] = [
            _answer(option.text_html, option.correct, lines, raw_lines, index, n, item.line)
            for n, option in enumerate(item.options)
        ]
    return answers


def _answer(
    text_html: str,
    correct: bool,
    lines: LineMap,
    raw_lines: list[str],
    index: int | None,
    n: int,
    item_line: int,
) -> Answer:
    if index is None:  # the file changed since the catalogue was read
        line = text_line = item_line
    else:
        line = lines.of("items", index, "options", n)
        text_line = lines.of("items", index, "options", n, "text")
    raw = raw_lines[text_line - 1] if 0 < text_line <= len(raw_lines) else ""
    words = " ".join(html.unescape(_TAG.sub("", text_html)).split())
    return Answer(words, text_html, correct, line, PLAUSIBLE in raw)
