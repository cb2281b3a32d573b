"""Read UBL totals: ``cac:TaxTotal`` (BT-110, BT-111, BG-23) and ``cac:LegalMonetaryTotal`` (BG-22)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from formats.model import VatBreakdown
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl._read_common import ReadContext, read_decimal, read_tax_category, vat_scheme

__all__ = ["TaxTotalReader", "read_monetary_total"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_vat_breakdown = builder(VatBreakdown)

_TOTALS = {
    t.CBC_LINE_EXTENSION_AMOUNT: "line_total",
    t.CBC_TAX_EXCLUSIVE_AMOUNT: "tax_exclusive",
    t.CBC_TAX_INCLUSIVE_AMOUNT: "tax_inclusive",
    t.CBC_ALLOWANCE_TOTAL_AMOUNT: "allowance_total",
    t.CBC_CHARGE_TOTAL_AMOUNT: "charge_total",
    t.CBC_PREPAID_AMOUNT: "prepaid",
    t.CBC_PAYABLE_ROUNDING_AMOUNT: "rounding",
    t.CBC_PAYABLE_AMOUNT: "payable",
}


class TaxTotalReader:
    """Read the TaxTotals of one document; the currencies (BT-5, BT-6) come before them in UBL."""

    __slots__ = (
        "ctx",
        "currency",
        "seen_vat_total",
        "tax_currency",
        "tax_total",
        "tax_total_accounting",
        "vat_breakdown",
    )

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.currency: str | None = None
        """BT-5, set by the document reader."""
        self.tax_currency: str | None = None
        """BT-6, set by the document reader."""
        self.tax_total: Decimal | None = None
        """BT-110."""
        self.tax_total_accounting: Decimal | None = None
        """BT-111."""
        self.seen_vat_total = False
        self.vat_breakdown: list[VatBreakdown] = []
        """BG-23, in document order."""

    def read(self, element: etree._Element) -> None:
        """Read a ``cac:TaxTotal``: BT-110 with BG-23, or BT-111 (VAT accounting currency, BT-6).

        The TaxTotal with subtotals (or the first one in the invoice currency) is
        BT-110; one without subtotals in the VAT accounting currency is BT-111.
        Anything else (a third TaxTotal…) is kept whole.
        """
        amount: etree._Element | None = None
        subtotals = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_TAX_AMOUNT and amount is None:
                amount = child
            elif tag == t.CAC_TAX_SUBTOTAL:
                subtotals = True
        currency = None if amount is None else amount.get("currencyID")
        in_accounting_currency = (
            not subtotals and currency is not None and currency == self.tax_currency and currency != self.currency
        )
        if not self.seen_vat_total and not in_accounting_currency:
            self.seen_vat_total = True
            self._vat_total(element, amount)
        elif not subtotals and amount is not None and self.tax_total_accounting is None:
            self.tax_total_accounting = read_decimal(amount)
            for child in element[:]:
                if child is not amount:
                    self.ctx.leftover(child)
        else:
            self.ctx.leftover(element)

    def _vat_total(self, element: etree._Element, amount: etree._Element | None) -> None:
        ctx = self.ctx
        for child in element[:]:
            tag = child.tag
            if child is amount:
                self.tax_total = read_decimal(child)
            elif tag == t.CAC_TAX_SUBTOTAL:
                breakdown = self._subtotal(child)
                if breakdown is not None:
                    self.vat_breakdown.append(breakdown)
            else:
                ctx.leftover(child)

    def _subtotal(self, element: etree._Element) -> VatBreakdown | None:
        """Read one BG-23; a subtotal outside the VAT scheme is kept whole."""
        ctx = self.ctx
        for child in element[:]:
            if child.tag == t.CAC_TAX_CATEGORY:
                if not vat_scheme(child):
                    ctx.leftover(element)
                    return None
                break
        taxable: Decimal | None = None
        amount: Decimal | None = None
        category: str | None = None
        rate: Decimal | None = None
        reason_code: str | None = None
        reason: str | None = None
        seen_category = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_TAXABLE_AMOUNT and taxable is None:
                taxable = read_decimal(child)
            elif tag == t.CBC_TAX_AMOUNT and amount is None:
                amount = read_decimal(child)
            elif tag == t.CAC_TAX_CATEGORY and not seen_category:
                seen_category = True
                values = read_tax_category(ctx, child, exemption=True)
                if values is not None:  # checked above: the first category is VAT
                    category, rate, reason_code, reason = values
            else:
                ctx.leftover(child)
        return _new_vat_breakdown(
            taxable_amount=taxable,
            tax_amount=amount,
            category=category,
            rate=rate,
            exemption_reason=reason,
            exemption_reason_code=reason_code,
        )


def read_monetary_total(ctx: ReadContext, element: etree._Element) -> dict[str, Decimal]:
    """Read ``cac:LegalMonetaryTotal`` (BG-22 but BT-110/111) as Totals field values."""
    fields: dict[str, Decimal] = {}
    for child in element[:]:
        name = _TOTALS.get(child.tag)
        if name is not None and name not in fields:
            fields[name] = read_decimal(child)
        else:
            ctx.leftover(child)
    return fields
