"""The practice lesson for the tactics used now: each band practises the tactics meant for it,
as scenario items, with feedback on every part and a safe ending on every chat."""

from __future__ import annotations

import re

import pytest

from course.content.loader import load_catalogue
from course.content.schema import AUDIENCES, BranchingItem, ChoiceItem, Item, RedFlagsItem
from course.settings import REPO_ROOT

CATALOGUE = load_catalogue(REPO_ROOT)
LESSON = CATALOGUE.lesson("tricks-used-now")
QUIZ = CATALOGUE.quiz("tricks-used-now")

# The tactics the issue names, the bands that must practise each, and words that show it.
TACTICS = {
    "a game and gifts or game currency": (("11-13", "14-18"), r"\bgame\b.*\b(gems|skins|coins)\b"),
    "a hacked friend's account": (AUDIENCES, r"friend's account|taken over"),
    "a demand for more images, not money": (("11-13",), r"more (photos|pics)"),
    "a fake made from an ordinary photo": (("11-13", "14-18"), r"profile pic.*\bnude\b"),
    "a threat to out someone": (("14-18", "adult"), r"you're gay"),
    "a dating app": (("adult",), r"dating (app|site)"),
    "the person was a minor": (("adult",), r"\bis 15\b|aged 14"),
    "fake police": (("adult",), r"Detective|police"),
}


def text_of(item: Item) -> str:
    """Everything a learner can read in an item, as plain text."""
    parts = [item.prompt_html, item.explanation_html or ""]
    if isinstance(item, ChoiceItem):
        parts += [
            text for option in item.options for text in (option.text_html, option.feedback_html)
        ]
    elif isinstance(item, RedFlagsItem):
        parts += [text for part in item.parts() for text in (part.text_html, part.explanation_html)]
    elif isinstance(item, BranchingItem):
        for node in item.nodes:
            parts += [message.text_html for message in node.messages]
            parts += [choice.text_html for choice in node.choices]
            parts += [node.title or "", node.text_html or ""]
    return re.sub(r"<[^>]+>", "", " ".join(parts)).replace("’", "'")


def test_the_lesson_is_for_every_band_and_every_band_gets_scenarios() -> None:
    assert LESSON is not None and QUIZ is not None
    assert LESSON.quiz == QUIZ.slug
    assert set(LESSON.audiences) == set(AUDIENCES)
    assert LESSON.content_note
    for band in AUDIENCES:
        assert LESSON in CATALOGUE.lessons_for(band)
        scenarios = [
            item for item in QUIZ.items_for(band) if item.type in ("red-flags", "branching")
        ]
        assert len(scenarios) >= 2, band


@pytest.mark.parametrize("tactic", TACTICS)
def test_each_band_practises_the_tactics_meant_for_it(tactic: str) -> None:
    assert QUIZ is not None
    bands, pattern = TACTICS[tactic]
    for band in bands:
        texts = [text_of(item) for item in QUIZ.items_for(band)]
        assert any(re.search(pattern, text, re.IGNORECASE | re.DOTALL) for text in texts), band


def test_every_chat_has_a_safe_ending_and_every_ending_explains_itself() -> None:
    assert QUIZ is not None
    chats = [item for item in QUIZ.items if isinstance(item, BranchingItem)]
    assert len(chats) >= 3
    for chat in chats:
        endings = [node for node in chat.nodes if node.ending]
        assert any(node.ending == "safe" for node in endings), chat.id
        for node in endings:
            assert node.title and node.text_html, (chat.id, node.id)


def test_the_trusted_adults_and_the_people_targeted_vary() -> None:
    assert QUIZ is not None
    text = " ".join(text_of(item) for item in QUIZ.items)
    for adult in ("carer", "older brother", "coach", "youth worker"):
        assert adult in text, adult
    assert re.search(r"\bshe\b", text) and re.search(r"\bhe\b", text)


def test_eleven_to_thirteen_wording_is_plain_and_never_blames() -> None:
    assert QUIZ is not None
    text = " ".join(text_of(item) for item in QUIZ.items_for("11-13")).lower()
    assert "nude or nearly-nude" in text or "nearly-nude" in text
    assert "not your fault" in text or "not her fault" in text or "never maya's fault" in text
