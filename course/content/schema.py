"""The catalogue: immutable, rendered lessons and quizzes, looked up by slug or id."""

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    field_serializer,
    field_validator,
)

from course.content.frozen import Frozen as Frozen
from course.content.frozen import ItemBase as ItemBase
from course.content.help_directory import HelpDirectory
from course.content.order_item import Constraint as Constraint
from course.content.order_item import OrderItem as OrderItem
from course.content.order_item import Step as Step
from course.content.step_list import CanonicalStep as CanonicalStep
from course.content.step_list import StepList as StepList
from course.content.step_list import StepWording as StepWording

AUDIENCES: tuple[str, ...] = ("11-13", "14-18", "adult")
AUDIENCE_LABELS: Mapping[str, str] = {
    "11-13": "11 to 13",
    "14-18": "14 to 18",
    "adult": "Adult (over 18)",
}
KEY_MESSAGES: tuple[str, ...] = (
    "dont-panic",
    "dont-pay",
    "stop-contact",
    "keep-evidence",
    "deactivate-not-delete",
    "screenshot-not-images",
    "report",
    "get-images-removed",
    "secure-accounts",
    "tell-someone",
    "not-your-fault",
    "spot-fake-profiles",
)

# The drawn avatars a red-flags profile can show (no real photos, brands or logos).
AVATARS: tuple[str, ...] = ("sunset", "flower", "football", "cat", "guitar", "wave")


class Option(Frozen):
    id: str
    text_html: str
    correct: bool
    feedback_html: str


class ChoiceItem(ItemBase):
    """A choice (one correct option) or multi (select all that apply) question."""

    type: Literal["choice", "multi"]
    options: tuple[Option, ...]


class Part(Frozen):
    """A selectable part of a mock profile or chat: a warning sign or not, and why."""

    id: str
    text_html: str
    flag: bool
    explanation_html: str
    sender: Literal["them", "you"] | None  # None for a profile part


class Profile(Frozen):
    """A mock profile drawn by the app; `avatar` is one of AVATARS."""

    name: str
    handle: str
    avatar: str
    parts: tuple[Part, ...]


class RedFlagsItem(ItemBase):
    """Spot the warning signs in a mock profile and/or a short chat."""

    type: Literal["red-flags"]
    profile: Profile | None
    chat: tuple[Part, ...]

    def parts(self) -> tuple[Part, ...]:
        """Every selectable part: the profile's, top to bottom, then the chat's."""
        return (self.profile.parts if self.profile else ()) + self.chat

    def flags(self) -> frozenset[str]:
        """The ids of the parts that are warning signs."""
        return frozenset(part.id for part in self.parts() if part.flag)


class Message(Frozen):
    """A line in a branching chat: from the other side, the learner, or narration."""

    sender: Literal["them", "you", "story"]
    text_html: str


class Choice(Frozen):
    """What the learner can do at a node; shown only when `requires`/`unless` allow it."""

    id: str
    text_html: str
    next: str
    sets: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    line: int = 0


class Node(Frozen):
    """A point in a branching chat: messages, then choices, or an ending."""

    id: str
    messages: tuple[Message, ...]
    choices: tuple[Choice, ...]
    ending: Literal["safe", "risky"] | None
    title: str | None
    text_html: str | None
    line: int


class BranchingItem(ItemBase):
    """A chat simulation: a graph of nodes from `start` to safe or risky endings."""

    type: Literal["branching"]
    start: str
    nodes: tuple[Node, ...]

    _nodes_by_id: dict[str, Node] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        """Index the nodes once; every step of a chat looks one up."""
        self._nodes_by_id = {node.id: node for node in self.nodes}

    def node(self, node_id: str) -> Node:
        """Return the node with this id; KeyError if there is none."""
        return self._nodes_by_id[node_id]


# Each item type is its own model, told apart by `type`.
Item = Annotated[ChoiceItem | RedFlagsItem | BranchingItem | OrderItem, Field(discriminator="type")]


class Quiz(Frozen):
    slug: str
    lesson: str
    title: str
    items: tuple[Item, ...]
    file: str
    remember: tuple[str, ...] = ()  # what the summary at the end asks learners to remember

    def items_for(self, band: str) -> tuple[Item, ...]:
        """Return the items shown to this audience band, in file order."""
        return tuple(item for item in self.items if band in item.audiences)


