"""Checks of an order item in a quiz file: its steps, and constraints that can all be kept."""

from collections.abc import Iterator

from course.content.formats import OrderEntry
from course.content.located_yaml import LineMap, Location
from course.content.problems import Finding

MIN_STEPS, MAX_STEPS = 4, 7


def order_findings(item: OrderEntry, lines: LineMap, at: Location) -> Iterator[Finding]:
    """An order item's problems: how many steps, each step's form, ids, and its constraints."""
    count = len(item.steps)
    if not MIN_STEPS <= count <= MAX_STEPS:
        yield (
            lines.of(*at, "steps"),
            f"order item `{item.id}` has {count} step{'s' * (count != 1)}; an order item needs "
            f"{MIN_STEPS} to {MAX_STEPS} steps. Add or remove steps",
        )
    for index, step in enumerate(item.steps):
        if (step.step is None) == (step.id is None) or (step.step is None) != bool(step.text):
            yield (
                lines.of(*at, "steps", index),
                f"a step of item `{item.id}` needs either `step:` (the id of a step in "
                "lessons/steps.yaml, whose text is shown) or its own `id:` and `text:`, "
                "not both. Write one or the other",
            )
    seen: set[str] = set()
    for index, step in enumerate(item.steps):
        if step.key in seen:
            yield (
                lines.of(*at, "steps", index),
                f"step `{step.key}` is used twice in item `{item.id}`. Give each step its own id",
            )
        seen.add(step.key)
    yield from _constraint_findings(item, lines, at)


def _constraint_findings(item: OrderEntry, lines: LineMap, at: Location) -> Iterator[Finding]:
    """Constraints name two different steps of the item, and never go round in a circle."""
    if not item.constraints:
        yield (
            lines.of(*at, "constraints"),
            f"order item `{item.id}` has no constraints. Add at least one pair of steps whose "
            "order matters, as `first:`, `then:` and `why:`",
        )
    keys = [step.key for step in item.steps]
    after: dict[str, set[str]] = {key: set() for key in keys}
    for index, rule in enumerate(item.constraints):
        where = (*at, "constraints", index)
        unknown = [name for name in (rule.first, rule.then) if name not in after]
        if unknown:
            yield (
                lines.of(*where),
                f"the constraint names `{unknown[0]}`, which is not a step of item "
                f"`{item.id}`. Use one of: {', '.join(keys)}",
            )
        elif rule.first == rule.then:
            yield (
                lines.of(*where),
                f"the constraint puts `{rule.first}` before itself. Name two different steps",
            )
        elif _reaches(after, rule.then, rule.first):
            yield (
                lines.of(*where),
                f"this constraint (`{rule.first}` before `{rule.then}`) goes round in a circle "
                f"with the ones above it, so no order could keep them all. Remove or turn round "
                "one of them",
            )
        else:
            after[rule.first].add(rule.then)


def _reaches(after: dict[str, set[str]], start: str, goal: str) -> bool:
    """Whether the constraints so far put `goal` somewhere after `start`."""
    seen, todo = set(), [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        if here not in seen:
            seen.add(here)
            todo.extend(after.get(here, ()))
    return False
