"""The running order of a live session, from the content alone: for each of the band's lessons,
its sections (the text before its first heading, then one step per `##` heading, the film and
its discussion prompts among them), its quiz's questions, and what to remember; then the
teacher's guide's discussion prompts, and the end.

Every question becomes a poll the class answers on their devices:

    choice        pick one option (right: the correct one)
    multi         pick every option that applies (right: the correct ones)
    red-flags     pick every warning sign among the profile's and the chat's parts
    branching     what to do at the chat's first decision (no right answer: the class talks)
    order         which step to take first (right: any step no rule puts after another)

Pure: no web or database. One running order per catalogue and band, built once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from course.content.schema import (
    BranchingItem,
    Catalogue,
    ChoiceItem,
    Item,
    Lesson,
    OrderItem,
    RedFlagsItem,
)

SECTION_HEADING = re.compile(r"<h2[^>]*>(.*?)</h2>", re.DOTALL)
SENDERS = {"them": "They wrote", "you": "You wrote", "story": "What happens"}


@dataclass(frozen=True)
class PollOption:
    id: str
    text_html: str
    right: bool | None  # None: no option is right or wrong (a chat's decision)
    label: str = ""  # where a red flag sits ("Profile", "They wrote", "You wrote")


@dataclass(frozen=True)
class Poll:
    multiple: bool
    ask: str  # what to do, above the options
    options: tuple[PollOption, ...]
    messages: tuple[tuple[str, str], ...] = ()  # a chat's opening lines: (who, HTML)

    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def valid(self, chosen: tuple[str, ...]) -> bool:
        """Whether these option ids are an answer to this poll."""
        known = set(self.option_ids())
        if not chosen or len(set(chosen)) != len(chosen) or not set(chosen) <= known:
            return False
        return self.multiple or len(chosen) == 1


@dataclass(frozen=True)
class Step:
    key: str  # stable within a content version: answers and results are filed under it
    kind: str  # "section", "question", "remember", "talk" (the guide's prompts) or "end"
    lesson: str  # the lesson's title ("" for the end)
    heading_html: str
    body_html: str = ""
    poll: Poll | None = None
    explanation_html: str = ""  # shown with the class's answers
    points: tuple[str, ...] = ()  # what to remember


def sections(lesson: Lesson, band: str) -> list[Step]:
    """The lesson's text in steps: before the first heading, then one per heading."""
    html = lesson.html_for(band)
    found = list(SECTION_HEADING.finditer(html))
    starts = [(0, len(html) if not found else found[0].start(), lesson.title)]
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(html)
        starts.append((match.end(), end, match.group(1)))
    steps = []
    for number, (start, end, heading) in enumerate(starts):
        body = html[start:end].strip()
        if body:
            steps.append(Step(f"{lesson.slug}/{number}", "section", lesson.title, heading, body))
    return steps


def poll_for(item: Item) -> tuple[Poll, str]:
    """The poll a question becomes, and the prompt above it."""
    if isinstance(item, ChoiceItem):
        options = tuple(PollOption(o.id, o.text_html, o.correct) for o in item.options)
        multiple = item.type == "multi"
        ask = "Choose every answer that fits." if multiple else "Choose one answer."
        return Poll(multiple, ask, options), item.prompt_html
    if isinstance(item, RedFlagsItem):
        profile = {part.id for part in item.profile.parts} if item.profile else set()
        options = tuple(
            PollOption(
                part.id,
                part.text_html,
                part.flag,
                "Profile" if part.id in profile else SENDERS[part.sender or "them"],
            )
            for part in item.parts()
        )
        return Poll(True, "Choose every warning sign you can see.", options), item.prompt_html
    if isinstance(item, BranchingItem):
        start = item.node(item.start)
        options = tuple(
            PollOption(c.id, c.text_html, None) for c in start.choices if not c.requires
        )
        lines = tuple((SENDERS[m.sender], m.text_html) for m in start.messages)
        return Poll(False, "What would you do next? Choose one.", options, lines), item.prompt_html
    assert isinstance(item, OrderItem)
    later = {constraint.then for constraint in item.constraints}
    options = tuple(PollOption(s.id, s.text_html, s.id not in later) for s in item.steps)
    prompt = f"{item.prompt_html} Which of these would you do first?"
    return Poll(False, "Choose one step.", options), prompt


def questions(lesson: Lesson, catalogue: Catalogue, band: str) -> list[Step]:
    quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
    if quiz is None:
        return []
    steps = []
    for item in quiz.items:
        if band in item.audiences:
            poll, prompt = poll_for(item)
            explanation = item.explanation_html or ""
            steps.append(
                Step(f"q/{item.id}", "question", lesson.title, prompt, "", poll, explanation)
            )
    if quiz.remember:
        steps.append(
            Step(
                f"{lesson.slug}/remember",
                "remember",
                lesson.title,
                "What to remember",
                points=quiz.remember,
            )
        )
    return steps


def build(catalogue: Catalogue, band: str) -> tuple[Step, ...]:
    steps: list[Step] = []
    for lesson in catalogue.lessons_for(band):
        steps += sections(lesson, band)
        steps += questions(lesson, catalogue, band)
    steps.append(Step("talk", "talk", "", "Talk about it together"))
    steps.append(Step("end", "end", "", "That is the end of the session"))
    return tuple(steps)


_orders: dict[tuple[str, int, str], tuple[Step, ...]] = {}
_orders_lock = threading.Lock()


def running_order(catalogue: Catalogue, band: str) -> tuple[Step, ...]:
    """The band's running order, built once per catalogue."""
    key = (catalogue.version, id(catalogue), band)
    found = _orders.get(key)
    if found is None:
        with _orders_lock:
            found = _orders.setdefault(key, build(catalogue, band))
    return found


def step_at(catalogue: Catalogue, band: str, index: int) -> Step:
    """The step at this index, kept within the running order."""
    order = running_order(catalogue, band)
    return order[max(0, min(index, len(order) - 1))]
