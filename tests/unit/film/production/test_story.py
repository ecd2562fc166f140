"""The film's story (course/film/production/story.py): it narrates every change on screen,
follows the scenario to the steps and help, and stays age-appropriate."""

from __future__ import annotations

from course.film.production.story import STORY, screens, transcript_paragraphs


def test_the_story_narrates_every_change_on_screen() -> None:
    shown = list(screens())
    assert len(shown) == len(STORY)
    for beat, before, after in zip(STORY[1:], shown[:-1], shown[1:], strict=True):
        if before != after:
            assert beat.describe, f"the screen changes, but nothing describes it: {beat.say}"


def test_the_story_follows_the_scenario_and_ends_with_the_steps_and_help() -> None:
    words = " ".join(transcript_paragraphs()).lower()
    order = ["follow request", "switch apps", "video call", "recording", "pay £300"]
    positions = [words.index(phrase) for phrase in order]
    assert positions == sorted(positions)
    for step in ("don't panic", "don't pay", "block", "evidence", "report", "trust", "fault"):
        assert step in words[positions[-1] :], step
    assert "childline" in words and "999" in words


def test_the_story_stays_age_appropriate() -> None:
    words = " ".join(transcript_paragraphs()).lower()
    for word in ("nude", "naked", "sex", "suicide", "kill"):
        assert word not in words
