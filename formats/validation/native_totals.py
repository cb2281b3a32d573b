"""Document totals (BG-22): the CEN calculation rules BR-CO-10 … BR-CO-16 on the model.

Each check copies the assertion of the CEN 1.3.16 artefacts for the document's
syntax (``EN16931-UBL-validation-preprocessed.sch``, ``EN16931-CII-validation-preprocessed.sch``),
including when it does not apply and where the two syntaxes differ:

- UBL checks BR-CO-10/11/12/13/16 on ``cac:LegalMonetaryTotal``; CII on
  ``ram:SpecifiedTradeSettlementHeaderMonetarySummation``. Without that element
  the rules do not run.
- BR-CO-13 in UBL keeps BT-106 unrounded when there is neither BT-107 nor BT-108;
  CII rounds it.
- BR-CO-16 rounds in UBL and is exact in CII.
- BR-CO-14 and BR-CO-15 run for UBL only (see :data:`TOTALS_RULES`); BR-CO-15 in
  UBL also needs exactly one ``cac:TaxTotal/cbc:TaxAmount`` in the invoice currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from formats.model import Invoice, Totals
from formats.validation.findings import Finding
from formats.validation.native_xpath import fatal, round2

__all__ = ["check_totals", "TOTALS_RULES"]

_COMMON = frozenset({"BR-CO-10", "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-16"})
TOTALS_RULES: Mapping[str, frozenset[str]] = MappingProxyType(
    {"ubl": _COMMON | {"BR-CO-14", "BR-CO-15"}, "cii": _COMMON}
)
"""Official rule ids this module implements, per syntax.

CII BR-CO-14 and BR-CO-15 are left out: their context and count select
``ram:TaxTotalAmount[@currencyID = BT-5]``, and the model does not keep ``@currencyID``
(a TaxTotalAmount in another currency reads as BT-110), so native and CEN would disagree.
"""

_ZERO = Decimal(0)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    # XPath sum() over the values that exist; sum(()) = 0.
    return sum((v for v in values if v is not None), _ZERO)


def _show(value: Decimal | None) -> str:
    return "missing" if value is None else str(value)


def _monetary_total(totals: Totals | None, syntax: str) -> Totals | None:
    """Return the totals when the syntax's BG-22 element exists (the context of BR-CO-10…13, 16)."""
    if totals is None:
        return None
    if syntax == "ubl":
        # The UBL reader also builds Totals for a lone cac:TaxTotal (BT-110);
        # cac:LegalMonetaryTotal exists when one of its amounts was read.
        fields = (
            totals.line_total,
            totals.allowance_total,
            totals.charge_total,
            totals.tax_exclusive,
            totals.tax_inclusive,
            totals.prepaid,
            totals.rounding,
            totals.payable,
        )
        lone_tax_total = totals.tax_total is not None or totals.tax_total_accounting is not None
        # An empty cac:LegalMonetaryTotal still gives Totals (all None) when no TaxTotal was read.
        return totals if any(v is not None for v in fields) or not lone_tax_total else None
    return totals


def check_totals(invoice: Invoice, syntax: str) -> list[Finding]:
    """Run BR-CO-10 … BR-CO-16 on one invoice.

    :param syntax: ``ubl`` or ``cii``: which artefact's variant of each rule to follow.
    :return: one fatal finding per failed rule.
    """
    found: list[Finding] = []
    totals = _monetary_total(invoice.totals, syntax)
    if totals is not None:
        found += _br_co_10(invoice, totals)
        found += _br_co_11_12(invoice, totals, charges=False)
        found += _br_co_11_12(invoice, totals, charges=True)
        found += _br_co_13(totals, syntax)
        found += _br_co_16(totals, syntax)
    if syntax == "ubl":
        # CII checks BR-CO-14/15 only on a ram:TaxTotalAmount whose @currencyID is BT-5; the model
        # does not keep that attribute, so those two rules run for UBL only (see TOTALS_RULES).
        found += _br_co_14(invoice)
        found += _br_co_15(invoice)
    return found


def _br_co_10(invoice: Invoice, totals: Totals) -> list[Finding]:
    expected = round2(_sum(line.net_amount for line in invoice.lines))
    if totals.line_total is not None and totals.line_total == expected:
        return []
    message = f"BT-106 ({_show(totals.line_total)}) != Σ BT-131 ({expected})"
    return [fatal("BR-CO-10", "totals.line_total", message)]


