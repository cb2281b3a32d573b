"""Check a YAML document against a JSON Schema, naming file, line and key.

A focused checker for the JSON Schema subset our config schemas use (``type``,
``properties``, ``required``, ``additionalProperties``, ``items``, ``enum``,
``pattern``, ``minLength``, ``minItems``, ``minimum``, local ``$ref``): enough
for ``schemas/*.schema.json`` without a runtime dependency. Line numbers come
from PyYAML's node marks (``yaml.compose``), so every problem says where it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Problem", "check_schema", "key_lines", "load_schema"]

_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

Key = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a config file."""

    key: Key
    """Key path, e.g. ``("fields", "number", "regex")``."""
    line: int | None
    """1-based line in the file, when known."""
    message: str
    """What is wrong."""

    def render(self, source: str) -> str:
        """Return ``file:line: key: message``."""
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {format_key(self.key) or '(top)'}: {self.message}"


def format_key(key: Key) -> str:
    """Render a key path as ``fields.number.regex`` / ``tables[0].row``."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return ``schemas/<name>.schema.json``."""
    data: dict[str, Any] = json.loads((_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return data


def key_lines(text: str) -> dict[Key, int]:
    """Map every key path of a YAML document to its 1-based line (of the key, or the item)."""
    lines: dict[Key, int] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return lines
    lines[()] = root.start_mark.line + 1

    def walk(node: yaml.Node, path: Key) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                sub = (*path, str(key_node.value))
                lines[sub] = key_node.start_mark.line + 1
                walk(value_node, sub)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                sub = (*path, index)
                lines[sub] = item.start_mark.line + 1
                walk(item, sub)

    walk(root, ())
    return lines


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _type_ok(value: object, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def _describe(value: object) -> str:
    kind = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "an integer"}.get(
        type(value), type(value).__name__
    )
    shown = repr(value) if isinstance(value, str | int | float | bool) else ""
    return f"{kind} {shown}".strip()


def check_schema(data: object, schema: dict[str, Any], lines: dict[Key, int]) -> list[Problem]:
    """Return every place where ``data`` breaks ``schema`` (empty when it conforms)."""
    problems: list[Problem] = []
    _check(data, schema, schema, (), lines, problems)
    return problems


def _line(lines: dict[Key, int], key: Key) -> int | None:
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key)


def _check(
    value: object, schema: dict[str, Any], root: dict[str, Any], key: Key, lines: dict[Key, int], out: list[Problem]
) -> None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        schema = target

    def problem(message: str, at: Key = key) -> None:
        out.append(Problem(at, _line(lines, at), message))

    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(json.dumps(choice) for choice in schema["enum"])
        problem(f"expected one of {choices}, got {_describe(value)}")
        return
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_type_ok(value, name) for name in names):
            problem(f"expected {' or '.join(names)}, got {_describe(value)}")
            return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            problem("must not be empty")
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, value):
            problem(f"{value!r} does not match {pattern}")
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and "minimum" in schema and value < schema["minimum"]:
        problem(f"must be at least {schema['minimum']}, got {value}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problem(f"needs at least {schema['minItems']} item(s)")
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                _check(item, items, root, (*key, index), lines, out)
    if isinstance(value, dict):
        properties: dict[str, Any] = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problem(f"missing required key {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            sub = (*key, str(name))
            if name in properties:
                _check(item, properties[name], root, sub, lines, out)
            elif extra is False:
                close = get_close_matches(str(name), list(properties), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(sorted(properties))})"
                problem(f"unknown key {name!r}{hint}", sub)
            elif isinstance(extra, dict):
                _check(item, extra, root, sub, lines, out)
