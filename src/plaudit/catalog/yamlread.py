"""YAML reading that remembers where each value came from, so errors can name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from plaudit.errors import PlauditError

JsonPath = tuple[str | int, ...]


class YamlDocument:
    """Parsed YAML plus the 1-based line of every mapping key and sequence item."""

    def __init__(self, path: str, data: Any, lines: dict[JsonPath, int]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, json_path: JsonPath) -> int | None:
        """Line of `json_path`, or of its nearest ancestor that has one."""
        key = tuple(json_path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def read_yaml(path: Path, error: type[PlauditError]) -> YamlDocument:
    """Read one YAML file; every problem becomes `error` with the file and line.

    Duplicate keys are an error (PyYAML would silently keep the last one, and a catalog that lists a
    table twice has two truths).
    """
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path=shown) from None
    if b"\x00" in raw[:8192]:
        raise error("binary file, not YAML", path=shown, hint="point the option at the YAML file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8", path=shown, line=bad_line, hint="save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line: int | None = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", path=shown, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path=shown) from None
    lines: dict[JsonPath, int] = {}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, shown, error)
    return YamlDocument(shown, data, lines)


def _walk(
    node: yaml.Node, here: JsonPath, lines: dict[JsonPath, int], path: str, error: type[PlauditError]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                where = ".".join(str(p) for p in (*here, key))
                raise error(
                    f"duplicate key '{where}' (first at line {seen[key]})",
                    path=path,
                    line=line,
                    hint="merge the two entries into one",
                )
            seen[key] = line
            lines[(*here, key)] = line
            _walk(value_node, (*here, key), lines, path, error)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*here, index)] = item.start_mark.line + 1
            _walk(item, (*here, index), lines, path, error)
