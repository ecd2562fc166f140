"""Check YAML data against a format model and say, in writers' words, what to fix and where."""

from difflib import get_close_matches
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from course.content.located_yaml import LineMap, Location
from course.content.problems import Finding
from course.content.schema import AUDIENCES, AVATARS, KEY_MESSAGES

Model = TypeVar("Model", bound=BaseModel)

EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list, like [a, b]",
    "dict_type": "a set of `name: value` lines",
    "model_type": "a set of `name: value` lines",
}
MISSING_HINTS = {
    "feedback": "with a sentence that explains why this answer is right or wrong",
    "options": "with 2 to 6 options",
    "type": "with `choice`, `multi`, `red-flags`, `branching` or `order`",
    "explanation": "with a sentence that explains why this part is or is not a warning sign",
    "flag": "with `true` if this part is a warning sign, otherwise `false`",
    "from": "with who sends it: `them` or `you` (or `story` for narration in a branching chat)",
    "avatar": f"with one of {', '.join(AVATARS)}",
    "parts": "with the parts of the profile a learner can select",
    "start": "with the id of the node the chat starts at",
    "nodes": "with the nodes of the chat",
    "next": "with the id of the node this choice leads to",
    "steps": "with 4 to 7 steps, in the right order",
    "reason": "with a sentence that explains why this step sits where it does",
    "constraints": "with the pairs of steps whose order matters (`first:`, `then:`, `why:`)",
    "first": "with the id of the step that must come first",
    "then": "with the id of the step that must come after it",
    "why": "with a sentence, simple enough for an 11-year-old, saying why this order matters",
}


def check_fields(
    model: type[Model], data: Any, lines: LineMap, location: Location = ()
) -> tuple[Model | None, list[Finding]]:
    """Validate `data` (found at `location`) against `model`; return it or the findings."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        findings = [
            (lines.of(*location, *detail["loc"]), describe(detail, model))
            for detail in error.errors()
        ]
        return None, findings


def describe(detail: ErrorDetails, model: type[BaseModel]) -> str:
    """Say what is wrong with one field and what to do about it."""
    kind, value = detail["type"], detail["input"]
    field = _field_name(detail["loc"])
    if kind == "missing":
        name = str(detail["loc"][-1])
        return f"`{name}` is missing. Add `{name}:` {MISSING_HINTS.get(name, 'to this part')}"
    if kind == "extra_forbidden" and detail["loc"] == ("minutes",):
        return (
            "`minutes` is worked out now, from the lesson's words and questions "
            "(course/content/minutes.py). Remove this line"
        )
    if kind == "extra_forbidden":
        owner = _model_at(model, detail["loc"][:-1])
        return f"unknown field {field}. {_suggest(str(detail['loc'][-1]), owner)}"
    if kind in EXPECTED:
        return f"{field} should be {EXPECTED[kind]}, not `{value}`. Change it to {EXPECTED[kind]}"
    if kind == "blank":
        return f"{field} is empty. Write the text it needs"
    if kind == "string_pattern_mismatch":
        return (
            f"{field} is `{value}`. Use only lower-case letters, digits and single hyphens, "
            "like `what-is-sextortion`"
        )
    if kind == "audience":
        return f"unknown audience `{value}`. Use one or more of {', '.join(AUDIENCES)}"
    if kind == "avatar":
        return f"unknown avatar `{value}`. Use one of {', '.join(AVATARS)}"
    if kind == "sender":
        allowed = detail.get("ctx", {}).get("allowed", "")
        return f"unknown sender `{value}` in `from`. Use {allowed}"
    if kind == "key_message":
        return f"unknown key message `{value}`. Use ids from docs/CONTENT.md: {_key_messages()}"
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = detail.get("ctx", {}).get("ge", detail.get("ctx", {}).get("le"))
        more_or_less = "or more" if kind == "greater_than_equal" else "or less"
        return f"{field} is `{value}`. Use {limit} {more_or_less}"
    if kind == "too_short":
        least = detail.get("ctx", {}).get("min_length", 1)
        return f"{field} needs at least {least} entr{'y' if least == 1 else 'ies'}. Add them"
    if kind == "literal_error":
        return f"{field} is `{value}`. Use {detail.get('ctx', {}).get('expected', '')}"
    return f"{field}: {detail['msg'].lower()}. Fix the value"


def _field_name(location: tuple[int | str, ...]) -> str:
    """Name a field for a writer: `audiences` (entry 2)."""
    names = [part for part in location if isinstance(part, str)]
    name = f"`{names[-1]}`" if names else "this value"
    if location and isinstance(location[-1], int):
        return f"{name} (entry {location[-1] + 1})"
    return name


def _model_at(model: type[BaseModel], location: tuple[int | str, ...]) -> type[BaseModel]:
    """Find the model that describes the part at `location`, like an option inside an item."""
    for part in location:
        if isinstance(part, int):
            continue
        names = {field.alias or name: name for name, field in model.model_fields.items()}
        if part not in names:
            break
        nested = _nested_models(model.model_fields[names[part]].annotation)
        if not nested:
            break
        model = nested[0]
    return model


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The models inside a field's type, like OptionEntry in `list[OptionEntry] | None`."""
    if _is_model(annotation):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _nested_models(arg)]


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _suggest(unknown: str, model: type[BaseModel]) -> str:
    """Suggest the field a typo probably meant."""
    fields = [field.alias or name for name, field in model.model_fields.items()]
    close = get_close_matches(unknown, fields, n=1)
    if close:
        return f"Did you mean `{close[0]}`? Otherwise remove it"
    return f"Remove it; the fields are: {', '.join(fields)}"


def _key_messages() -> str:
    return ", ".join(KEY_MESSAGES)
