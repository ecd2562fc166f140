"""The shape of what writers type: front matter and quiz YAML, checked field by field."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from course.content.schema import AUDIENCES, AVATARS, KEY_MESSAGES

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _not_blank(text: str) -> str:
    if not text.strip():
        raise PydanticCustomError("blank", "is empty")
    return text


def _known_audience(band: str) -> str:
    if band not in AUDIENCES:
        raise PydanticCustomError("audience", "unknown audience")
    return band


def _known_key_message(key: str) -> str:
    if key not in KEY_MESSAGES:
        raise PydanticCustomError("key_message", "unknown key message")
    return key


def _one_of(kind: str, allowed: tuple[str, ...]) -> Callable[[Any], Any]:
    """A check that text is one of `allowed`, reported as an unknown `kind` (like avatar)."""
    named = ", ".join(f"`{name}`" for name in allowed[:-1]) + f" or `{allowed[-1]}`"

    def check(value: Any) -> Any:
        if isinstance(value, str) and value not in allowed:
            raise PydanticCustomError(kind, "unknown {kind}", {"kind": kind, "allowed": named})
        return value

    return check


Text = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Audience = Annotated[str, AfterValidator(_known_audience)]
KeyMessage = Annotated[str, AfterValidator(_known_key_message)]


class Strict(BaseModel):
    """Types exactly as written (no "1" for 1) and no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class LessonFrontMatter(Strict):
    slug: Slug
    title: Text
    order: int = Field(ge=1)
    audiences: list[Audience] = Field(min_length=1)
    summary: Text
    content_note: Text | None = None
    drawing: Text | None = None  # what static/img/lessons/<slug>.svg shows, for its alt
    key_messages: list[KeyMessage]
    quiz: Slug | None = None


Avatar = Annotated[str, BeforeValidator(_one_of("avatar", AVATARS))]
ChatSender = Annotated[Literal["them", "you"], BeforeValidator(_one_of("sender", ("them", "you")))]
MessageSender = Annotated[
    Literal["them", "you", "story"], BeforeValidator(_one_of("sender", ("them", "you", "story")))
]


class ItemEntry(Strict):
    """What every item has, as written in a quiz file."""

    id: Slug
    audiences: list[Audience] | None = Field(default=None, min_length=1)
    prompt: Text
    explanation: Text | None = None


class OptionEntry(Strict):
    id: Slug
    text: Text
    correct: bool
    feedback: Text


class ChoiceEntry(ItemEntry):
    """A `choice` or `multi` item as written in a quiz file."""

    type: Literal["choice", "multi"]
    options: list[OptionEntry]


class PartEntry(Strict):
    """A selectable part of a mock profile: a warning sign (`flag`) or not, and why."""

    id: Slug
    text: Text
    flag: bool
    explanation: Text


class ChatPartEntry(PartEntry):
    """A chat message in a red-flags item: a selectable part with a sender."""

    sender: ChatSender = Field(alias="from")


class ProfileEntry(Strict):
    name: Text
    handle: Text
    avatar: Avatar
    parts: list[PartEntry]


class RedFlagsEntry(ItemEntry):
    """A `red-flags` item: a mock profile and/or a chat whose parts the learner judges."""

    type: Literal["red-flags"]
    profile: ProfileEntry | None = None
    chat: list[ChatPartEntry] = Field(default_factory=list)


class MessageEntry(Strict):
    sender: MessageSender = Field(alias="from")
    text: Text


class ChoiceOfPathEntry(Strict):
    """A choice at a node of a branching item: where it leads and what it remembers."""

    id: Slug
    text: Text
    next: Text
    sets: list[Slug] = Field(default_factory=list)
    requires: list[Slug] = Field(default_factory=list)
    unless: list[Slug] = Field(default_factory=list)


class NodeEntry(Strict):
    """A node of a branching item: messages and choices, or an ending."""

    id: Slug
    messages: list[MessageEntry] = Field(default_factory=list)
    choices: list[ChoiceOfPathEntry] = Field(default_factory=list)
    ending: Literal["safe", "risky"] | None = None
    title: Text | None = None
    text: Text | None = None


class BranchingEntry(ItemEntry):
    """A `branching` item: a chat as a graph of nodes, from `start` to endings."""

    type: Literal["branching"]
    start: Text
    nodes: list[NodeEntry] = Field(min_length=1)


class StepEntry(Strict):
    """A step of an order item: one of the course's steps (`step:`), or its own `id` and `text`."""

    step: Slug | None = None  # the id of a step in lessons/steps.yaml; its text is shown
    id: Slug | None = None
    text: Text | None = None
    reason: Text | None = None

    @property
    def key(self) -> str:
        """The step's id within the item: the course step's id, or its own."""
        return self.step or self.id or ""


class ConstraintEntry(Strict):
    """An ordering that matters: `first` before `then`, and `why`, said to the learner."""

    first: Slug
    then: Slug
    why: Text


class OrderEntry(ItemEntry):
    """An `order` item: steps, and the pairs whose order matters; any order keeping them is
    right."""

    type: Literal["order"]
    steps: list[StepEntry]
    constraints: list[ConstraintEntry]


class QuizFile(Strict):
    """A quiz file; its items are checked one by one against ITEM_ENTRIES."""

    slug: Slug
    lesson: Slug
    title: Text
    items: list[Any] = Field(min_length=1)
    remember: list[Text] = Field(default_factory=list, max_length=4)  # the summary's reminders


# Item type -> the model its entries are checked against.
ITEM_ENTRIES: dict[str, type[ItemEntry]] = {
    "choice": ChoiceEntry,
    "multi": ChoiceEntry,
    "red-flags": RedFlagsEntry,
    "branching": BranchingEntry,
    "order": OrderEntry,
}
