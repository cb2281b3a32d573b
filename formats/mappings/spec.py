"""Mapping files: one issuer layout, YAML → JSON Schema → frozen dataclasses.

The model follows invoice2data's templates (issuer keywords, regex fields,
line tables, options) with three changes: targets are EN 16931 model paths,
checked on load; anchors (a label and a relative position) beside regexes; and
every problem in a file is reported at once as ``file:line: key: message``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import yaml

from formats.config_schema import Key, Problem, check_schema, format_key, key_lines, load_schema
from formats.errors import ConfigError
from formats.mappings.targets import Resolved, resolve
from formats.mappings.values import LOCALES
from formats.model import Invoice

__all__ = ["Anchor", "Column", "FieldRule", "Mapping", "Match", "Options", "Table", "load_mapping"]

ValueType = Literal["text", "date", "amount", "decimal", "code"]
Scalar = str | Decimal | date | bool

_LEAF_TYPES: dict[type, tuple[str, ...]] = {
    str: ("text", "code"),
    Decimal: ("amount", "decimal"),
    date: ("date",),
}
_DEFAULT_TYPE: dict[type, ValueType] = {str: "text", Decimal: "amount", date: "date", bool: "code"}


@dataclass(frozen=True, slots=True)
class Match:
    """How to recognise the issuer's documents."""

    keywords: tuple[str, ...] = ()
    """All must appear in the text."""
    exclude_keywords: tuple[str, ...] = ()
    """None may appear."""
    identifiers: tuple[str, ...] = ()
    """At least one must appear (spaces ignored), when any are given: SIREN, VAT number…"""


