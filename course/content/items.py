"""Turn one checked quiz item entry into its catalogue model, rendering its Markdown."""

from typing import TypedDict

from course.content.formats import (
    BranchingEntry,
    ChatPartEntry,
    ChoiceEntry,
    ItemEntry,
    OrderEntry,
    PartEntry,
    RedFlagsEntry,
)
from course.content.located_yaml import LineMap, Location
from course.content.markdown import render_body, render_inline
from course.content.schema import (
    BranchingItem,
    Choice,
    ChoiceItem,
    Constraint,
    Item,
    Message,
    Node,
    Option,
    OrderItem,
    Part,
    Profile,
    RedFlagsItem,
    Step,
    StepList,
)

# Endings are rendered once for every band; audience blocks are refused in them, so the band
# only names the rendering.
_ENDING_BAND = "ending"


class _Common(TypedDict):
    """The fields every item type has."""

    id: str
    prompt_html: str
    audiences: tuple[str, ...]
    explanation_html: str | None
    line: int


def build_item(
    entry: ItemEntry,
    lines: LineMap,
    at: Location,
    lesson_audiences: tuple[str, ...],
    steps: StepList | None = None,
) -> Item:
    """Render one item of any type; items without audiences get the lesson's; an order item's
    `step:` takes its text from the course's `steps`."""
    common = _common(entry, lines, at, lesson_audiences)
    if isinstance(entry, ChoiceEntry):
        return ChoiceItem(type=entry.type, options=_options(entry), **common)
    if isinstance(entry, RedFlagsEntry):
        return build_red_flags(entry, common)
    if isinstance(entry, BranchingEntry):
        return build_branching(entry, lines, at, lesson_audiences)
    if isinstance(entry, OrderEntry):
        return build_order(entry, common, steps or StepList())
    raise TypeError(f"no catalogue model for {type(entry).__name__}")


def build_order(entry: OrderEntry, common: _Common, canonical: StepList) -> OrderItem:
    """An order item; a `step:` shows the course step's text, for anyone (items have no band).

    Steps that are the course's keep the course's order among themselves.
    """
    course_order = canonical.ids()
    written = (
        sorted(
            entry.steps,
            key=lambda step: course_order.index(step.step) if step.step in course_order else -1,
        )
        if all(step.step in course_order for step in entry.steps)
        else entry.steps
    )
    steps = []
    for step in written:
        course_step = canonical.step(step.step) if step.step else None
        text = course_step.wording.text_html if course_step else render_inline(step.text or "")
        steps.append(
            Step(
                id=step.key,
                text_html=text,
                reason_html=render_inline(step.reason) if step.reason else None,
                canonical=step.step,
            )
        )
    constraints = tuple(
        Constraint(first=rule.first, then=rule.then, why_html=render_inline(rule.why))
        for rule in entry.constraints
    )
    return OrderItem(type="order", steps=tuple(steps), constraints=constraints, **common)


def _common(
    entry: ItemEntry, lines: LineMap, at: Location, lesson_audiences: tuple[str, ...]
) -> _Common:
    return _Common(
        id=entry.id,
        prompt_html=render_inline(entry.prompt),
        audiences=tuple(entry.audiences) if entry.audiences else lesson_audiences,
        explanation_html=render_inline(entry.explanation) if entry.explanation else None,
        line=lines.of(*at),
    )


def _options(entry: ChoiceEntry) -> tuple[Option, ...]:
    return tuple(
        Option(
            id=option.id,
            text_html=render_inline(option.text),
            correct=option.correct,
            feedback_html=render_inline(option.feedback),
        )
        for option in entry.options
    )


def build_red_flags(entry: RedFlagsEntry, common: _Common) -> RedFlagsItem:
    profile = None
    if entry.profile is not None:
        profile = Profile(
            name=entry.profile.name,
            handle=entry.profile.handle.removeprefix("@"),
            avatar=entry.profile.avatar,
            parts=tuple(_part(part) for part in entry.profile.parts),
        )
    chat = tuple(_part(part) for part in entry.chat)
    return RedFlagsItem(type="red-flags", profile=profile, chat=chat, **common)


def _part(part: PartEntry) -> Part:
    return Part(
        id=part.id,
        text_html=render_inline(part.text),
        flag=part.flag,
        explanation_html=render_inline(part.explanation),
        sender=part.sender if isinstance(part, ChatPartEntry) else None,
    )


def build_branching(
    entry: BranchingEntry, lines: LineMap, at: Location, lesson_audiences: tuple[str, ...]
) -> BranchingItem:
    """Render a branching item; the loader also builds one to check its graph."""
    return BranchingItem(
        type="branching",
        start=entry.start,
        nodes=build_nodes(entry, lines, at),
        **_common(entry, lines, at, lesson_audiences),
    )


def build_nodes(entry: BranchingEntry, lines: LineMap, at: Location) -> tuple[Node, ...]:
    """The nodes of a branching item, each (and each choice) with its line in the file."""
    nodes = []
    for index, node in enumerate(entry.nodes):
        where = (*at, "nodes", index)
        nodes.append(
            Node(
                id=node.id,
                messages=tuple(
                    Message(sender=message.sender, text_html=render_inline(message.text))
                    for message in node.messages
                ),
                choices=tuple(
                    Choice(
                        id=choice.id,
                        text_html=render_inline(choice.text),
                        next=choice.next,
                        sets=tuple(choice.sets),
                        requires=tuple(choice.requires),
                        unless=tuple(choice.unless),
                        line=lines.of(*where, "choices", number),
                    )
                    for number, choice in enumerate(node.choices)
                ),
                ending=node.ending,
                title=node.title,
                text_html=render_body(node.text, _ENDING_BAND) if node.text else None,
                line=lines.of(*where),
            )
        )
    return tuple(nodes)