def _br_co_11_12(invoice: Invoice, totals: Totals, *, charges: bool) -> list[Finding]:
    items = invoice.charges if charges else invoice.allowances
    declared = totals.charge_total if charges else totals.allowance_total
    expected = round2(_sum(item.amount for item in items))
    if (declared is not None and declared == expected) or (declared is None and not items):
        return []
    rule, term, part, field = (
        ("BR-CO-12", "BT-108", "BT-99", "charge_total")
        if charges
        else ("BR-CO-11", "BT-107", "BT-92", "allowance_total")
    )
    return [fatal(rule, f"totals.{field}", f"{term} ({_show(declared)}) != Σ {part} ({expected})")]


def _br_co_13(totals: Totals, syntax: str) -> list[Finding]:
    lines, allowances, charges, exclusive = (
        totals.line_total,
        totals.allowance_total,
        totals.charge_total,
        totals.tax_exclusive,
    )
    expected: Decimal | None = None
    if lines is not None:
        if allowances is None and charges is None and syntax == "ubl":
            expected = lines  # UBL compares BT-106 as is in this case
        else:
            expected = round2(lines - (allowances or _ZERO) + (charges or _ZERO))
    if exclusive is not None and expected is not None and exclusive == expected:
        return []
    formula = "BT-106 − BT-107 + BT-108"
    message = f"BT-109 ({_show(exclusive)}) != {formula} ({_show(expected)})"
    return [fatal("BR-CO-13", "totals.tax_exclusive", message)]


def _tax_amounts_in_invoice_currency(invoice: Invoice) -> list[Decimal]:
    """The invoice's TaxTotal amounts in the invoice currency (BT-5), as far as the model shows them."""
    totals = invoice.totals
    if totals is None or totals.tax_total is None:
        return []
    found = [totals.tax_total]
    if totals.tax_total_accounting is not None and invoice.tax_currency is None:
        # Without BT-6 the UBL reader keeps a second cac:TaxTotal as BT-111: a second BT-110.
        found.append(totals.tax_total_accounting)
    return found


def _br_co_14(invoice: Invoice) -> list[Finding]:
    # Context: the cac:TaxTotal holding the breakdown; it passes when that TaxTotal has no subtotal.
    totals = invoice.totals
    declared = totals.tax_total if totals is not None else None
    expected = round2(_sum(vat.tax_amount for vat in invoice.vat_breakdown))
    if not invoice.vat_breakdown or (declared is not None and declared == expected):
        return []
    message = f"BT-110 ({_show(declared)}) != Σ BT-117 ({expected})"
    return [fatal("BR-CO-14", "totals.tax_total", message)]


def _br_co_15(invoice: Invoice) -> list[Finding]:
    if invoice.currency is None:
        return []  # "every $Currency in BT-5 satisfies …" holds vacuously
    totals = invoice.totals if invoice.totals is not None else Totals()
    taxes = _tax_amounts_in_invoice_currency(invoice)
    exclusive, inclusive = totals.tax_exclusive, totals.tax_inclusive
    if len(taxes) != 1:
        message = (
            f"BT-110 in {invoice.currency} must be given exactly once (one cac:TaxTotal/cbc:TaxAmount), "
            f"found {len(taxes)}"
        )
        return [fatal("BR-CO-15", "totals.tax_total", message)]
    expected = round2(exclusive + taxes[0]) if exclusive is not None else None
    if inclusive is not None and expected is not None and inclusive == expected:
        return []
    message = f"BT-112 ({_show(inclusive)}) != BT-109 ({_show(exclusive)}) + BT-110 ({taxes[0]}) ({_show(expected)})"
    return [fatal("BR-CO-15", "totals.tax_inclusive", message)]


def _br_co_16(totals: Totals, syntax: str) -> list[Finding]:
    payable, inclusive, prepaid, rounding = totals.payable, totals.tax_inclusive, totals.prepaid, totals.rounding
    ok = False
    expected: Decimal | None = None
    if payable is not None and inclusive is not None:
        if syntax == "cii":
            expected = inclusive - (prepaid or _ZERO) + (rounding or _ZERO)
            ok = payable == expected
        elif rounding is None:
            expected = inclusive if prepaid is None else round2(inclusive - prepaid)
            ok = payable == expected
        else:
            # UBL compares BT-115 − BT-114 with BT-112 − BT-113, each rounded (BT-112 as is without BT-113).
            target = inclusive if prepaid is None else round2(inclusive - prepaid)
            ok = round2(payable - rounding) == target
            expected = target + rounding
    if ok:
        return []
    message = f"BT-115 ({_show(payable)}) != BT-112 − BT-113 + BT-114 ({_show(expected)})"
    return [fatal("BR-CO-16", "totals.payable", message)]
