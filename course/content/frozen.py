"""The bases of the catalogue's models: immutable once loaded, and what every item has."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base for catalogue models: immutable once loaded."""

    model_config = ConfigDict(frozen=True)


class ItemBase(Frozen):
    """What every item has: an id, a prompt, who sees it and where it is written."""

    id: str
    prompt_html: str
    audiences: tuple[str, ...]
    explanation_html: str | None
    line: int
