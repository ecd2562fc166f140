"""Guessing warnings (course/content/guessing.py): each rule's planted mistake is warned of with
its file and line, a balanced quiz is not, and `check-content` fails on them only with --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.cli import main
from course.content.guessing import check_guessing
from course.content.loader import load_catalogue
from course.content.problems import LintWarning
from tests.unit.content.content_fixtures import QUIZ_FILE, write_valid_tree

Options = list[tuple[str, bool]]

# Three items whose right answer is not the longest: a quiz of them is warned of nothing.
BALANCED: list[tuple[str, str, Options]] = [
    (
        "q-first-step",
        "choice",
        [
            ("Pay once, so that they stop and go away", False),
            ("Stop replying and tell an adult", True),
            ("Block them at once, before saving anything", False),
        ],
    ),
    (
        "q-delete",
        "choice",
        [
            ("Delete the photo from the phone so it cannot be used", False),
            ("Keep it, and ask for help to get it removed", True),
            ("Send it to a friend to ask what they think", False),
        ],
    ),
    (
        "q-help",
        "multi",
        [
            ("Childline, on 0800 1111", True),
            ("The CEOP Safety Centre", True),
            ("Report the fake account to the police", False),
            ("Ask a friend to pretend to be the police", False),
        ],
    ),
]


def quiz(items: list[tuple[str, str, Options]]) -> str:
    """A quiz file with these items, each option with feedback."""
    lines = ["slug: what-is-sextortion", "lesson: what-is-sextortion", "title: Check", "items:"]
    for item_id, kind, options in items:
        lines += [
            f"  - id: {item_id}",
            f"    type: {kind}",
            "    prompt: Which one?",
            "    options:",
        ]
        for n, (text, correct) in enumerate(options):
            lines += [
                f"      - id: o{n}",
                f"        text: {text}",
                f"        correct: {'true' if correct else 'false'}",
                "        feedback: Here is why.",
            ]
    return "\n".join(lines) + "\n"


def line_of(text: str, needle: str) -> int:
    """The file line of the first line holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def warnings_for(
    root: Path, items: list[tuple[str, str, Options]]
) -> tuple[str, list[LintWarning]]:
    text = quiz(items)
    content_dir = write_valid_tree(root, quiz=text)
    return text, check_guessing(load_catalogue(content_dir), content_dir)


def about(warnings: list[LintWarning], words: str) -> list[tuple[str, int]]:
    """Where the warnings that say `words` are."""
    return [(w.file, w.line) for w in warnings if words in w.message]


def test_a_balanced_quiz_is_warned_of_nothing(tmp_path: Path) -> None:
    assert warnings_for(tmp_path, BALANCED)[1] == []


def test_a_right_answer_much_longer_than_every_wrong_one_is_warned(tmp_path: Path) -> None:
    planted = (
        "q-long",
        "choice",
        [
            ("Pay them", False),
            ("Stop replying, save the chat and tell an adult you trust", True),
            ("Reply and beg them to stop", False),
        ],
    )
    text, warnings = warnings_for(tmp_path, [*BALANCED, planted])
    assert about(warnings, "more than 1.5 times as long") == [
        (QUIZ_FILE, line_of(text, "- id: q-long"))
    ]
    assert str(warnings[0]).startswith(f"{QUIZ_FILE}:{line_of(text, '- id: q-long')}: warning: ")


def test_a_multi_item_whose_right_answers_all_are_much_longer_is_warned(tmp_path: Path) -> None:
    planted = (
        "q-multi-long",
        "multi",
        [
            ("Screenshot the chat, the profile and the username", True),
            ("Tell an adult you trust, such as a carer or a coach", True),
            ("Pay them", False),
            ("Reply to them", False),
        ],
    )
    text, warnings = warnings_for(tmp_path, [*BALANCED, planted])
    assert about(warnings, "every right answer is more than 1.5 times") == [
        (QUIZ_FILE, line_of(text, "- id: q-multi-long"))
    ]


def test_a_quiz_where_the_right_answer_is_usually_the_longest_is_warned(tmp_path: Path) -> None:
    longest = [
        (
            f"q-longest-{n}",
            "choice",
            [
                ("Pay them what they ask", False),
                ("Tell an adult you trust today", True),
                ("Reply and ask them to stop", False),
            ],
        )
        for n in range(3)
    ]
    text, warnings = warnings_for(tmp_path, [*BALANCED, *longest])
    # 3 of the 5 choice items: more than half of the quiz, more than 40% of each band's course.
    assert about(warnings, "of this quiz's 5 choice items") == [
        (QUIZ_FILE, line_of(text, "- id: q-first-step"))
    ]
    assert about(warnings, "in 3 of 5 choice items, more than 40%") == [("quizzes/", 0)] * 3


