"""A lesson's minutes are worked out from its words and items (course/content/minutes.py)."""

from pathlib import Path

from course.content.loader import load_catalogue
from course.content.minutes import ITEM_SECONDS, READING_SPEED
from tests.unit.content.content_fixtures import LESSON_TWO, write_valid_tree

WORDS = " ".join(["Stay calm now."] * 300)  # 900 words: 6 minutes at 150, 5 at 180


def test_minutes_come_from_the_words_at_each_bands_reading_speed(tmp_path: Path) -> None:
    base = load_catalogue(write_valid_tree(tmp_path / "a")).lesson("what-to-do")
    longer = LESSON_TWO + f"\n{WORDS}\n"
    found = load_catalogue(write_valid_tree(tmp_path / "b", lesson_two=longer)).lesson("what-to-do")
    assert base is not None and found is not None
    for band in ("14-18", "adult"):
        added = 900 // READING_SPEED[band]
        assert found.minutes_by_band[band] == base.minutes_by_band[band] + added
    assert found.minutes == max(found.minutes_by_band.values())


def test_a_quiz_adds_its_items_and_the_course_adds_its_lessons(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_valid_tree(tmp_path))
    first = catalogue.lesson("what-is-sextortion")
    assert first is not None
    quizless = load_catalogue(write_valid_tree(tmp_path / "b", lesson_one=_without_quiz())).lesson(
        "what-is-sextortion"
    )
    assert quizless is not None
    # 11-13 sees one choice item; 14-18 a choice and a multi item.
    assert first.minutes_by_band["14-18"] * 60 >= (
        quizless.minutes_by_band["14-18"] * 60 - 60 + ITEM_SECONDS["choice"] + ITEM_SECONDS["multi"]
    )
    for band in READING_SPEED:
        assert catalogue.course_minutes(band) == sum(
            lesson.minutes_by_band[band] for lesson in catalogue.lessons_for(band)
        )
    assert catalogue.course_minutes() == max(catalogue.course_minutes(b) for b in READING_SPEED)


def _without_quiz() -> str:
    from tests.unit.content.content_fixtures import LESSON_ONE

    return LESSON_ONE.replace("quiz: what-is-sextortion\n", "")
