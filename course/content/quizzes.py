"""Read one quiz file: its fields, and each item's type, options and answers."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from course.content import lint
from course.content.field_checks import check_fields
from course.content.formats import ITEM_ENTRIES, ChoiceEntry, QuizFile
from course.content.located_yaml import LineMap, Location, read_yaml
from course.content.markdown import body_blocks
from course.content.problems import Finding

MIN_OPTIONS, MAX_OPTIONS = 2, 6


@dataclass(frozen=True)
class QuizDraft:
    """A well-formed quiz, before cross-file checks and rendering."""

    file: str
    quiz: QuizFile
    items: tuple[tuple[int, ChoiceEntry], ...]  # (position in the file's items, item)
    lines: LineMap


def read_quiz(file: str, text: str) -> tuple[QuizDraft | None, list[Finding]]:
    """Check one quiz file; return the draft (if every part is usable) and all findings."""
    data, lines, findings = read_yaml(text)
    if data is None:
        return None, findings or [(1, "the quiz file is empty. Add slug, lesson, title, items")]
    quiz, field_findings = check_fields(QuizFile, data, lines)
    findings += field_findings
    entries = data.get("items") if isinstance(data, dict) else None
    items: list[tuple[int, ChoiceEntry]] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        item, item_findings = read_item(entry, lines, ("items", index))
        findings += item_findings
        if item is not None:
            items.append((index, item))
    if quiz is None:
        return None, findings
    findings += _check_file_name(file, quiz.slug, lines)
    # Keep the usable items, so the checks across files still see them.
    return QuizDraft(file, quiz, tuple(items), lines), findings


def read_item(entry: Any, lines: LineMap, at: Location) -> tuple[ChoiceEntry | None, list[Finding]]:
    """Check one quiz item: a known type, its fields, its options and which are correct."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if kind is not None and kind not in ITEM_ENTRIES:
        allowed = ", ".join(f"`{name}`" for name in ITEM_ENTRIES)
        return None, [(lines.of(*at, "type"), f"unknown item type `{kind}`. Use one of {allowed}")]
    item, findings = check_fields(ITEM_ENTRIES.get(str(kind), ChoiceEntry), entry, lines, at)
    if item is None:
        return None, findings
    return item, _check_options(item, lines, at) + _lint_texts(item, lines, at)


def _check_options(item: ChoiceEntry, lines: LineMap, at: Location) -> list[Finding]:
    """Check the number of options, their ids, and how many are correct."""
    return list(_option_findings(item, lines, at))


def _option_findings(item: ChoiceEntry, lines: LineMap, at: Location) -> Iterator[Finding]:
    count = len(item.options)
    if not MIN_OPTIONS <= count <= MAX_OPTIONS:
        yield (
            lines.of(*at, "options"),
            (
                f"item `{item.id}` has {count} option{'s' * (count != 1)}. "
                f"Give it {MIN_OPTIONS} to {MAX_OPTIONS} options"
            ),
        )
    seen: set[str] = set()
    for index, option in enumerate(item.options):
        if option.id in seen:
            yield (
                lines.of(*at, "options", index, "id"),
                (
                    f"option id `{option.id}` is used twice in item `{item.id}`. "
                    "Give each option its own id"
                ),
            )
        seen.add(option.id)
    correct = [index for index, option in enumerate(item.options) if option.correct]
    if item.type == "choice" and len(correct) > 1:
        yield (
            lines.of(*at, "options", correct[1], "correct"),
            (
                f"choice item `{item.id}` has {len(correct)} correct options; a choice item has "
                "exactly one. Mark only one `correct: true`, or make it `type: multi`"
            ),
        )
    elif not correct:
        how_many = "one" if item.type == "choice" else "at least one"
        yield (
            lines.of(*at, "options"),
            (
                f"{item.type} item `{item.id}` has no correct option. "
                f"Mark {how_many} option `correct: true`"
            ),
        )


def _lint_texts(item: ChoiceEntry, lines: LineMap, at: Location) -> list[Finding]:
    """Run the lint rules (links, raw HTML) over the item's prompt, options and feedback."""
    texts = [(lines.of(*at, "prompt"), item.prompt)]
    if item.explanation:
        texts.append((lines.of(*at, "explanation"), item.explanation))
    for index, option in enumerate(item.options):
        texts.append((lines.of(*at, "options", index, "text"), option.text))
        texts.append((lines.of(*at, "options", index, "feedback"), option.feedback))
    return [
        finding
        for line, text in texts
        for finding in lint.lint_body(list(body_blocks(text, first_line=line)))
    ]


def _check_file_name(file: str, slug: str, lines: LineMap) -> list[Finding]:
    """A quiz's file name is its slug: quizzes/slug.yaml."""
    name = file.rsplit("/", 1)[-1]
    if name == f"{slug}.yaml":
        return []
    return [
        (
            lines.of("slug"),
            f"the file name `{name}` does not match the slug `{slug}`. "
            f"Rename the file to {slug}.yaml",
        )
    ]
