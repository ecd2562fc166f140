"""How long a lesson takes each band: its words at that band's reading speed, plus its items.

The rule, so the home page and the teacher's guide tell the truth:

- the words a band reads in the lesson (its summary and body as rendered for the band, the
  canonical steps of a ```what-to-do block included), at READING_SPEED words a minute;
- for each quiz item the band sees, the words it shows (prompt, options or parts or steps, and
  the feedback or reasons read after answering: for a choice item, two options' feedback, the
  chosen and the right one, taken at the median length) at the same speed, plus ITEM_SECONDS for
  thinking and answering; a chat (branching) shows one path of many, so it counts CHAT_SECONDS
  in all instead of its words;
- a lesson with the film adds FILM_SECONDS;
- the total rounded up to whole minutes. A course's minutes are the sum of its lessons'.
"""

import math
from collections.abc import Iterator, Mapping

from course.content.lessons import LessonDraft
from course.content.markdown import body_blocks
from course.content.reading import band_text
from course.content.schema import BranchingItem, ChoiceItem, Item, OrderItem, Quiz, RedFlagsItem
from course.content.text import plain_text

# Words a minute when reading to learn, slower than reading for pleasure (adults' silent
# reading averages about 240: Brysbaert, 2019); younger readers slower still.
READING_SPEED: Mapping[str, int] = {"11-13": 120, "14-18": 150, "adult": 180}
ITEM_SECONDS: Mapping[str, int] = {"choice": 20, "multi": 30, "red-flags": 40, "order": 45}
CHAT_SECONDS = 150
FILM_SECONDS = 150  # the default film runs about two minutes (static/film/manifest.json)


def lesson_minutes(lesson: LessonDraft, quiz: Quiz | None) -> dict[str, int]:
    """The whole minutes the lesson takes each of its bands, its quiz included."""
    film = any(
        token.type == "fence" and token.info.split()[:1] == ["film"]
        for _, token in body_blocks(lesson.body)
    )
    minutes = {}
    for band in lesson.front.audiences:
        speed = READING_SPEED[band]
        seconds = words(band_text(lesson, band)) * 60 / speed + (FILM_SECONDS if film else 0)
        for item in quiz.items_for(band) if quiz else ():
            seconds += item_seconds(item, speed)
        minutes[band] = max(1, math.ceil(seconds / 60))
    return minutes


def item_seconds(item: Item, speed: int) -> float:
    """The seconds one item takes at `speed` words a minute."""
    if isinstance(item, BranchingItem):
        return CHAT_SECONDS
    shown = " ".join(plain_text(html) for html in _texts(item))
    return ITEM_SECONDS[item.type] + words(shown) * 60 / speed


def words(text: str) -> int:
    """How many words a plain text has."""
    return len(text.split())


def _texts(item: Item) -> Iterator[str]:
    """The HTML texts an item shows before and after it is answered."""
    yield item.prompt_html
    if item.explanation_html:
        yield item.explanation_html
    if isinstance(item, ChoiceItem):
        for option in item.options:
            yield option.text_html
        feedback = [option.feedback_html for option in item.options]
        if item.type == "choice":  # read: the chosen answer's feedback and the right one's
            feedback = sorted(feedback, key=len)[len(feedback) // 2 :][:2]
        yield from feedback
    elif isinstance(item, RedFlagsItem):
        for part in item.parts():
            yield part.text_html
            yield part.explanation_html
    elif isinstance(item, OrderItem):
        for step in item.steps:
            yield step.text_html
            yield step.reason_html or ""
        for rule in item.constraints:
            yield rule.why_html
