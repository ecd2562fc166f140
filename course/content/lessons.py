"""Read one lesson file: front matter, file name and body checks."""

import re
from dataclasses import dataclass

from course.content import lint
from course.content.field_checks import check_fields
from course.content.formats import LessonFrontMatter
from course.content.located_yaml import LineMap, read_yaml
from course.content.markdown import body_blocks, check_structure
from course.content.problems import Finding
from course.content.schema import StepList

FILE_NAME = re.compile(r"^\d{2}-(.+)\.md$")
DELIMITER = "---"


@dataclass(frozen=True)
class LessonDraft:
    """A lesson whose front matter is well-formed, before cross-file checks and rendering."""

    file: str
    front: LessonFrontMatter
    lines: LineMap
    body: str
    body_line: int = 1  # the file line the body starts on
    steps: StepList | None = None  # the course's steps, which a ```what-to-do block shows


@dataclass(frozen=True)
class SplitLesson:
    front_matter: str
    body: str
    body_line: int


def read_lesson(file: str, text: str) -> tuple[LessonDraft | None, list[Finding]]:
    """Check one lesson file; return the draft (if its front matter is usable) and findings."""
    split, findings = split_front_matter(text)
    if split is None:
        return None, findings
    data, lines, findings = read_yaml(split.front_matter, first_line=2, root_line=1)
    front = None
    if data is not None:
        front, field_findings = check_fields(LessonFrontMatter, data, lines)
        findings += field_findings
    elif not findings:
        findings.append((1, "the front matter is empty. Add the fields listed in docs/CONTENT.md"))
    findings += [(split.body_line + line - 1, what) for line, what in check_body(split.body)]
    if front is None:
        return None, findings
    findings += _check_file_name(file, front.slug, lines)
    return LessonDraft(file, front, lines, split.body, split.body_line), findings


def split_front_matter(text: str) -> tuple[SplitLesson | None, list[Finding]]:
    """Split a lesson into front matter and body, remembering the body's first line."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != DELIMITER:
        return None, [(1, "the file must start with a `---` line. Put the front matter first")]
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == DELIMITER:
            front, body = "".join(lines[1:index]), "".join(lines[index + 1 :])
            return SplitLesson(front, body, body_line=index + 2), []
    return None, [(1, "the front matter has no closing `---` line. Add one before the body")]


def check_body(body: str) -> list[Finding]:
    """Check a lesson body's structure and run the lint rules; lines count from the body."""
    blocks = list(body_blocks(body))
    return sorted(check_structure(blocks) + lint.lint_body(blocks), key=lambda f: f[0])


def _check_file_name(file: str, slug: str, lines: LineMap) -> list[Finding]:
    """A lesson's file name is NN-slug.md, with the slug from its front matter."""
    name = file.rsplit("/", 1)[-1]
    match = FILE_NAME.match(name)
    if match and match.group(1) == slug:
        return []
    return [
        (
            lines.of("slug"),
            f"the file name `{name}` does not match the slug `{slug}`. "
            f"Rename the file to NN-{slug}.md, where NN is two digits",
        )
    ]
