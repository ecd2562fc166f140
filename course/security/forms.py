"""Forms a route reads by hand, because their fields follow the content (a question's options,
an order question's one field per step): the fields are declared once, and both reading the
form and the route's OpenAPI description come from that declaration.

Only declared fields are read, so a route cannot come to depend on a field its description
leaves out (the fuzzing tests generate requests from that description: tests/fuzz/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class DeclaredForm:
    """The fields one kind of form carries: `repeated` may come more than once (a checkbox per
    option), `single` once, and `prefix` names a family of fields (`position-<step id>`)."""

    repeated: tuple[str, ...] = ()
    single: tuple[str, ...] = ()
    prefix: str = ""

    def declares(self, name: str) -> bool:
        """Whether a field of this name is one the route reads."""
        if name in self.repeated or name in self.single:
            return True
        return bool(self.prefix) and name.startswith(self.prefix)

    async def read(self, request: Request) -> dict[str, list[str]]:
        """The declared fields of the submitted form, as lists of strings (files never)."""
        form = await request.form()
        return {
            key: [value for value in form.getlist(key) if isinstance(value, str)]
            for key in form
            if self.declares(key)
        }

    def openapi(self) -> dict[str, Any]:
        """The route's request body in OpenAPI terms, for its `openapi_extra`."""
        text: dict[str, Any] = {"type": "string"}
        properties: dict[str, Any] = {
            name: {"type": "array", "items": text} for name in self.repeated
        }
        properties.update({name: text for name in self.single})
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if self.prefix:
            schema["patternProperties"] = {f"^{re.escape(self.prefix)}": text}
        return {"requestBody": {"content": {FORM_TYPE: {"schema": schema}}}}
