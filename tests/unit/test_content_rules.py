"""The tone, reading-level, key-message and statistics rules name the file and line of each
planted mistake, and the shipped course passes them all."""

import re
from pathlib import Path

import pytest

from course.content.loader import Problem, check_content, load_catalogue
from course.content.schema import AUDIENCES, KEY_MESSAGES
from course.settings import REPO_ROOT
from tests.unit.content_fixtures import (
    LESSON_ONE,
    LESSON_ONE_FILE,
    LESSON_TWO,
    LESSON_TWO_FILE,
    QUIZ,
    QUIZ_FILE,
    write_valid_tree,
)

TEEN_TEXT = "Tell someone you trust; you are not in trouble."
YOUNG_TEXT = "Tell a grown-up you trust straight away."
# About grade 7.8: too hard for 11-13 (at most 6), fine for 14-18 (at most 8).
HARDER = (
    "Criminals pretending to be teenagers online frequently attempt to gain your confidence "
    "extremely quickly, afterwards requesting private photographs that they subsequently use "
    "against you, so always communicate with somebody trustworthy beforehand."
)
# Far above every band's level: once makes a lesson too hard for 14-18, twice for everyone.
HARDEST = (
    "Notwithstanding their considerable organisational sophistication, international criminal "
    "enterprises systematically manipulate psychologically vulnerable adolescents."
)
GRADE = re.compile(
    r"reading level for (\S+) is grade \d+\.\d; the most is (\d+)\. "
    r"Use shorter sentences and everyday words\."
)


def problems_in_tree(root: Path, **replaced: str) -> list[Problem]:
    return check_content(write_valid_tree(root, **replaced))


def places(problems: list[Problem]) -> list[tuple[str, int]]:
    return [(problem.file, problem.line) for problem in problems]


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# Reading level


def test_a_lesson_too_hard_for_a_band_is_reported_at_line_one(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDEST}")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert (problem.file, problem.line) == (LESSON_ONE_FILE, 1)
    match = GRADE.fullmatch(problem.message)
    assert match is not None, problem.message
    assert match.groups() == ("14-18", "8")


def test_each_band_has_its_own_reading_level(tmp_path: Path) -> None:
    young = LESSON_ONE.replace(YOUNG_TEXT, f"{YOUNG_TEXT} {HARDER}")
    problem = only_problem(problems_in_tree(tmp_path / "young", lesson_one=young))
    assert (problem.file, problem.line) == (LESSON_ONE_FILE, 1)
    assert problem.message.startswith("reading level for 11-13 is grade 7.")
    assert "the most is 6." in problem.message
    older = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDER}")
    assert problems_in_tree(tmp_path / "older", lesson_one=older) == []


