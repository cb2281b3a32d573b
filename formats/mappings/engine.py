"""Apply a mapping to the text of a plain PDF: fields, tables, defaults, constants, then native checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from formats.mappings.spec import Column, Conversion, FieldRule, Mapping, Options, Scalar, Table
from formats.mappings.targets import Resolved, build, set_value, term_for
from formats.mappings.values import parse_date, parse_number
from formats.model import Invoice
from formats.validation.findings import Finding
from formats.validation.native import native_checks

__all__ = ["MappingResult", "TraceEntry", "apply_mapping", "match_mapping", "mapping_score"]

_CURRENCY = (("currency", None),)

RuleKind = Literal["regex", "anchor", "table", "default", "constant", "option"]


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """Where one value of the model came from."""

    target: str
    """Model path, e.g. ``seller.name`` or ``lines[1].quantity``."""
    term: str | None
    """Business term of the target (``BT-27``)."""
    kind: RuleKind
    """Which kind of rule produced it."""
    rule: str
    """The rule: field name, table name and group, or the default/constant key."""
    raw: str | None
    """The text matched (None for defaults and constants)."""
    value: Scalar
    """The value stored in the model."""


@dataclass(frozen=True, slots=True)
class MappingResult:
    """The outcome of applying a mapping to one text."""

    issuer: str
    """The mapping's issuer."""
    source: str
    """The mapping file."""
    invoice: Invoice
    """The model built."""
    trace: tuple[TraceEntry, ...]
    """One entry per value stored, in rule order."""
    warnings: tuple[str, ...]
    """Fields that did not match, values that did not parse, tables that stayed empty."""
    missing_required: tuple[str, ...]
    """Names of required fields that produced no value."""
    findings: tuple[Finding, ...]
    """Native pre-check findings (CII rules) on the model built."""

    @property
    def complete(self) -> bool:
        """True when every required field matched."""
        return not self.missing_required


def _clean(raw: str) -> str:
    parts = [line.strip() for line in raw.splitlines()]
    return "\n".join(part for part in parts if part)


def _convert(raw: str, conversion: Conversion, options: Options, resolved: Resolved) -> Scalar:
    text = _clean(raw)
    if conversion.code_map:
        table = dict(conversion.code_map)
        lowered = {key.casefold(): value for key, value in conversion.code_map}
        if text in table:
            text = table[text]
        elif text.casefold() in lowered:
            text = lowered[text.casefold()]
        else:
            raise ValueError(f"{text!r} is not in the field's map ({', '.join(table)})")
    if conversion.remove_spaces:
        text = "".join(text.split())
    if conversion.type == "date":
        return parse_date(text, conversion.formats or options.date_formats)
    if conversion.type in ("amount", "decimal"):
        value = parse_number(text, decimal_separator=options.decimal_separator, thousands=options.thousands_separators)
        return abs(value) if options.absolute_amounts and conversion.type == "amount" else value
    if resolved.leaf is bool:
        return text.casefold() in ("true", "1", "yes", "charge")
    return text


def _anchor_text(rule: FieldRule, text: str) -> tuple[str, str] | None:
    anchor = rule.anchor
    assert anchor is not None
    lines = text.splitlines()
    for number, line in enumerate(lines):
        column = line.find(anchor.label)
        if column < 0:
            continue
        if anchor.position == "right":
            rest = line[column + len(anchor.label) :]
            candidate = re.split(r"\s{2,}", rest.strip(" :\t"))[0] if rest.strip(" :\t") else ""
        else:
            below = [later for later in lines[number + 1 :] if later.strip()]
            if len(below) < anchor.offset:
                return None
            target = below[anchor.offset - 1]
            start = column
            while start > 0 and not target[start - 1].isspace():
                start -= 1
            candidate = re.split(r"\s{2,}", target[start:].strip())[0] if target[start:].strip() else ""
        if anchor.pattern is not None:
            found = anchor.pattern.search(candidate)
            if not found:
                continue
            candidate = found.group(1)
        if candidate:
            return candidate, f"{anchor.label!r} {anchor.position}"
    return None


def _rows(table: Table, text: str) -> list[tuple[dict[str, str], str]]:
    body = text
    if table.start is not None:
        found = table.start.search(body)
        if not found:
            return []
        body = body[found.end() :]
    if table.end is not None:
        found = table.end.search(body)
        if found:
            body = body[: found.start()]
    rows: list[tuple[dict[str, str], str]] = []
    for line in body.splitlines():
        hit = table.row.search(line)
        if hit:
            rows.append(({k: v for k, v in hit.groupdict().items() if v is not None}, line.strip()))
            continue
        if rows:
            for pattern in table.continuation:
                more = pattern.search(line)
                if more:
                    groups, raw = rows[-1]
                    for key, value in more.groupdict().items():
                        if value is not None and key not in groups:
                            groups[key] = value
                    rows[-1] = (groups, f"{raw}\n{line.strip()}")
                    break
    return rows


