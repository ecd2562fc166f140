"""The course's "what to do" steps: lessons/steps.yaml, read once and shown in one order.

Every page that lists the steps draws them from here: a lesson's ```what-to-do block (all the
steps, or the ones it names), the card, the course's last page, a chat's endings, and the order
items that name a step with `step:`.
"""

from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from course.content import lint
from course.content.field_checks import check_fields
from course.content.formats import Audience, OrderEntry, Slug, Strict, Text
from course.content.lessons import LessonDraft
from course.content.located_yaml import LineMap, read_yaml
from course.content.markdown import body_blocks, render_inline
from course.content.problems import Finding, Problem, read_and_check
from course.content.quizzes import QuizDraft
from course.content.schema import CanonicalStep, StepList, StepWording

STEPS_FILE = "lessons/steps.yaml"


class WordingEntry(Strict):
    """A band's own wording of a step: its text, its detail, or both."""

    text: Text | None = None
    detail: Text | None = None


class StepsEntry(Strict):
    """One step as written: an id, a short text, an optional detail, wording per band."""

    id: Slug
    text: Text
    detail: Text | None = None
    bands: dict[Audience, WordingEntry] = Field(default_factory=dict)


class StepsFile(Strict):
    steps: list[StepsEntry] = Field(min_length=1)


def read_steps(text: str) -> tuple[StepList | None, list[Finding]]:
    """Check lessons/steps.yaml; return the steps, rendered, if it is usable, and findings."""
    data, lines, findings = read_yaml(text)
    if data is None:
        return None, findings or [(1, "the steps file is empty. Add `steps:` and a list of steps")]
    written, field_findings = check_fields(StepsFile, data, lines)
    findings += field_findings
    if written is None:
        return None, findings
    findings += list(_duplicates(written, lines)) + list(_text_findings(written, lines))
    if findings:
        return None, findings
    return StepList(steps=tuple(_build(entry) for entry in written.steps)), []


def _build(entry: StepsEntry) -> CanonicalStep:
    wording = StepWording(
        text_html=render_inline(entry.text),
        detail_html=render_inline(entry.detail) if entry.detail else None,
    )
    bands = {
        band: StepWording(
            text_html=render_inline(own.text or entry.text),
            detail_html=render_inline(own.detail or entry.detail or "") or None,
        )
        for band, own in entry.bands.items()
    }
    return CanonicalStep(id=entry.id, wording=wording, bands=bands)


def _duplicates(written: StepsFile, lines: LineMap) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, entry in enumerate(written.steps):
        if entry.id in seen:
            yield (
                lines.of("steps", index, "id"),
                f"step id `{entry.id}` is used twice. Give each step its own id",
            )
        seen.add(entry.id)


def _text_findings(written: StepsFile, lines: LineMap) -> Iterator[Finding]:
    """The lint rules (links, raw HTML, tone, statistics) over every text a learner reads."""
    for index, entry in enumerate(written.steps):
        texts: list[tuple[tuple[str, ...], str | None]] = [
            (("text",), entry.text),
            (("detail",), entry.detail),
        ]
        texts += [
            (("bands", band, field), getattr(own, field))
            for band, own in entry.bands.items()
            for field in ("text", "detail")
        ]
        for where, text in texts:
            if not text:
                continue
            line = lines.text_of("steps", index, *where)
            yield from lint.lint_body(list(body_blocks(text, first_line=line)))


def read_steps_file(content_dir: Path) -> tuple[StepList | None, list[Problem]]:
    """Read and check lessons/steps.yaml under content_dir; a missing file is a problem too."""
    path = content_dir / STEPS_FILE
    if not path.is_file():
        fix = "Add it, with the steps of what to do in the order every page shows them"
        return None, [
            Problem(STEPS_FILE, 0, f"the steps file is missing. {fix} (docs/CONTENT.md).")
        ]
    return read_and_check(path, STEPS_FILE, read_steps)


def check_what_to_do_blocks(lesson: LessonDraft) -> list[Finding]:
    """Each ```what-to-do block names only steps the steps file has."""
    steps = lesson.steps
    known = steps.ids() if steps else ()
    findings: list[Finding] = []
    for line, token in body_blocks(lesson.body, first_line=lesson.body_line):
        words = token.info.split() if token.type == "fence" else []
        if words[:1] != ["what-to-do"]:
            continue
        if steps is None:
            continue  # the steps file is missing or broken, as reported
        findings += [
            (line, f"unknown step `{word}`. Use one of the ids in {STEPS_FILE}: {', '.join(known)}")
            for word in words[1:]
            if word not in known
        ]
    return findings


def check_order_steps(quiz: QuizDraft, steps: StepList | None) -> list[Finding]:
    """Each `step:` in an order item names a step the steps file has."""
    known = steps.ids() if steps else ()
    findings: list[Finding] = []
    for index, item in quiz.items:
        if not isinstance(item, OrderEntry):
            continue
        for number, step in enumerate(item.steps):
            if step.step is not None and step.step not in known:
                findings.append(
                    (
                        quiz.lines.of("items", index, "steps", number, "step"),
                        f"unknown step `{step.step}` in item `{item.id}`. Use one of the ids in "
                        f"{STEPS_FILE}: {', '.join(known) or '(the file is missing)'}",
                    )
                )
    return findings
