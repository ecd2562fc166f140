"""The course's one list of "what to do" steps (lessons/steps.yaml), as the catalogue holds it."""

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import field_serializer, field_validator

from course.content.frozen import Frozen


class StepWording(Frozen):
    """How a canonical step reads: its short text (bold in lists) and an optional detail."""

    text_html: str
    detail_html: str | None = None


class CanonicalStep(Frozen):
    """One of the course's "what to do" steps (lessons/steps.yaml), with wording per band."""

    id: str
    wording: StepWording  # for anyone (no band chosen)
    bands: Mapping[str, StepWording] = MappingProxyType({})  # bands with their own wording

    @field_validator("bands")
    @classmethod
    def read_only_bands(cls, bands: Mapping[str, StepWording]) -> Mapping[str, StepWording]:
        """Stop anyone changing a band's wording after load."""
        return MappingProxyType(dict(bands))

    @field_serializer("bands")
    def plain_bands(self, bands: Mapping[str, StepWording]) -> dict[str, StepWording]:
        """Dump the read-only mapping as a plain dict."""
        return dict(bands)

    def for_band(self, band: str | None) -> StepWording:
        """The wording this band reads; None (no band chosen) gets the wording for anyone."""
        return self.bands.get(band or "", self.wording)


class StepList(Frozen):
    """The canonical steps, in the one order every page shows them."""

    steps: tuple[CanonicalStep, ...] = ()

    def ids(self) -> tuple[str, ...]:
        """Every step's id, in the canonical order."""
        return tuple(step.id for step in self.steps)

    def step(self, step_id: str) -> CanonicalStep | None:
        """The step with this id, or None."""
        return next((step for step in self.steps if step.id == step_id), None)

    def shown(
        self, band: str | None, ids: tuple[str, ...] = ()
    ) -> tuple[tuple[CanonicalStep, StepWording], ...]:
        """The steps to show a band, in canonical order: all of them, or only those in `ids`."""
        return tuple(
            (step, step.for_band(band)) for step in self.steps if not ids or step.id in ids
        )
