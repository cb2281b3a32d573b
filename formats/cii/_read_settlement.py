"""Read ``ram:ApplicableHeaderTradeSettlement`` (CII): payment, VAT breakdown, totals.

BG-16 … BG-19 payment instructions, BG-20/21 document allowances and charges,
BG-22 totals, BG-23 VAT breakdown, BG-3 preceding invoice, BT-5/6/19/20/83/89/90.
Split from :mod:`formats.cii.reader` (one concern per module).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from formats.cii._read_lines import (
    read_accounting_account,
    read_allowance_charge,
    read_period,
    read_vat_type,
)
from formats.cii._read_parties import read_party
from formats.cii._reading import LOCAL, ReadContext
from formats.cii.namespaces import TAX_POINT_CODES_2475_TO_2005, URI_TO_PREFIX
from formats.leftovers import element_path
from formats.model import (
    AllowanceCharge,
    CreditTransfer,
    PaymentCard,
    PaymentMeans,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from formats.model._fast_init import builder

__all__ = ["read_settlement"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_vat_breakdown = builder(VatBreakdown)
_new_totals = builder(Totals)
_new_payment_means = builder(PaymentMeans)
_new_preceding_invoice = builder(PrecedingInvoice)
_new_credit_transfer = builder(CreditTransfer)


_SETTLEMENT_TEXTS = {
    "CreditorReferenceID": "creditor_reference",
    "PaymentReference": "remittance_information",
    "TaxCurrencyCode": "tax_currency",
    "InvoiceCurrencyCode": "currency",
}


def read_settlement(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-5/6, BT-7/8, BT-9, BT-19, BT-20, BT-83, BT-89/90, BG-3, BG-10, BG-14, BG-16, BG-20 … BG-23."""
    means: list[PaymentMeans] = []
    breakdown: list[VatBreakdown] = []
    charges: list[AllowanceCharge] = []
    preceding: list[PrecedingInvoice] = []
    terms_seen = False
    for child in element[:]:
        name = LOCAL[child.tag]
        field = _SETTLEMENT_TEXTS.get(name)
        if field is not None and field not in values:
            values[field] = child.text or ""
        elif name == "PayeeTradeParty" and "payee" not in values:
            fields = read_party(ctx, child, role="payee")
            if fields is not None:
                values["payee"] = fields.payee()
        elif name == "SpecifiedTradeSettlementPaymentMeans":
            means.append(_payment_means(ctx, child))
        elif name == "ApplicableTradeTax":
            vat = _vat_breakdown(ctx, child, invoice=values)
            if vat is not None:
                breakdown.append(vat)
        elif name == "BillingSpecifiedPeriod" and "invoicing_period" not in values:
            period = read_period(ctx, child, terms=("BT-73", "BT-74"))
            if period is not None:
                values["invoicing_period"] = period
        elif name == "SpecifiedTradeAllowanceCharge":
            charge = read_allowance_charge(ctx, child, document_level=True)
            if charge is not None:
                charges.append(charge)
        elif name == "SpecifiedTradePaymentTerms" and not terms_seen:
            terms_seen = True
            _payment_terms(ctx, child, values=values)
        elif name == "SpecifiedTradeSettlementHeaderMonetarySummation" and "totals" not in values:
            _totals(ctx, child, invoice=values)
        elif name == "InvoiceReferencedDocument":
            reference = _preceding_invoice(ctx, child)
            if reference is not None:
                preceding.append(reference)
        elif name == "ReceivableSpecifiedTradeAccountingAccount" and "buyer_accounting_reference" not in values:
            account = read_accounting_account(ctx, child)
            if account is not None:
                values["buyer_accounting_reference"] = account
        else:
            ctx.leftover(child)
    for field, items in (
        ("payment_means", means),
        ("vat_breakdown", breakdown),
        ("allowances_charges", charges),
        ("preceding_invoices", preceding),
    ):
        if items:
            values[field] = tuple(items)