class Lesson(Frozen):
    slug: str
    title: str
    order: int
    audiences: tuple[str, ...]
    minutes: int  # the most of minutes_by_band: what a lesson takes its slowest readers
    minutes_by_band: Mapping[str, int] = MappingProxyType(
        {}
    )  # worked out from its words and items (minutes.py)
    summary: str
    content_note: str | None
    drawing: str | None  # the alt text of the lesson's drawing; None: it is decorative
    key_messages: tuple[str, ...]
    quiz: str | None
    body_html: Mapping[str, str]
    file: str

    @field_validator("minutes_by_band")
    @classmethod
    def read_only_minutes(cls, minutes: Mapping[str, int]) -> Mapping[str, int]:
        """Stop anyone changing the worked-out minutes after load."""
        return MappingProxyType(dict(minutes))

    @field_serializer("minutes_by_band")
    def plain_minutes(self, minutes: Mapping[str, int]) -> dict[str, int]:
        """Dump the read-only mapping as a plain dict."""
        return dict(minutes)

    @field_validator("body_html")
    @classmethod
    def read_only_body(cls, body_html: Mapping[str, str]) -> Mapping[str, str]:
        """Stop anyone changing a rendered body after load."""
        return MappingProxyType(dict(body_html))

    @field_serializer("body_html")
    def plain_body(self, body_html: Mapping[str, str]) -> dict[str, str]:
        """Dump the read-only mapping as a plain dict."""
        return dict(body_html)

    def html_for(self, band: str) -> str:
        """Return the body HTML as this audience band sees it."""
        return self.body_html[band]


class Catalogue(Frozen):
    lessons: tuple[Lesson, ...]
    quizzes: Mapping[str, Quiz]
    version: str
    help_directory: HelpDirectory = HelpDirectory()  # lessons/help.yaml
    steps: StepList = StepList()  # the canonical "what to do" steps (lessons/steps.yaml)

    @field_validator("quizzes")
    @classmethod
    def read_only_quizzes(cls, quizzes: Mapping[str, Quiz]) -> Mapping[str, Quiz]:
        """Stop anyone adding or replacing a quiz after load."""
        return MappingProxyType(dict(quizzes))

    @field_serializer("quizzes")
    def plain_quizzes(self, quizzes: Mapping[str, Quiz]) -> dict[str, Quiz]:
        """Dump the read-only mapping as a plain dict."""
        return dict(quizzes)

    @field_validator("lessons")
    @classmethod
    def sort_by_order(cls, lessons: tuple[Lesson, ...]) -> tuple[Lesson, ...]:
        """Keep lessons in course order, whatever order they were given in."""
        return tuple(sorted(lessons, key=lambda lesson: lesson.order))

    # The lookup tables, built at the first use and kept: every request uses them. As cached
    # properties they are plain attributes after that (a private attribute is looked up through
    # pydantic's __getattr__, which cost a lesson page more than its own dictionary lookups).
    @cached_property
    def _lessons_by_slug(self) -> dict[str, Lesson]:
        return {lesson.slug: lesson for lesson in self.lessons}

    @cached_property
    def _items_by_id(self) -> dict[str, tuple[Quiz, Item]]:
        return {item.id: (quiz, item) for quiz in self.quizzes.values() for item in quiz.items}

    @cached_property
    def _lessons_by_band(self) -> dict[str, tuple[Lesson, ...]]:
        return {
            band: tuple(lesson for lesson in self.lessons if band in lesson.audiences)
            for band in AUDIENCES
        }

    def lesson(self, slug: str) -> Lesson | None:
        """Return the lesson with this slug, or None."""
        return self._lessons_by_slug.get(slug)

    def quiz(self, slug: str) -> Quiz | None:
        """Return the quiz with this slug, or None."""
        return self.quizzes.get(slug)

    def item(self, item_id: str) -> tuple[Quiz, Item] | None:
        """Return the quiz holding this item id and the item, or None."""
        return self._items_by_id.get(item_id)

    def lessons_for(self, band: str) -> tuple[Lesson, ...]:
        """Return the lessons this audience band sees, in course order."""
        return self._lessons_by_band.get(band, ())

    def course_minutes(self, band: str | None = None) -> int:
        """The minutes a band's whole course takes; with no band, the most any band takes."""
        if band is not None:
            return sum(lesson.minutes_by_band.get(band, 0) for lesson in self.lessons_for(band))
        return max((self.course_minutes(each) for each in AUDIENCES), default=0)

    def next_lesson(self, slug: str, band: str) -> Lesson | None:
        """Return the lesson this band sees after the given one, or None at the end."""
        current = self.lesson(slug)
        if current is None:
            return None
        later = (lesson for lesson in self.lessons_for(band) if lesson.order > current.order)
        return next(later, None)
