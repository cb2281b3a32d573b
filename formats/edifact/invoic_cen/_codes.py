"""Qualifiers and small value conversions shared by the CEN INVOIC reader and writer.

The qualifier choices follow CEN/TS 16931-3-4 as its official schematron
(``EN16931-EDIFACT-validation``) and its examples use them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from formats.errors import ParseError

__all__ = [
    "DOCUMENT_REFERENCES",
    "EXEMPT_CATEGORIES",
    "GENERAL_NOTE",
    "GTIN_SCHEME",
    "GTIN_TYPE",
    "TOTALS",
    "format_date",
    "format_decimal",
    "format_rate",
    "parse_date",
    "parse_decimal",
]

#: SG1 RFF 1153 → Invoice field for the simple document references (BT-11 … BT-17).
DOCUMENT_REFERENCES: Final = {
    "AEP": "project_reference",
    "CT": "contract_reference",
    "ON": "purchase_order_reference",
    "VN": "sales_order_reference",
    "ALO": "receiving_advice_reference",
    "AAK": "despatch_advice_reference",
    "GC": "tender_reference",
    "PQ": "remittance_information",
}

#: SG52 MOA 5025 → Totals field (BG-22).
TOTALS: Final = {
    "79": "line_total",
    "260": "allowance_total",
    "259": "charge_total",
    "389": "tax_exclusive",
    "176": "tax_total",
    "2": "tax_total_accounting",
    "388": "tax_inclusive",
    "113": "prepaid",
    "366": "rounding",
    "9": "payable",
}

#: VAT categories whose breakdown carries an exemption reason (FTX+AGM), in BT-118 terms.
EXEMPT_CATEGORIES: Final = frozenset({"E", "AE", "K", "G", "O"})

#: FTX 4451 written for a note without subject code (BT-21): UNTDID 4451 "general information".
GENERAL_NOTE: Final = "GEN"

#: UNTDID 7143 ``SRV`` (GS1 GTIN) ↔ ISO 6523 ICD ``0160`` (GTIN) for BT-157-1.
GTIN_TYPE: Final = "SRV"
GTIN_SCHEME: Final = "0160"


def parse_decimal(text: str, where: str) -> Decimal:
    """Parse an EDIFACT numeric value (either decimal mark), keeping its precision.

    :raises ParseError: not a number.
    """
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation as error:
        raise ParseError(f"{where}: {text!r} is not a number") from error


def format_decimal(number: Decimal) -> str:
    """Write a decimal without exponent, as EDIFACT numeric data elements require."""
    return format(number, "f")


def format_rate(rate: Decimal) -> str:
    """Write a VAT rate in its shortest form (``25``, not ``25.00``).

    The CEN EDIFACT rules match breakdowns to lines by comparing rates as text
    (BR-S-08 …), so every TAX segment must spell the same rate the same way.
    """
    return format(rate.normalize(), "f")


def parse_date(text: str, qualifier: str, where: str) -> date:
    """Parse a DTM value in format 102 (``CCYYMMDD``) or 203 (``CCYYMMDDHHMM``, date part kept).

    :raises ParseError: another format, or not a date.
    """
    if qualifier not in ("102", "203", ""):
        raise ParseError(f"{where}: date format {qualifier!r} is not supported (use 102)")
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as error:
        raise ParseError(f"{where}: {text!r} is not a CCYYMMDD date") from error


def format_date(day: date) -> str:
    """Write a date in format 102 (``CCYYMMDD``)."""
    return day.strftime("%Y%m%d")