def test_a_lesson_too_hard_for_every_band_names_each(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("Someone you meet online", f"{HARDEST} {HARDEST} Someone")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [(LESSON_ONE_FILE, 1)] * 3
    limits = [re.findall(r"for (\S+) is grade .*the most is (\d+)\.", p.message) for p in problems]
    assert limits == [[("11-13", "6")], [("14-18", "8")], [("adult", "10")]]
    assert all(GRADE.fullmatch(problem.message) for problem in problems)


# Victim-blaming phrasings


def test_blaming_phrase_in_a_body_is_reported_at_its_line(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(YOUNG_TEXT, f"Why did you send it? {YOUNG_TEXT}")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        f"{LESSON_ONE_FILE}:17: “Why did you send” can sound like blame. "
        "Try “the criminal tricked them”."
    )


def test_blaming_phrase_in_quiz_feedback_is_reported_at_its_line(tmp_path: Path) -> None:
    quiz = QUIZ.replace(
        "feedback: No. The criminal tricked them.", "feedback: No. Sam fell for it."
    )
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert str(problem) == (
        f"{QUIZ_FILE}:12: “fell for” can sound like blame. Try “was tricked by”."
    )


def test_blaming_phrase_in_a_quiz_prompt_and_explanation(tmp_path: Path) -> None:
    quiz = QUIZ.replace("prompt: Who is to blame?", "prompt: Was Sam naive?").replace(
        "explanation: Trust your gut.", "explanation: Nobody is stupid for trusting."
    )
    problems = problems_in_tree(tmp_path, quiz=quiz)
    assert places(problems) == [(QUIZ_FILE, 7), (QUIZ_FILE, 30)]
    assert problems[0].message.startswith("“naive” can sound like blame")


def test_blaming_phrase_in_the_summary(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("summary: The steps that help.", "summary: It's your own fault.")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 7)
    assert problem.message == "“your own fault” can sound like blame. Try “it is never your fault”."


def test_kind_and_quoted_uses_are_allowed(tmp_path: Path) -> None:
    kind = (
        "It is not your own fault, and you are not stupid. "
        'Instead of asking "why did you send it?", say "it is not your fault".'
    )
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {kind}")
    assert problems_in_tree(tmp_path, lesson_one=lesson) == []


# Key messages


def test_a_path_that_misses_a_key_message_is_reported(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("dont-pay, ", "")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        "lessons/:0: the 11-13 path never teaches `dont-pay`. "
        "Tag it on a lesson for 11-13 that teaches it."
    )


def test_every_band_that_misses_a_key_message_is_named(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("secure-accounts, ", "")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [("lessons/", 0)] * 3
    assert [p.message.split()[1] for p in problems] == list(AUDIENCES)


def test_no_coverage_report_while_a_lesson_cannot_be_read(tmp_path: Path) -> None:
    broken = LESSON_ONE.replace("title:", "titel:")
    problems = problems_in_tree(tmp_path, lesson_one=broken)
    assert problems
    assert all(problem.file == LESSON_ONE_FILE for problem in problems)


def test_a_tagged_key_message_the_text_never_mentions(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("[dont-pay, report]", "[dont-pay, report, secure-accounts]")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert str(problem) == (
        f"{LESSON_TWO_FILE}:9: the lesson is tagged `secure-accounts`, but the text for "
        "14-18, adult never mentions it (no “password”, “two-factor”, “two-step”, “privacy”). "
        "Teach it there, or remove the tag."
    )


def test_a_key_message_taught_to_one_band_only(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace(
        "2. Tell someone and report it.\n```\n",
        "2. Tell someone and report it.\n```\n\n```audience adult\nUse a new password.\n```\n",
    ).replace("[dont-pay, report]", "[dont-pay, report, secure-accounts]")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 9)
    assert "but the text for 14-18 never mentions it" in problem.message


# Statistics


def test_a_statistic_without_a_source_is_reported_at_its_line(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT}\nReports rose by 44% last year.")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        f"{LESSON_ONE_FILE}:22: “44%” is a statistic with no source. Add the source and year "
        "in brackets in the same sentence, like (National Crime Agency, 2024)."
    )


def test_a_statistic_with_its_source_passes(tmp_path: Path) -> None:
    cited = (
        "Reports rose by 44% last year (Internet Watch Foundation, 2025). "
        "Over 13,000 reports were made. (FBI, 2024)"
    )
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {cited}")
    assert problems_in_tree(tmp_path, lesson_one=lesson) == []


def test_a_statistic_in_a_quiz_explanation(tmp_path: Path) -> None:
    quiz = QUIZ.replace("explanation: Trust your gut.", "explanation: Over 13,000 reports came in.")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 30)
    assert problem.message.startswith("“13,000 reports” is a statistic with no source.")


# The shipped course


def test_the_shipped_course_passes_every_rule() -> None:
    assert check_content(REPO_ROOT) == []


# FACTS.md section 1: the official advice, step by step, and the key message that tags it.
ADVICE_STEPS = {
    "Don't pay": ("dont-pay",),
    "Get help before deciding anything; tell a trusted adult": ("tell-someone",),
    "Stop contact and block": ("stop-contact",),
    "Don't delete anything; deactivate accounts rather than deleting them": (
        "keep-evidence",
        "deactivate-not-delete",
    ),
    "Screenshot the chat and profile, but not the nude images": ("screenshot-not-images",),
    "Report": ("report",),
    "Get images removed or blocked early": ("get-images-removed",),
    "Secure your accounts": ("secure-accounts",),
    "It's not your fault": ("not-your-fault",),
}
FACTS = REPO_ROOT.parent / "shared" / "content" / "FACTS.md"


def test_every_advice_step_is_tagged_in_every_bands_path() -> None:
    catalogue = load_catalogue(REPO_ROOT)
    for band in AUDIENCES:
        tagged = {key for lesson in catalogue.lessons_for(band) for key in lesson.key_messages}
        for step, keys in ADVICE_STEPS.items():
            for key in keys:
                assert key in KEY_MESSAGES
                assert key in tagged, f"the {band} path never tags `{key}` ({step})"


def test_the_advice_steps_are_those_of_facts_section_one() -> None:
    if not FACTS.is_file():
        pytest.skip("FACTS.md is not beside this checkout")
    section = FACTS.read_text(encoding="utf-8").split("## 1.")[1].split("\n## ")[0]
    steps = re.findall(r"^\| \*\*(.+?)\*\*", section, flags=re.MULTILINE)
    assert len(steps) == len(ADVICE_STEPS), steps


def test_every_rule_reports_at_once(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDEST} They fell for it.")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [(LESSON_ONE_FILE, 1), (LESSON_ONE_FILE, 21)]
    assert GRADE.fullmatch(problems[0].message)
    assert problems[1].message.startswith("“fell for” can sound like blame.")
