"""YAML that remembers the file line of every key and list entry, for exact problem reports."""

from typing import Any

import yaml

from course.content.problems import Finding

# Where a value sits in a document: keys and list positions from the top, like ("items", 0).
Location = tuple[str | int, ...]


class LineMap:
    """The file line of each key and list entry in one YAML document."""

    def __init__(
        self, lines: dict[Location, int], text_lines: dict[Location, int] | None = None
    ) -> None:
        self._lines = lines
        self._text_lines = text_lines or {}

    def of(self, *location: str | int) -> int:
        """Return the line of this location, or of its nearest parent that has one."""
        while location not in self._lines:
            location = location[:-1]
        return self._lines[location]

    def text_of(self, *location: str | int) -> int:
        """Return the line a text value starts on: after `|` or `>`, the line below its key."""
        return self._text_lines.get(location) or self.of(*location)


def read_yaml(
    text: str, first_line: int = 1, root_line: int | None = None
) -> tuple[Any, LineMap, list[Finding]]:
    """Parse YAML that starts at `first_line` of its file; return data, lines and findings.

    Problems with the document as a whole (a missing field) point at `root_line`.
    """
    try:
        loader = yaml.SafeLoader(text)  # refuses a control character before any parsing
    except yaml.reader.ReaderError as error:
        line = first_line + text.count("\n", 0, error.position)
        what = f"a character YAML does not allow (U+{error.character:04X})"
        return None, LineMap({(): line}), [(line, f"broken YAML: {what}. Delete it")]
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        what = error.problem or error.context or "the YAML cannot be read"
        return None, LineMap({(): line}), [(line, f"broken YAML: {what}. {_YAML_HINT}")]
    except yaml.YAMLError as error:
        return None, LineMap({(): first_line}), [(first_line, f"broken YAML: {error}")]
    finally:
        loader.dispose()
    lines: dict[Location, int] = {(): root_line or first_line}
    text_lines: dict[Location, int] = {}
    findings: list[Finding] = []
    if node is not None:
        _record(node, (), first_line, lines, findings, text_lines)
    return data, LineMap(lines, text_lines), findings


_YAML_HINT = (
    "Check the indentation and that every `name:` is followed by a space; "
    "put text containing `: ` or starting with a symbol in quotes"
)


def _record(
    node: yaml.Node,
    location: Location,
    first_line: int,
    lines: dict[Location, int],
    findings: list[Finding],
    text_lines: dict[Location, int],
) -> None:
    """Record the line of every key and entry below `node`, and report duplicate keys.

    For text values, `text_lines` gets the line the text itself starts on.
    """
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            line = first_line + key_node.start_mark.line
            if (*location, key) in lines:
                findings.append((line, f"`{key}` appears twice here. Keep only one of them"))
                continue
            lines[(*location, key)] = line
            if isinstance(value_node, yaml.ScalarNode):
                block = value_node.style in ("|", ">")
                text_lines[(*location, key)] = first_line + value_node.start_mark.line + block
            _record(value_node, (*location, key), first_line, lines, findings, text_lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, entry in enumerate(node.value):
            lines[(*location, index)] = first_line + entry.start_mark.line
            _record(entry, (*location, index), first_line, lines, findings, text_lines)
