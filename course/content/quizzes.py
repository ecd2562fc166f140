"""Read one quiz file: its fields, and each item's type, options and answers."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from course.content import lint
from course.content.field_checks import check_fields
from course.content.formats import (
    ITEM_ENTRIES,
    BranchingEntry,
    ChoiceEntry,
    ItemEntry,
    OrderEntry,
    PartEntry,
    QuizFile,
    RedFlagsEntry,
)
from course.content.graph_checks import graph_problems
from course.content.items import build_branching
from course.content.located_yaml import LineMap, Location, read_yaml
from course.content.markdown import body_blocks, check_structure
from course.content.order_checks import order_findings
from course.content.problems import Finding

MIN_OPTIONS, MAX_OPTIONS = 2, 6
RESERVED_ITEM_IDS = ("summary",)  # /lessons/<slug>/quiz/summary is the quiz's summary page


@dataclass(frozen=True)
class QuizDraft:
    """A well-formed quiz, before cross-file checks and rendering."""

    file: str
    quiz: QuizFile
    items: tuple[tuple[int, ItemEntry], ...]  # (position in the file's items, item)
    lines: LineMap


def read_quiz(file: str, text: str) -> tuple[QuizDraft | None, list[Finding]]:
    """Check one quiz file; return the draft (if every part is usable) and all findings."""
    data, lines, findings = read_yaml(text)
    if data is None:
        return None, findings or [(1, "the quiz file is empty. Add slug, lesson, title, items")]
    quiz, field_findings = check_fields(QuizFile, data, lines)
    findings += field_findings
    entries = data.get("items") if isinstance(data, dict) else None
    items: list[tuple[int, ItemEntry]] = []
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


def read_item(entry: Any, lines: LineMap, at: Location) -> tuple[ItemEntry | None, list[Finding]]:
    """Check one quiz item: a known type, its fields, and the rules of its type."""
    kind = entry.get("type") if isinstance(entry, dict) else None
    if kind is not None and (not isinstance(kind, str) or kind not in ITEM_ENTRIES):
        allowed = ", ".join(f"`{name}`" for name in ITEM_ENTRIES)
        return None, [(lines.of(*at, "type"), f"unknown item type `{kind}`. Use one of {allowed}")]
    item, findings = check_fields(ITEM_ENTRIES.get(str(kind), ChoiceEntry), entry, lines, at)
    if item is None:
        return None, findings
    if item.id in RESERVED_ITEM_IDS:
        reserved = (
            f"item id `{item.id}` is the address of the quiz's summary page. Choose another id"
        )
        return None, [(lines.of(*at, "id"), reserved)]
    if isinstance(item, ChoiceEntry):
        findings = list(_option_findings(item, lines, at))
    elif isinstance(item, RedFlagsEntry):
        findings = list(_red_flags_findings(item, lines, at))
    elif isinstance(item, BranchingEntry):
        findings = _branching_findings(item, lines, at)
    elif isinstance(item, OrderEntry):
        findings = list(order_findings(item, lines, at))
    return item, findings + _lint_texts(item, lines, at)


def _option_findings(item: ChoiceEntry, lines: LineMap, at: Location) -> Iterator[Finding]:
    """Check the number of options, their ids, and how many are correct."""
    count = len(item.options)
    if not MIN_OPTIONS <= count <= MAX_OPTIONS:
        yield (
            lines.of(*at, "options"),
            (
                f"item `{item.id}` has {count} option{'s' * (count != 1)}. "
                f"Give it {MIN_OPTIONS} to {MAX_OPTIONS} options"
            ),
        )
    yield from _duplicate_ids(
        [(option.id, ("options", index)) for index, option in enumerate(item.options)],
        lines,
        at,
        f"option id `{{}}` is used twice in item `{item.id}`. Give each option its own id",
    )
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


def _duplicate_ids(
    ids: list[tuple[str, Location]], lines: LineMap, at: Location, message: str
) -> Iterator[Finding]:
    """Report each id used before in `ids`, at the later use; `message` has a {} for the id."""
    seen: set[str] = set()
    for some_id, where in ids:
        if some_id in seen:
            yield (lines.of(*at, *where, "id"), message.format(some_id))
        seen.add(some_id)


def _red_flags_findings(item: RedFlagsEntry, lines: LineMap, at: Location) -> Iterator[Finding]:
    """Something to judge: a profile or chat, parts with unique ids, flags and non-flags."""
    if item.profile is None and not item.chat:
        yield (
            lines.of(*at),
            f"red-flags item `{item.id}` has neither a `profile` nor a `chat`. "
            "Add one or both, with the parts a learner can select",
        )
        return
    if item.profile is not None and not item.profile.parts:
        yield (
            lines.of(*at, "profile", "parts"),
            f"the profile in item `{item.id}` has no parts. Add the parts a learner can select "
            "under `parts:`",
        )
    parts: list[tuple[PartEntry, Location]] = [
        (part, ("profile", "parts", index))
        for index, part in enumerate(item.profile.parts if item.profile else [])
    ]
    parts += [(part, ("chat", index)) for index, part in enumerate(item.chat)]
    yield from _duplicate_ids(
        [(part.id, where) for part, where in parts],
        lines,
        at,
        f"part id `{{}}` is used twice in item `{item.id}`. Give each part its own id",
    )
    if parts and not any(part.flag for part, _ in parts):
        yield (
            lines.of(*at),
            f"red-flags item `{item.id}` has no part marked `flag: true`. Mark the warning "
            "signs `flag: true`; there must be at least one",
        )
    elif parts and all(part.flag for part, _ in parts):
        yield (
            lines.of(*at),
            f"every part of red-flags item `{item.id}` is a warning sign. Add at least one part "
            "with `flag: false`, so there is something to judge",
        )


def _branching_findings(item: BranchingEntry, lines: LineMap, at: Location) -> list[Finding]:
    """Unique ids, ending texts, then the graph: every path can reach an ending."""
    findings = list(
        _duplicate_ids(
            [(node.id, ("nodes", index)) for index, node in enumerate(item.nodes)],
            lines,
            at,
            f"node id `{{}}` is used twice in item `{item.id}`. Give each node its own id",
        )
    )
    for index, node in enumerate(item.nodes):
        findings += _duplicate_ids(
            [(choice.id, ("nodes", index, "choices", n)) for n, choice in enumerate(node.choices)],
            lines,
            at,
            f"choice id `{{}}` is used twice in node `{node.id}`. Give each choice its own id",
        )
        if node.text:
            findings += _check_ending_text(node.text, lines.text_of(*at, "nodes", index, "text"))
    if findings:
        return findings  # the graph cannot be followed reliably until these are fixed
    return graph_problems(build_branching(item, lines, at, ()))


def _check_ending_text(text: str, line: int) -> list[Finding]:
    """An ending's text is a small body: the course's blocks, but no `#` or audience blocks."""
    findings = []
    for block_line, token in body_blocks(text, first_line=line):
        if token.type == "fence" and token.info.split()[:1] == ["audience"]:
            findings.append(
                (
                    block_line,
                    "an `audience` block is not allowed in an ending's text. Give the item "
                    "`audiences:` instead, or write text that suits everyone who sees it",
                )
            )
    return check_structure(list(body_blocks(text, first_line=line))) + findings


def _lint_texts(item: ItemEntry, lines: LineMap, at: Location) -> list[Finding]:
    """Run the lint rules (links, raw HTML) over every Markdown text of the item."""
    texts = [(lines.text_of(*at, *where), text) for where, text in _texts(item)]
    return [
        finding
        for line, text in texts
        for finding in lint.lint_body(list(body_blocks(text, first_line=line)))
    ]


def _texts(item: ItemEntry) -> Iterator[tuple[Location, str]]:
    """Every Markdown text of an item, with where it is written."""
    yield ("prompt",), item.prompt
    if item.explanation:
        yield ("explanation",), item.explanation
    if isinstance(item, ChoiceEntry):
        for index, option in enumerate(item.options):
            yield ("options", index, "text"), option.text
            yield ("options", index, "feedback"), option.feedback
    elif isinstance(item, RedFlagsEntry):
        parts: list[tuple[Location, PartEntry]] = [
            (("profile", "parts", index), part)
            for index, part in enumerate(item.profile.parts if item.profile else [])
        ]
        parts += [(("chat", index), part) for index, part in enumerate(item.chat)]
        for where, part in parts:
            yield (*where, "text"), part.text
            yield (*where, "explanation"), part.explanation
    elif isinstance(item, BranchingEntry):
        for index, node in enumerate(item.nodes):
            for number, message in enumerate(node.messages):
                yield ("nodes", index, "messages", number, "text"), message.text
            for number, choice in enumerate(node.choices):
                yield ("nodes", index, "choices", number, "text"), choice.text
            if node.text:
                yield ("nodes", index, "text"), node.text
    elif isinstance(item, OrderEntry):
        for index, step in enumerate(item.steps):
            if step.text:
                yield ("steps", index, "text"), step.text
            if step.reason:
                yield ("steps", index, "reason"), step.reason
        for index, rule in enumerate(item.constraints):
            yield ("constraints", index, "why"), rule.why


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
