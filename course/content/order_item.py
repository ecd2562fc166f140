"""An order item: steps to put in an order that keeps the constraints that matter."""

import random
from typing import Any, Literal

from pydantic import PrivateAttr

from course.content.frozen import Frozen, ItemBase


class Step(Frozen):
    """A step of an order item; `canonical` names the course step it shows, if any."""

    id: str
    text_html: str
    reason_html: str | None = None
    canonical: str | None = None


class Constraint(Frozen):
    """An ordering that matters: step `first` goes before step `then`, and why."""

    first: str
    then: str
    why_html: str


class OrderItem(ItemBase):
    """Put 4 to 7 steps in an order that keeps every constraint; any such order is right.

    `steps` holds them in one right order (the course's, for canonical steps).
    """

    type: Literal["order"]
    steps: tuple[Step, ...]
    constraints: tuple[Constraint, ...]

    _shuffled: tuple[Step, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any, /) -> None:
        """Work out the display order once."""
        shuffler = random.Random(self.id)
        steps = list(self.steps)
        for _ in range(100):  # never show a right answer (check-content asks for constraints)
            shuffler.shuffle(steps)
            if not self.keeps_all(tuple(step.id for step in steps)):
                break
        self._shuffled = tuple(steps)

    def shuffled(self) -> tuple[Step, ...]:
        """The steps in display order: the same every time, and never a right order."""
        return self._shuffled

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        return next((step for step in self.steps if step.id == step_id), None)

    def keeps_all(self, order: tuple[str, ...]) -> bool:
        """Whether `order` (step ids) puts every constraint's `first` before its `then`."""
        place = {step_id: n for n, step_id in enumerate(order)}
        return all(place.get(c.first, -1) < place.get(c.then, -1) for c in self.constraints)