def _payment_means(ctx: ReadContext, element: etree._Element) -> PaymentMeans:
    """One BG-16 means: BT-81, BT-82, BG-18 card, BT-91 debited account, BG-17 credit transfer."""
    values: dict[str, Any] = {}
    transfer: dict[str, Any] = {}
    account_seen = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "TypeCode" and "type_code" not in values:
            values["type_code"] = child.text or ""
        elif name == "Information" and "text" not in values:
            values["text"] = child.text or ""
        elif name == "ApplicableTradeSettlementFinancialCard" and "card" not in values:
            card = _card(ctx, child)
            if card is not None:
                values["card"] = card
        elif name == "PayerPartyDebtorFinancialAccount" and "debited_account" not in values:
            _single(ctx, child, values=values, field="debited_account", names=("IBANID",))
        elif name == "PayeePartyCreditorFinancialAccount" and not account_seen:
            account_seen = True
            _creditor_account(ctx, child, transfer=transfer)
        elif name == "PayeeSpecifiedCreditorFinancialInstitution" and "service_provider_id" not in transfer:
            _single(ctx, child, values=transfer, field="service_provider_id", names=("BICID",))
        else:
            ctx.leftover(child)
    if transfer:
        values["credit_transfer"] = _new_credit_transfer(**transfer)
    return _new_payment_means(**values)


def _single(
    ctx: ReadContext, element: etree._Element, *, values: dict[str, Any], field: str, names: tuple[str, ...]
) -> None:
    """Map the first child named in ``names`` to ``field``; the rest are leftovers."""
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name in names and field not in values:
            values[field] = child.text or ""
        else:
            ctx.leftover(child)
    if field not in values:
        ctx.unmapped(element, mark)


def _creditor_account(ctx: ReadContext, element: etree._Element, *, transfer: dict[str, Any]) -> None:
    """BT-84 from ``IBANID`` or ``ProprietaryID`` (the first one), BT-85 ``AccountName``."""
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name in ("IBANID", "ProprietaryID") and "account_id" not in transfer:
            transfer["account_id"] = child.text or ""
        elif name == "AccountName" and "account_name" not in transfer:
            transfer["account_name"] = child.text or ""
        else:
            ctx.leftover(child)
    if "account_id" not in transfer and "account_name" not in transfer:
        ctx.unmapped(element, mark)


def _card(ctx: ReadContext, element: etree._Element) -> PaymentCard | None:
    """BG-18: ``ID`` BT-87 (required by the model), ``CardholderName`` BT-88."""
    mark = len(ctx.extensions)
    number: str | None = None
    holder: str | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ID" and number is None:
            number = child.text or ""
        elif name == "CardholderName" and holder is None:
            holder = child.text or ""
        else:
            ctx.leftover(child)
    if number is None:
        ctx.unmapped(element, mark)
        return None
    return PaymentCard(primary_account_number=number, holder_name=holder)


_VAT_TEXTS = {
    "ExemptionReason": "exemption_reason",
    "CategoryCode": "category",
    "ExemptionReasonCode": "exemption_reason_code",
}
_VAT_NUMBERS = {"CalculatedAmount": "tax_amount", "BasisAmount": "taxable_amount", "RateApplicablePercent": "rate"}


def _vat_breakdown(ctx: ReadContext, element: etree._Element, *, invoice: dict[str, Any]) -> VatBreakdown | None:
    """BG-23 entry; BT-7/BT-8 are document-level terms, taken from the first header tax that has them."""
    if not read_vat_type(element):
        ctx.leftover(element)
        return None
    values: dict[str, Any] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        if name in _VAT_NUMBERS and _VAT_NUMBERS[name] not in values:
            values[_VAT_NUMBERS[name]] = ctx.number(child)
        elif name in _VAT_TEXTS and _VAT_TEXTS[name] not in values:
            values[_VAT_TEXTS[name]] = child.text or ""
        elif name == "TypeCode":
            continue
        elif name == "TaxPointDate":
            point = ctx.date(child, "BT-7")
            if point is not None:
                _document_level(ctx, child, invoice=invoice, field="tax_point_date", value=point, term="BT-7")
        elif name == "DueDateTypeCode":
            code = child.text or ""
            # The model holds BT-8 as EN 16931 defines it (UNTDID 2005); CII says the same in UNTDID 2475.
            code = TAX_POINT_CODES_2475_TO_2005.get(code.strip(), code) if code else code
            _document_level(ctx, child, invoice=invoice, field="tax_point_date_code", value=code, term="BT-8")
        else:
            ctx.leftover(child)
    return _new_vat_breakdown(**values)


