"""Compare two invoices field by field and name the business terms that differ.

Used to prove round trips (UBL → CII → UBL gives back the same model) and to
explain any difference with the term it concerns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from formats.model.invoice import Invoice
from formats.model.terms import term_of

__all__ = ["Difference", "diff_invoices"]

# Order-insensitive fields: the syntaxes impose their own order on these
# (CII writes every scheme-less ram:ID before every ram:GlobalID).
_UNORDERED = frozenset({"identifiers"})


@dataclass(frozen=True, slots=True)
class Difference:
    """One field that differs between two models."""

    path: str
    """Where, e.g. ``lines[2].price.base_quantity``."""
    term: str | None
    """The business term of the field (``BT-149``), when documented."""
    left: object
    """The value in the first model."""
    right: object
    """The value in the second model."""

    def __str__(self) -> str:
        term = f" ({self.term})" if self.term else ""
        return f"{self.path}{term}: {self.left!r} != {self.right!r}"


def diff_invoices(left: Invoice, right: Invoice, *, include_extensions: bool = True) -> list[Difference]:
    """Return every field that differs between two invoices (empty when equal).

    :param include_extensions: compare the extension part too; turn off when
        comparing across syntaxes, where extensions cannot survive by design.
    """
    found: list[Difference] = []
    _diff(left, right, "", None, found, include_extensions, None)
    return found


def _diff(
    left: Any, right: Any, path: str, term: str | None, out: list[Difference], ext: bool, role: str | None
) -> None:
    if left == right:
        return
    if dataclasses.is_dataclass(left) and type(left) is type(right):
        for field in dataclasses.fields(left):
            if not ext and field.name == "extensions":
                continue
            name = field.name
            sub_role = role or name  # the top-level invoice field decides seller/buyer/…
            term_role = f"{sub_role}:charge" if getattr(left, "is_charge", False) else sub_role
            sub_term = term_of(type(left).__name__, name, term_role) or term
            sub_path = f"{path}.{name}" if path else name
            a, b = getattr(left, name), getattr(right, name)
            if name in _UNORDERED and isinstance(a, tuple) and isinstance(b, tuple):
                a, b = tuple(sorted(a, key=repr)), tuple(sorted(b, key=repr))
            _diff(a, b, sub_path, sub_term, out, ext, sub_role)
        return
    if isinstance(left, tuple) and isinstance(right, tuple) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            _diff(a, b, f"{path}[{index}]", term, out, ext, role)
        return
    out.append(Difference(path, term, left, right))
