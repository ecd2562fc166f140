"""The shipped course: it passes every content rule, loads for every band, tags every step of
the official advice on every band's path, and has what the campaign asked for: six lessons,
forty items, every type."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from course.content.loader import check_content, load_catalogue
from course.content.schema import AUDIENCES, KEY_MESSAGES, BranchingItem
from course.settings import REPO_ROOT

CATALOGUE = load_catalogue(REPO_ROOT)
ITEMS = [item for quiz in CATALOGUE.quizzes.values() for item in quiz.items]


def test_six_lessons_each_with_a_quiz_and_their_worked_out_minutes() -> None:
    assert len(CATALOGUE.lessons) >= 6
    for lesson in CATALOGUE.lessons:
        assert set(lesson.minutes_by_band) == set(lesson.audiences), lesson.slug
        assert lesson.minutes == max(lesson.minutes_by_band.values()) >= 3, lesson.slug
        assert lesson.quiz in CATALOGUE.quizzes, lesson.slug
        assert lesson.content_note, f"{lesson.slug} discusses threats: it needs a content note"


def test_forty_items_of_every_type() -> None:
    types = Counter(item.type for item in ITEMS)
    assert len(ITEMS) >= 40
    assert set(types) == {"choice", "multi", "red-flags", "branching", "order"}
    assert types["red-flags"] >= 3
    assert types["branching"] >= 3
    assert types["order"] >= 2


def test_every_audience_gets_enough_of_every_quiz() -> None:
    for band in AUDIENCES:
        for lesson in CATALOGUE.lessons_for(band):
            quiz = CATALOGUE.quiz(str(lesson.quiz))
            assert quiz is not None
            assert len(quiz.items_for(band)) >= 4, (band, lesson.slug)


def test_branching_chats_include_a_payment_already_made_and_a_friend_as_target() -> None:
    chats = [item for item in ITEMS if isinstance(item, BranchingItem)]
    prompts = " ".join(item.prompt_html.lower() for item in chats)
    assert "paid" in prompts
    assert "friend" in prompts


def test_the_shipped_course_passes_every_rule() -> None:
    assert check_content(REPO_ROOT) == []


def test_real_content_loads() -> None:
    catalogue = load_catalogue(REPO_ROOT)
    assert catalogue.lessons
    for lesson in catalogue.lessons:
        for band in lesson.audiences:
            assert lesson.html_for(band)


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
