"""Native pre-checks: the CEN EN 16931 calculation and VAT rules, and our own checks, on the model.

:func:`native_checks` is what :class:`~formats.validation.engine.Validator`
runs after reading a document into the canonical model (``Validator(native_checks=native_checks)``).
It answers in microseconds where the official Schematron takes milliseconds,
with messages that name the business terms and the values
(``BT-106 (1234.50) != Σ BT-131 (1234.55)``).

Two kinds of findings, all in the ``native`` layer:

- official rule ids (:data:`OFFICIAL_RULES`), fatal, each copying the CEN 1.3.16
  assertion of the document's syntax (:mod:`~formats.validation.native_totals`,
  :mod:`~formats.validation.native_vat`). They must agree with the CEN layer:
  ``tests/corpus/test_native_agreement.py`` proves it on the corpus;
- our own ``AIG-*`` checks (:mod:`~formats.validation.native_ids`), warnings only,
  so that they never make a document invalid by themselves.

Arithmetic follows XPath (:mod:`~formats.validation.native_xpath`): Decimal only,
``round()`` half toward +∞.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import localcontext
from types import MappingProxyType

from formats.model import Invoice
from formats.validation.findings import Finding
from formats.validation.native_ids import ID_RULES, check_identifiers
from formats.validation.native_totals import TOTALS_RULES, check_totals
from formats.validation.native_vat import VAT_RULES, check_vat
from formats.validation.native_xpath import LAYER, xpath_round

__all__ = ["LAYER", "OFFICIAL_RULES", "OWN_RULES", "SYNTAXES", "native_checks", "xpath_round"]

OFFICIAL_RULES: Mapping[str, frozenset[str]] = MappingProxyType(
    {syntax: TOTALS_RULES[syntax] | VAT_RULES[syntax] for syntax in ("ubl", "cii")}
)
"""CEN rule ids the native checks implement, per syntax (fatal, same verdict as the CEN layer)."""
OWN_RULES = ID_RULES
"""Aiguillage rule ids (``AIG-*``, warnings)."""
SYNTAXES = frozenset({"ubl", "cii"})
"""Syntaxes whose rule variants are implemented."""

# Amounts have at most a few dozen digits; this precision keeps every sum and product exact.
_PRECISION = 60


def native_checks(invoice: Invoice, syntax: str) -> list[Finding]:
    """Run the native pre-checks on one invoice read from ``syntax``.

    :param invoice: the canonical model of the document.
    :param syntax: ``ubl`` or ``cii`` (the official rules differ slightly between
        them); for any other syntax only the ``AIG-*`` warnings run.
    :return: fatal findings for failed official rules, warnings for ``AIG-*``.
    """
    with localcontext(prec=_PRECISION):
        found: list[Finding] = []
        if syntax in SYNTAXES:
            found += check_totals(invoice, syntax)
            found += check_vat(invoice, syntax)
        found += check_identifiers(invoice)
        return found
