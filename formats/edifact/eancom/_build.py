"""Segment building and reading helpers shared by the EANCOM reader and writer.

Value conversions and the GTIN code are the CEN binding's (same UNTDID codes,
same numeric rules); only the D96A layout of the segments differs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from formats.conversion import ConversionWarning
from formats.edifact.invoic_cen._codes import format_date, format_decimal, format_rate
from formats.edifact.segments import Segment

__all__ = [
    "GLN_AGENCY",
    "GLN_SCHEME",
    "NOT_REPRESENTABLE",
    "Element",
    "dtm",
    "moa",
    "not_representable",
    "party_id",
    "rff",
    "seg",
    "tax",
]

#: NAD C082 3055 ``9`` (GS1) ↔ ISO 6523 ICD ``0088`` (GLN) for BT-29-1, BT-46-1, BT-60-1, BT-71-1.
GLN_AGENCY: Final = "9"
GLN_SCHEME: Final = "0088"

#: Warning code of the terms EANCOM D96A INVOIC cannot carry.
NOT_REPRESENTABLE: Final = "edifact-eancom.not-representable"

Element = str | None | tuple[str | None, ...]
"""A simple data element (one value) or a composite (its components in order)."""


def seg(tag: str, *elements: Element) -> Segment:
    """Build a segment, dropping trailing empty components and elements (ISO 9735 §7.1)."""
    out: list[tuple[str, ...]] = []
    for element in elements:
        parts = [element] if not isinstance(element, tuple) else list(element)
        texts = [part or "" for part in parts]
        while texts and not texts[-1]:
            texts.pop()
        out.append(tuple(texts) or ("",))
    while out and out[-1] == ("",):
        out.pop()
    return Segment(tag, tuple(out))


def dtm(code: str, day: date | None) -> list[Segment]:
    """Return ``DTM+code:CCYYMMDD:102``, or nothing when there is no date."""
    return [seg("DTM", (code, format_date(day), "102"))] if day is not None else []


def moa(code: str, amount: Decimal | None) -> list[Segment]:
    """Return ``MOA+code:amount``, or nothing when there is no amount."""
    return [seg("MOA", (code, format_decimal(amount)))] if amount is not None else []


def rff(code: str, text: str | None, line: str | None = None) -> list[Segment]:
    """Return ``RFF+code:reference[:line]``, or nothing when there is neither."""
    return [seg("RFF", (code, text, line))] if text or line else []


def tax(category: str | None, rate: Decimal | None) -> Segment:
    """Return ``TAX+7+VAT+++:::rate+category`` (D96A C243 puts the rate in its fourth component)."""
    return seg(
        "TAX", "7", "VAT", None, None, (None, None, None, format_rate(rate) if rate is not None else None), category
    )


def party_id(value: str, scheme: str | None) -> tuple[str | None, ...]:
    """Return NAD C082 for an identifier: a GLN as ``id::9``, another scheme kept in 1131 with agency ``ZZZ``."""
    if scheme == GLN_SCHEME:
        return (value, None, GLN_AGENCY)
    return (value, scheme, "ZZZ") if scheme else (value,)


def not_representable(term: str, message: str) -> ConversionWarning:
    """Return the warning for a term EANCOM D96A INVOIC has no place for."""
    return ConversionWarning(code=NOT_REPRESENTABLE, term=term, message=message)