def apply_mapping(mapping: Mapping, text: str) -> MappingResult:
    """Build an invoice from ``text`` with ``mapping`` and run the native pre-checks on it.

    Rules run in this order: fields, tables, defaults (only where nothing was
    found), constants (always win). Nothing raises on a miss: misses are warnings.
    """
    tree: dict[str, object] = {}
    trace: list[TraceEntry] = []
    warnings: list[str] = []
    missing: list[str] = []
    filled: set[str] = set()

    def store(path: str, value: Scalar, entry: TraceEntry, segments: tuple[tuple[str, int | None], ...]) -> None:
        set_value(tree, segments, value)
        filled.add(path)
        trace.append(entry)

    for rule in mapping.fields:
        if rule.regex is not None:
            hit = rule.regex.search(text)
            found = (hit.group(1), rule.regex.pattern) if hit and hit.group(1) is not None else None
            kind: RuleKind = "regex"
        else:
            found = _anchor_text(rule, text)
            kind = "anchor"
        if found is None:
            (missing if rule.required else []).append(rule.name)
            warnings.append(f"field {rule.name!r} ({rule.target}): no match")
            continue
        raw, how = found
        try:
            value = _convert(raw, rule.conversion, mapping.options, rule.resolved)
        except ValueError as exc:
            (missing if rule.required else []).append(rule.name)
            warnings.append(f"field {rule.name!r} ({rule.target}): {exc}")
            continue
        entry = TraceEntry(rule.target, term_for(rule.target), kind, f"{rule.name}: {how}", raw, value)
        store(rule.target, value, entry, rule.resolved.segments)

    for table in mapping.tables:
        rows = _rows(table, text)
        if len(rows) < table.min_rows:
            warnings.append(
                f"table {table.name!r} ({table.target}): {len(rows)} row(s) found, expected at least {table.min_rows}"
            )
        head = table.resolved.segments
        role = head[0][0]
        for index, (groups, _raw) in enumerate(rows):
            for inner, resolved, value, rule_name, raw_value in _table_items(
                table, groups, index, mapping.options, warnings
            ):
                path = f"{table.target}[{index}].{inner}"
                segments = (*head[:-1], (head[-1][0], index), *resolved.segments)
                row_kind: RuleKind = "table" if raw_value is not None else "constant"
                if raw_value is None and rule_name.startswith(f"{table.name}.defaults."):
                    row_kind = "default"
                term = term_for(inner, table.row_type, role)
                store(path, value, TraceEntry(path, term, row_kind, rule_name, raw_value, value), segments)

    for path, resolved, value in mapping.defaults:
        if path not in filled:
            entry = TraceEntry(path, term_for(path), "default", f"defaults.{path}", None, value)
            store(path, value, entry, resolved.segments)
    currency = mapping.options.currency
    if currency and "currency" not in filled and all(path != "currency" for path, _, _ in mapping.constants):
        store(
            "currency",
            currency,
            TraceEntry("currency", "BT-5", "option", "options.currency", None, currency),
            _CURRENCY,
        )
    for path, resolved, value in mapping.constants:
        entry = TraceEntry(path, term_for(path), "constant", f"constants.{path}", None, value)
        store(path, value, entry, resolved.segments)

    problems: list[str] = []
    invoice = build(Invoice, tree, problems)
    warnings.extend(problems)
    findings = tuple(native_checks(invoice, "cii"))
    return MappingResult(
        mapping.issuer, mapping.source, invoice, tuple(trace), tuple(warnings), tuple(missing), findings
    )


def _table_items(
    table: Table, groups: dict[str, str], index: int, options: Options, warnings: list[str]
) -> Iterable[tuple[str, Resolved, Scalar, str, str | None]]:
    column: Column
    filled: set[str] = set()
    for column in table.columns:
        group, raw = next(((name, groups[name]) for name in column.groups if groups.get(name, "").strip()), ("", None))
        if raw is None:
            continue
        try:
            value = _convert(raw, column.conversion, options, column.resolved)
        except ValueError as exc:
            warnings.append(f"table {table.name!r} row {index + 1} {column.target}: {exc}")
            continue
        filled.add(column.target)
        yield column.target, column.resolved, value, f"{table.name}.{group}", raw
    for path, resolved, value in table.defaults:
        if path not in filled:
            yield path, resolved, value, f"{table.name}.defaults.{path}", None
    if table.sequence is not None:
        path = ".".join(name for name, _ in table.sequence.segments)
        yield path, table.sequence, str(index + 1), f"{table.name}.sequence", None
    for path, resolved, value in table.constants:
        yield path, resolved, value, f"{table.name}.constants.{path}", None


def mapping_score(mapping: Mapping, text: str) -> int | None:
    """Return how specifically ``mapping`` matches ``text`` (None: it does not match)."""
    match = mapping.match
    if not all(keyword in text for keyword in match.keywords):
        return None
    if any(keyword in text for keyword in match.exclude_keywords):
        return None
    score = len(match.keywords)
    if match.identifiers:
        squeezed = "".join(text.split())
        hits = sum(1 for ident in match.identifiers if "".join(ident.split()) in squeezed)
        if not hits:
            return None
        score += hits
    return score


def match_mapping(mappings: Sequence[Mapping], text: str) -> Mapping | None:
    """Pick the mapping whose issuer matches ``text`` best (most keywords and identifiers found).

    :return: None when no mapping matches.
    """
    best: tuple[int, Mapping] | None = None
    for mapping in mappings:
        score = mapping_score(mapping, text)
        if score is not None and (best is None or score > best[0]):
            best = (score, mapping)
    return best[1] if best else None
