"""The XPath 2.0 arithmetic and matching the official CEN Schematron relies on, in Decimal.

The native pre-checks copy the formulas of the CEN EN 16931 validation
artefacts (1.3.16, ``EN16931-{UBL,CII}-validation-preprocessed.sch``). Those
formulas use XPath ``round()``, which rounds half toward positive infinity
(``round(2.5) = 3``, ``round(-2.5) = -2``), unlike Python's ``round()`` (half to
even) and unlike ``ROUND_HALF_UP`` on negative values. Money stays in
:class:`~decimal.Decimal`; floats are never used.

Known residual difference: some CII assertions compare untyped nodes with numbers
(``ram:AllowanceTotalAmount = round(sum(...))``, ``round(B * ../ram:RateApplicablePercent)``),
which XPath evaluates in ``xs:double``. Decimal gives the exact result; the two can only
differ for values within one double ulp of a rounding or tolerance boundary.

Category codes are compared the way each syntax's Schematron does:
``normalize-space(cbc:ID) = 'S'`` in UBL, ``ram:CategoryCode = 'S'`` (verbatim) in CII.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from formats.validation.findings import Finding, Flag

__all__ = [
    "LAYER",
    "category_is",
    "fatal",
    "hundredths",
    "normalize_space",
    "round2",
    "warning",
    "xpath_round",
]

LAYER = "native"
"""Layer name of every native finding."""

_HUNDRED = Decimal(100)
_ZERO_CENTS = Decimal("0.00")
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def xpath_round(value: Decimal) -> Decimal:
    """Round to an integer as XPath 2.0 ``fn:round`` does: halves go toward +∞.

    :param value: any finite decimal.
    :return: ``round(2.5) = 3``, ``round(-2.5) = -2``, ``round(-2.6) = -3``.
    """
    # Toward +inf at .5: away from zero for positives, toward zero for negatives.
    return value.to_integral_value(rounding=ROUND_HALF_UP if value >= 0 else ROUND_HALF_DOWN)


def round2(value: Decimal) -> Decimal:
    """Return ``round(value * 10 * 10) div 100``, the CEN idiom for "rounded to two decimals".

    The result carries two decimals (``20.00``, not ``20``) so that messages show amounts.
    """
    return hundredths(xpath_round(value * _HUNDRED))


def hundredths(whole: Decimal) -> Decimal:
    """Return ``whole div 100`` with two decimals (``-0`` shown as ``0.00``)."""
    return whole.scaleb(-2) + _ZERO_CENTS


def normalize_space(value: str) -> str:
    """XPath ``normalize-space()``: trim and collapse XML whitespace (space, tab, CR, LF) only."""
    return _XML_SPACE.sub(" ", value).strip(" \t\r\n")


def category_is(value: str | None, code: str, syntax: str) -> bool:
    """Tell whether a VAT category code (BT-95/102/118/151) equals ``code`` as the syntax's rules compare it.

    :param syntax: ``ubl`` compares ``normalize-space(.)``; ``cii`` compares the text verbatim.
    """
    if value is None:
        return False
    return (normalize_space(value) if syntax == "ubl" else value) == code


def fatal(rule: str, location: str | None, message: str) -> Finding:
    """Return a fatal native finding for an official rule id."""
    return Finding(rule=rule, flag=Flag.FATAL, layer=LAYER, location=location, message=message)


def warning(rule: str, location: str | None, message: str) -> Finding:
    """Return a warning native finding (our own ``AIG-*`` checks)."""
    return Finding(rule=rule, flag=Flag.WARNING, layer=LAYER, location=location, message=message)