def _document_level(
    ctx: ReadContext, element: etree._Element, *, invoice: dict[str, Any], field: str, value: object, term: str
) -> None:
    known = invoice.setdefault(field, value)
    if known != value:
        path = element_path(element, URI_TO_PREFIX)
        ctx.warn(
            "cii.differing-tax-point",
            term,
            f"{path}: {value!s} differs from {known!s} on an earlier header ApplicableTradeTax; "
            f"EN 16931 has one {term} per invoice, the first value is kept",
        )


def _payment_terms(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-20 ``Description``, BT-9 ``DueDateDateTime``, BT-89 ``DirectDebitMandateID``."""
    mark = len(ctx.extensions)
    found = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "Description" and "payment_terms" not in values:
            values["payment_terms"] = child.text or ""
            found = True
        elif name == "DueDateDateTime" and "due_date" not in values:
            due = ctx.date(child, "BT-9")
            if due is not None:
                values["due_date"] = due
                found = True
        elif name == "DirectDebitMandateID" and "mandate_reference" not in values:
            values["mandate_reference"] = child.text or ""
            found = True
        else:
            ctx.leftover(child)
    if not found:
        ctx.unmapped(element, mark)


_TOTALS = {
    "LineTotalAmount": "line_total",
    "ChargeTotalAmount": "charge_total",
    "AllowanceTotalAmount": "allowance_total",
    "TaxBasisTotalAmount": "tax_exclusive",
    "RoundingAmount": "rounding",
    "GrandTotalAmount": "tax_inclusive",
    "TotalPrepaidAmount": "prepaid",
    "DuePayableAmount": "payable",
}


def _totals(ctx: ReadContext, element: etree._Element, *, invoice: dict[str, Any]) -> None:
    """BG-22. ``TaxTotalAmount`` is BT-110 in the invoice currency, BT-111 in the VAT currency (BT-6)."""
    mark = len(ctx.extensions)
    values: dict[str, Any] = {}
    tax_currency = invoice.get("tax_currency")
    for child in element[:]:
        name = LOCAL[child.tag]
        field = _TOTALS.get(name)
        if field is not None and field not in values:
            values[field] = ctx.number(child)
        elif name == "TaxTotalAmount":
            # BT-110 unless it is in the VAT accounting currency (BT-6) and that differs from BT-5.
            currency = child.get("currencyID")
            in_tax_currency = tax_currency is not None and currency == tax_currency
            if "tax_total" not in values and not (in_tax_currency and currency != invoice.get("currency")):
                values["tax_total"] = ctx.number(child)
            elif "tax_total_accounting" not in values and tax_currency is not None:
                values["tax_total_accounting"] = ctx.number(child)
            else:
                ctx.leftover(child)
        else:
            ctx.leftover(child)
    if not values:
        ctx.unmapped(element, mark)
        return
    invoice["totals"] = _new_totals(**values)


def _preceding_invoice(ctx: ReadContext, element: etree._Element) -> PrecedingInvoice | None:
    """BG-3: ``IssuerAssignedID`` BT-25 (required by the model), ``FormattedIssueDateTime`` BT-26."""
    mark = len(ctx.extensions)
    values: dict[str, Any] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "IssuerAssignedID" and "reference" not in values:
            values["reference"] = child.text or ""
        elif name == "FormattedIssueDateTime" and "issue_date" not in values:
            issued = ctx.date(child, "BT-26")
            if issued is not None:
                values["issue_date"] = issued
        else:
            ctx.leftover(child)
    if "reference" not in values:
        ctx.unmapped(element, mark)
        return None
    return _new_preceding_invoice(**values)
