"""Model paths (``seller.address.city``, ``notes[0].text``) checked against the model and built into it.

A mapping names where a value goes by its path in :class:`~formats.model.Invoice`.
Paths are checked when the mapping loads (so a typo is a config error, not a
silent miss) and values are collected into a tree, then built into the frozen
dataclasses in one pass.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Union

from formats.model import Invoice
from formats.model.terms import term_of

__all__ = ["Leaf", "build", "resolve", "set_value", "term_for"]

_SEGMENT = re.compile(r"^([a-z][a-z0-9_]*)(?:\[(\d+)\])?$")

#: Scalar leaf types a path may end on.
Leaf = type[str] | type[Decimal] | type[date] | type[bool]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A checked path: its segments and the type of its leaf."""

    segments: tuple[tuple[str, int | None], ...]
    leaf: type
    owner: str
    """Class name holding the leaf field (for the BT lookup)."""


def _is_model(value: object) -> bool:
    """True for a model dataclass *class* (a plain bool, so mypy keeps the ``type`` annotation)."""
    return isinstance(value, type) and dataclasses.is_dataclass(value)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """Return (inner type, is_tuple) for ``X | None`` and ``tuple[X, ...]``."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (hint, False)
    if origin is tuple:
        return typing.get_args(hint)[0], True
    return hint, False


def resolve(path: str, root: type = Invoice, *, allow_list_end: bool = False) -> Resolved:
    """Check ``path`` against the model.

    :param allow_list_end: the path may end on a repeated group (a table target such as ``lines``).
    :raises ValueError: unknown field, an index on a non-repeated field, a repeated
        field without index, or a path ending on a group.
    """
    cls: Any = root
    segments: list[tuple[str, int | None]] = []
    parts = path.split(".")
    for position, part in enumerate(parts):
        found = _SEGMENT.match(part)
        if not found or not _is_model(cls):
            raise ValueError(f"{path!r}: {part!r} is not a field name")
        name, index = found.group(1), found.group(2)
        hints = _hints(cls)
        if name not in hints:
            close = [field for field in hints if field.startswith(name[:3])]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"{path!r}: {cls.__name__} has no field {name!r}{hint}")
        inner, repeated = _unwrap(hints[name])
        last = position == len(parts) - 1
        if repeated and index is None and not (last and allow_list_end):
            raise ValueError(f"{path!r}: {name!r} repeats; give an index, e.g. {name}[0]")
        if not repeated and index is not None:
            raise ValueError(f"{path!r}: {name!r} does not repeat; drop [{index}]")
        segments.append((name, None if index is None else int(index)))
        if last:
            if repeated and allow_list_end:
                return Resolved(tuple(segments), inner, cls.__name__)
            if _is_model(inner):
                raise ValueError(f"{path!r} is a group ({inner.__name__}); name one of its fields")
            return Resolved(tuple(segments), inner, cls.__name__)
        owner = cls
        cls = inner
        del owner
    raise ValueError(f"{path!r}: empty path")  # pragma: no cover - split() never returns []


def term_for(path: str, root: type = Invoice, role: str | None = None) -> str | None:
    """Return the BT/BG id of the leaf of ``path`` (``seller.name`` → ``BT-27``)."""
    try:
        resolved = resolve(path, root)
    except ValueError:
        return None
    top = role or resolved.segments[0][0]
    return term_of(resolved.owner, resolved.segments[-1][0], top)


Tree = dict[str, Any]


def set_value(tree: Tree, segments: tuple[tuple[str, int | None], ...], value: object) -> None:
    """Store ``value`` at ``segments`` in a nested dict (lists are dicts keyed by index)."""
    node = tree
    for position, (name, index) in enumerate(segments):
        last = position == len(segments) - 1
        if index is None:
            if last:
                node[name] = value
            else:
                node = node.setdefault(name, {})
        else:
            items = node.setdefault(name, {})
            if last:
                items[index] = value
            else:
                node = items.setdefault(index, {})


def build(cls: type, tree: Tree, problems: list[str], where: str = "") -> Any:
    """Build ``cls`` from a nested dict; an element missing a required field is dropped with a problem."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for name, raw in tree.items():
        inner, repeated = _unwrap(hints[name])
        path = f"{where}.{name}" if where else name
        if repeated:
            built = []
            for index in sorted(raw):
                item = raw[index]
                if isinstance(item, dict) and _is_model(inner):
                    element = build(inner, item, problems, f"{path}[{index}]")
                    if element is not None:
                        built.append(element)
                else:
                    built.append(item)
            kwargs[name] = tuple(built)
        elif isinstance(raw, dict) and _is_model(inner):
            element = build(inner, raw, problems, path)
            if element is not None:
                kwargs[name] = element
        else:
            kwargs[name] = raw
    try:
        return cls(**kwargs)
    except TypeError as exc:
        problems.append(f"{where or cls.__name__}: dropped, a required field is missing ({exc})")
        return None