@dataclass(frozen=True, slots=True)
class Options:
    """Notation used by the issuer."""

    decimal_separator: str = "."
    """``,`` (French, German) or ``.``."""
    thousands_separators: str = ", \u00a0"
    """Characters accepted between digit groups."""
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    """``strptime`` formats tried in order."""
    currency: str | None = None
    """BT-5 when no field or constant gives it."""
    absolute_amounts: bool = False
    """Drop minus signs (credit notes printed with negative amounts)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Find a value by its label: to the right of it, or below it in the same column."""

    label: str
    position: Literal["right", "below"] = "right"
    offset: int = 1
    """For ``below``: how many non-empty lines down."""
    pattern: re.Pattern[str] | None = None
    """Optional regex with one group applied to the text found."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """How raw text becomes a value."""

    type: ValueType
    formats: tuple[str, ...] | None = None
    code_map: tuple[tuple[str, str], ...] = ()
    remove_spaces: bool = False


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One document-level field."""

    name: str
    target: str
    resolved: Resolved
    conversion: Conversion
    regex: re.Pattern[str] | None = None
    anchor: Anchor | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a table row, taken from a named group."""

    target: str
    resolved: Resolved
    groups: tuple[str, ...]
    """Named groups tried in order; the first that matched gives the value."""
    conversion: Conversion


@dataclass(frozen=True, slots=True)
class Table:
    """A repeated group read row by row: invoice lines, VAT breakdown, allowances…"""

    name: str
    target: str
    resolved: Resolved
    row_type: type
    row: re.Pattern[str]
    columns: tuple[Column, ...]
    start: re.Pattern[str] | None = None
    end: re.Pattern[str] | None = None
    continuation: tuple[re.Pattern[str], ...] = ()
    constants: tuple[tuple[str, Resolved, Scalar], ...] = ()
    """Row fields set on every row (they win over columns)."""
    defaults: tuple[tuple[str, Resolved, Scalar], ...] = ()
    """Row fields set on a row only when no column of that row filled them."""
    sequence: Resolved | None = None
    min_rows: int = 1


@dataclass(frozen=True, slots=True)
class Mapping:
    """A loaded, checked mapping file."""

    source: str
    issuer: str
    match: Match
    options: Options
    fields: tuple[FieldRule, ...]
    tables: tuple[Table, ...]
    defaults: tuple[tuple[str, Resolved, Scalar], ...]
    constants: tuple[tuple[str, Resolved, Scalar], ...]
    not_shown: tuple[str, ...]
    """Business terms the visual does not show (documentation, checked by corpus tests)."""


class _Collector:
    def __init__(self, lines: dict[Key, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, key: Key, message: str) -> None:
        probe = key
        while probe and probe not in self.lines:
            probe = probe[:-1]
        self.problems.append(Problem(key, self.lines.get(probe), message))

    def regex(self, pattern: str, key: Key, *, groups: int | None = None) -> re.Pattern[str] | None:
        try:
            compiled = re.compile(pattern, re.MULTILINE)
        except re.error as exc:
            self.add(key, f"bad regex: {exc}")
            return None
        if groups is not None and compiled.groups != groups:
            self.add(key, f"regex needs exactly {groups} capture group(s), has {compiled.groups}")
        return compiled

    def target(self, path: str, key: Key, root: type = Invoice, *, table: bool = False) -> Resolved | None:
        try:
            return resolve(path, root, allow_list_end=table)
        except ValueError as exc:
            self.add(key, f"unknown target: {exc}")
            return None


def _conversion(spec: dict[str, Any], resolved: Resolved, key: Key, out: _Collector) -> Conversion:
    leaf = resolved.leaf
    kind: ValueType = spec.get("type") or _DEFAULT_TYPE.get(leaf, "text")
    allowed = _LEAF_TYPES.get(leaf)
    if allowed is not None and kind not in allowed:
        out.add((*key, "type"), f"type {kind!r} cannot fill a {leaf.__name__} field (use {' or '.join(allowed)})")
    formats = spec.get("formats")
    return Conversion(
        type=kind,
        formats=tuple(formats) if formats else None,
        code_map=tuple((str(k), str(v)) for k, v in (spec.get("map") or {}).items()),
        remove_spaces=bool(spec.get("remove-spaces", False)),
    )


def _scalar(value: object, resolved: Resolved, key: Key, out: _Collector) -> Scalar | None:
    leaf = resolved.leaf
    if leaf is bool:
        if isinstance(value, bool):
            return value
    elif leaf is Decimal:
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            try:
                return Decimal(str(value))
            except ArithmeticError:
                pass
    elif leaf is date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
    elif isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    out.add(key, f"expected a {leaf.__name__} value, got {value!r}")
    return None


def _values(
    block: dict[str, Any], key: Key, out: _Collector, root: type = Invoice
) -> tuple[tuple[str, Resolved, Scalar], ...]:
    found = []
    for path, value in block.items():
        resolved = out.target(path, (*key, path), root)
        if resolved is None:
            continue
        scalar = _scalar(value, resolved, (*key, path), out)
        if scalar is not None:
            found.append((path, resolved, scalar))
    return tuple(found)


def _table(name: str, spec: dict[str, Any], key: Key, default_target: str | None, out: _Collector) -> Table | None:
    target = spec.get("target", default_target)
    if target is None:
        out.add(key, "missing required key 'target'")
        return None
    resolved = out.target(target, (*key, "target"), table=True)
    if resolved is None:
        return None
    row_type = resolved.leaf
    row = out.regex(spec["row"], (*key, "row"))
    continuation = tuple(
        compiled
        for index, pattern in enumerate(spec.get("continuation", []))
        if (compiled := out.regex(pattern, (*key, "continuation", index))) is not None
    )
    groups = set(row.groupindex) if row else set()
    for pattern in continuation:
        groups |= set(pattern.groupindex)
    columns = []
    for path, column in spec["fields"].items():
        column_key = (*key, "fields", path)
        col_resolved = out.target(path, column_key, row_type)
        if col_resolved is None:
            continue
        names = (column["group"],) if isinstance(column["group"], str) else tuple(column["group"])
        for group in names:
            if row is not None and group not in groups:
                out.add((*column_key, "group"), f"no named group {group!r} in row or continuation regexes")
        columns.append(Column(path, col_resolved, names, _conversion(column, col_resolved, column_key, out)))
    sequence = None
    if "sequence" in spec:
        sequence = out.target(spec["sequence"], (*key, "sequence"), row_type)
    start = out.regex(spec["start"], (*key, "start")) if "start" in spec else None
    end = out.regex(spec["end"], (*key, "end")) if "end" in spec else None
    if row is None:
        return None
    return Table(
        name=name,
        target=target,
        resolved=resolved,
        row_type=row_type,
        row=row,
        columns=tuple(columns),
        start=start,
        end=end,
        continuation=continuation,
        constants=_values(spec.get("constants", {}), (*key, "constants"), out, row_type),
        defaults=_values(spec.get("defaults", {}), (*key, "defaults"), out, row_type),
        sequence=sequence,
        min_rows=int(spec.get("min-rows", 1)),
    )


def _field(name: str, spec: dict[str, Any], key: Key, out: _Collector) -> FieldRule | None:
    target = spec.get("target", name)
    resolved = out.target(target, (*key, "target") if "target" in spec else key)
    has_regex, has_anchor = "regex" in spec, "anchor" in spec
    if has_regex == has_anchor:
        out.add(key, "give exactly one of 'regex' or 'anchor'")
    regex = out.regex(spec["regex"], (*key, "regex"), groups=1) if has_regex else None
    anchor = None
    if has_anchor:
        block = spec["anchor"]
        pattern = out.regex(block["regex"], (*key, "anchor", "regex"), groups=1) if "regex" in block else None
        anchor = Anchor(block["label"], block.get("position", "right"), int(block.get("offset", 1)), pattern)
    if resolved is None:
        return None
    return FieldRule(
        name=name,
        target=target,
        resolved=resolved,
        conversion=_conversion(spec, resolved, key, out),
        regex=regex,
        anchor=anchor,
        required=bool(spec.get("required", True)),
    )


def _options(spec: dict[str, Any]) -> Options:
    decimal, thousands = LOCALES.get(spec.get("locale", ""), (".", ", \u00a0"))
    decimal = spec.get("decimal-separator", decimal)
    if "decimal-separator" in spec and "locale" not in spec:
        thousands = LOCALES["fr"][1] if decimal == "," else LOCALES["en"][1]
    return Options(
        decimal_separator=decimal,
        thousands_separators=spec.get("thousands-separators", thousands),
        date_formats=tuple(spec.get("date-formats", ("%Y-%m-%d",))),
        currency=spec.get("currency"),
        absolute_amounts=bool(spec.get("absolute-amounts", False)),
    )


def load_mapping(text: str, source: str) -> Mapping:
    """Load and check one mapping file.

    :param text: the YAML text.
    :param source: the file name, for messages.
    :raises ConfigError: listing every problem as ``file:line: key: message``
        (unknown or misspelt keys, wrong types, missing keys, bad regexes,
        unknown model paths).
    """
    try:
        data = yaml.safe_load(text)
        lines = key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ConfigError(f"{where}: not valid YAML: {exc}", path=source) from exc
    problems = check_schema(data, load_schema("mapping"), lines)
    if problems or not isinstance(data, dict):
        raise _error(source, problems or [Problem((), 1, "expected a mapping")])
    out = _Collector(lines)
    fields = tuple(
        rule
        for name, spec in (data.get("fields") or {}).items()
        if (rule := _field(name, spec, ("fields", name), out)) is not None
    )
    tables: list[Table] = []
    for name, default_target in (("lines", "lines"), ("vat", "vat_breakdown")):
        if name in data and (table := _table(name, data[name], (name,), default_target, out)) is not None:
            tables.append(table)
    for index, spec in enumerate(data.get("tables", [])):
        if (table := _table(f"tables[{index}]", spec, ("tables", index), None, out)) is not None:
            tables.append(table)
    options = data.get("options", {})
    for index, fmt in enumerate(options.get("date-formats", [])):
        if "%" not in fmt:
            out.add(("options", "date-formats", index), f"{fmt!r} has no strptime code such as %d")
    mapping = Mapping(
        source=source,
        issuer=data["issuer"],
        match=Match(
            keywords=tuple(data["match"].get("keywords", ())),
            exclude_keywords=tuple(data["match"].get("exclude-keywords", ())),
            identifiers=tuple(data["match"].get("identifiers", ())),
        ),
        options=_options(options),
        fields=fields,
        tables=tuple(tables),
        defaults=_values(data.get("defaults", {}), ("defaults",), out),
        constants=_values(data.get("constants", {}), ("constants",), out),
        not_shown=tuple(data.get("not-shown", ())),
    )
    if not (mapping.match.keywords or mapping.match.identifiers):
        out.add(("match",), "give at least one keyword or identifier")
    if out.problems:
        raise _error(source, out.problems)
    return mapping


def _error(source: str, problems: list[Problem]) -> ConfigError:
    ordered = sorted(problems, key=lambda p: (p.line or 0, format_key(p.key)))
    return ConfigError(
        f"{len(ordered)} problem(s) in mapping file:\n" + "\n".join(p.render(source) for p in ordered),
        path=source,
    )