def test_a_wrong_answer_far_shorter_than_the_right_one_is_warned_at_its_line(
    tmp_path: Path,
) -> None:
    planted = (
        "q-short",
        "choice",
        [
            ("Nope", False),
            ("Save the messages, then block and report", True),
            ("Block them and delete everything at once", False),
        ],
    )
    text, warnings = warnings_for(tmp_path, [*BALANCED, planted])
    option = line_of(text, "text: Nope") - 1  # the option's `- id:` line
    assert about(warnings, "under a third of the right answer's length") == [(QUIZ_FILE, option)]


def test_a_plausible_comment_leaves_a_short_wrong_answer_alone(tmp_path: Path) -> None:
    planted = (
        "q-service",
        "choice",
        [
            ("StopNCII  # plausible", False),
            ("Report Remove, from Childline and the IWF", True),
            ("Take It Down, from NCMEC in the US", False),
        ],
    )
    assert about(warnings_for(tmp_path, [*BALANCED, planted])[1], "nobody would pick") == []


@pytest.mark.parametrize(
    ("throwaway", "why"),
    [
        ("Nothing, it's just a joke", "it is a joke"),
        ("Nothing.", "it says to do nothing"),
        ("Tell lots of friends, so they can all help", "it tells everyone"),
        ("Share the password with a best friend", "it shares a password"),
        ("Threaten them back so they get scared", "it threatens back"),
        ("It is ONLY a problem for teenage girls", "shouts an absolute word"),
        ("It is **only** a problem for teenage girls", "emphasises an absolute word"),
    ],
)
def test_a_throwaway_wrong_answer_is_warned_at_its_line(
    tmp_path: Path, throwaway: str, why: str
) -> None:
    planted = (
        "q-throwaway",
        "choice",
        [
            (f'"{throwaway}"', False),
            ("Tell an adult they trust", True),
            ("Reply and ask them to delete the photo", False),
        ],
    )
    text, warnings = warnings_for(tmp_path, [*BALANCED, planted])
    option = line_of(text, throwaway) - 1
    assert (QUIZ_FILE, option) in about(warnings, why)


@pytest.mark.parametrize("text", ["All of the above", "Both of the above", "The first answer"])
def test_an_option_pointing_at_others_by_place_is_warned(tmp_path: Path, text: str) -> None:
    planted = (
        "q-place",
        "multi",
        [
            ("Tell an adult they trust", True),
            ("Save the messages before blocking", True),
            (text, False),
        ],
    )
    body, warnings = warnings_for(tmp_path, [*BALANCED, planted])
    assert about(warnings, "points at other options by their place") == [
        (QUIZ_FILE, line_of(body, f"text: {text}") - 1)
    ]


def test_a_second_blaming_wrong_answer_is_warned_naming_the_first(tmp_path: Path) -> None:
    blame = [
        (
            f"q-blame-{n}",
            "choice",
            [
                ("She must have done something to cause this", False),
                ("The person making the threat", True),
                ("Nobody, it just happens online sometimes", False),
            ],
        )
        for n in range(2)
    ]
    text, warnings = warnings_for(tmp_path, [*BALANCED, *blame])
    first, second = (
        n for n, line in enumerate(text.splitlines(), 1) if "must have done something" in line
    )
    assert about(warnings, f"already asked at {QUIZ_FILE}:{first - 1};") == [
        (QUIZ_FILE, second - 1)
    ]


def test_check_content_prints_warnings_and_fails_on_them_only_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = ("q-short", "choice", [("Hide", False), ("Stop replying and tell an adult", True)])
    text = quiz([*BALANCED, planted])
    content_dir = write_valid_tree(tmp_path, quiz=text)
    where = f"{QUIZ_FILE}:{line_of(text, 'text: Hide') - 1}: warning: "
    assert main(["check-content", str(content_dir)]) == 0
    assert any(line.startswith(where) for line in capsys.readouterr().err.splitlines())
    assert main(["check-content", "--strict", str(content_dir)]) == 1
    assert "--strict fails on them" in capsys.readouterr().err
