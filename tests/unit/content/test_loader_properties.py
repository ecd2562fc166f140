"""Properties of the content loader, over generated files: any quiz (YAML) or lesson
(Markdown) file, however broken, is either loaded or reported, each problem with its file, a
line and a message, and nothing else is ever raised; and valid generated quizzes load as the
items they were written as."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content.loader import ContentError, Problem, load_catalogue
from tests.unit.content.content_fixtures import LESSON_ONE, QUIZ, write_valid_tree

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
KEYS = [
    "slug",
    "lesson",
    "title",
    "items",
    "id",
    "type",
    "prompt",
    "options",
    "text",
    "correct",
    "feedback",
    "audiences",
    "explanation",
    "order",
    "summary",
    "quiz",
    "key_messages",
    "minutes",
    "content_note",
    "nodes",
    "start",
    "steps",
    "unknown",
]
ODD_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(["", "\u202e", "\ufeff", "\x00", "e\u0301", "🙂" * 50, "x" * 5000, "- [", "{{"])
SCALARS = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | ODD_TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)


def edited(text: str) -> st.SearchStrategy[str]:
    """A valid file with one line replaced, removed, duplicated or added, or cut short."""
    lines = text.splitlines(keepends=True)
    where = st.integers(0, len(lines) - 1)

    def replace(n: int, new: str) -> str:
        return "".join([*lines[:n], new + "\n", *lines[n + 1 :]])

    def remove(n: int) -> str:
        return "".join(lines[:n] + lines[n + 1 :])

    def double(n: int) -> str:
        return "".join(lines[: n + 1] + lines[n:])

    def add(n: int, new: str) -> str:
        return "".join([*lines[:n], new + "\n", *lines[n:]])

    def change_value(n: int, value: object) -> str:
        key, colon, _ = lines[n].partition(":")
        if not colon:
            return text
        dumped = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
        dumped = dumped.removesuffix("...").strip()
        return replace(n, f"{key}: {dumped}")

    return st.one_of(
        st.builds(replace, where, ODD_TEXT),
        st.builds(remove, where),
        st.builds(double, where),
        st.builds(add, where, ODD_TEXT),
        st.builds(change_value, where, VALUES),
        st.builds(lambda n: text[:n], st.integers(0, len(text))),
    )


def yaml_of(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


QUIZ_FILES = st.one_of(edited(QUIZ), VALUES.map(yaml_of), ODD_TEXT)
LESSON_FILES = st.one_of(
    edited(LESSON_ONE),
    st.builds(lambda meta, body: f"---\n{yaml_of(meta)}---\n\n{body}\n", VALUES, ODD_TEXT),
    st.builds(lambda body: LESSON_ONE + body, ODD_TEXT | st.just("\n```audience 11-13\nopen")),
    ODD_TEXT,
)


def outcome(write: Callable[[Path], Path]) -> list[Problem]:
    """What the real loader makes of a tree: its problems (none when it loads). Anything it
    raises but ContentError fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            load_catalogue(write(Path(folder)))
        except ContentError as error:
            assert error.problems, "a ContentError names its problems"
            return error.problems
    return []


def assert_reported(problems: list[Problem]) -> None:
    for problem in problems:
        assert problem.file and (problem.file.startswith(("lessons/", "quizzes/")))
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.message.strip() and problem.message.endswith(".")
        assert "Traceback" not in problem.message


@PROPERTY
@given(QUIZ_FILES)
def test_any_quiz_file_is_loaded_or_reported(text: str) -> None:
    assert_reported(outcome(lambda root: write_valid_tree(root, quiz=text)))


@PROPERTY
@given(LESSON_FILES)
def test_any_lesson_file_is_loaded_or_reported(text: str) -> None:
    assert_reported(outcome(lambda root: write_valid_tree(root, lesson_one=text)))


def test_a_control_character_in_a_quiz_is_reported_on_its_line(tmp_path: Path) -> None:
    """Found by the properties above: PyYAML refuses a control character before it parses,
    and that error escaped the loader (a traceback from `course check-content`)."""
    broken = QUIZ.replace("title: Check what you know", "title: Check what\x1f you know")
    problems = outcome(lambda root: write_valid_tree(root, quiz=broken))
    assert [(p.file, p.line) for p in problems] == [("quizzes/what-is-sextortion.yaml", 3)]
    assert "U+001F" in problems[0].message


WORDS = st.sampled_from(["the", "boy", "cat", "ran", "home", "fast", "help", "is", "red", "sun"])
SENTENCE = st.lists(WORDS, min_size=3, max_size=6).map(lambda w: " ".join(w).capitalize() + ".")
IDS = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)


@st.composite
def choice_items(draw: st.DrawFn) -> dict[str, object]:
    """A valid choice or multi question: unique option ids, the right ones marked."""
    kind = draw(st.sampled_from(["choice", "multi"]))
    ids = draw(st.lists(IDS, min_size=2, max_size=4, unique=True))
    right = draw(st.sets(st.sampled_from(ids), min_size=1, max_size=1 if kind == "choice" else 2))
    options = [
        {"id": o, "text": draw(SENTENCE), "correct": o in right, "feedback": draw(SENTENCE)}
        for o in ids
    ]
    return {"type": kind, "prompt": draw(SENTENCE), "options": options}


@settings(PROPERTY, max_examples=50)
@given(st.lists(choice_items(), min_size=1, max_size=4), st.lists(IDS, min_size=4, unique=True))
def test_a_valid_generated_quiz_loads_as_written(
    items: list[dict[str, object]], item_ids: list[str]
) -> None:
    written = [
        {"id": f"q-{item_id}", **item} for item_id, item in zip(item_ids, items, strict=False)
    ]
    quiz = {"slug": "what-is-sextortion", "lesson": "what-is-sextortion", "title": "Check"}
    text = yaml_of({**quiz, "items": written})
    with tempfile.TemporaryDirectory() as folder:
        catalogue = load_catalogue(write_valid_tree(Path(folder), quiz=text))
    loaded = catalogue.quiz("what-is-sextortion")
    assert loaded is not None
    assert [item.id for item in loaded.items] == [item["id"] for item in written]
    for item, source in zip(loaded.items, written, strict=True):
        assert item.type == source["type"]
        options = source["options"]
        assert isinstance(options, list)
        assert [(o.id, o.correct) for o in item.options] == [
            (o["id"], o["correct"]) for o in options
        ]


def test_an_item_type_that_is_a_list_is_reported_on_its_line() -> None:
    """Found by the properties above: `type: [choice]` looked up a list among the item types,
    and the loader raised TypeError (unhashable) instead of naming the line."""
    broken = QUIZ.replace("    type: choice", "    type: [choice]")
    problems = outcome(lambda root: write_valid_tree(root, quiz=broken))
    assert [(p.file, p.line) for p in problems] == [("quizzes/what-is-sextortion.yaml", 6)]
    assert "unknown item type" in problems[0].message
