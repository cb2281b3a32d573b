"""Render the EN 16931 model as a UN/CEFACT Cross Industry Invoice (CII D16B / D22B).

Binding: EN 16931-3-3, as enforced by the CEN CII schematron 1.3.16. Elements
follow the D16B XSD sequences (``CrossIndustryInvoice_ReusableAggregate…_100pD16B.xsd``);
D22B extends those sequences, so the same output is valid there. Extensions
read from a CII source are put back in place by :func:`formats.leftovers.restore`;
D22B-only elements (EXTENDED-CTC-FR) come back that way too.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re

from lxml import etree

from formats.cii._write_lines import write_allowance_charge, write_line, write_object_reference, write_period
from formats.cii._write_parties import (
    write_delivery_party,
    write_party,
    write_payee,
    write_tax_representative,
)
from formats.cii._writing import DATE_ONLY, FORMATTED, Out
from formats.cii.namespaces import CII_NAMESPACES, TAX_POINT_CODES_2005_TO_2475
from formats.conversion import RenderResult
from formats.leftovers import restore
from formats.model import Attachment, Invoice, PaymentMeans, Totals, VatBreakdown
from formats.model._fast_init import default_test

__all__ = ["render_cii"]

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BASE36 = {char: str(int(char, 36)) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _is_iban(account: str) -> bool:
    """ISO 13616: two letters, two check digits, 11-30 alphanumerics, MOD 97-10 check.

    Spaces and hyphens are ignored, case is not significant (as python-stdnum's
    ``iban.compact``). The country-specific BBAN layout is not checked: stdnum
    does that too, at about 30 µs a call.
    """
    compact = account.replace(" ", "").replace("-", "").upper()
    if _IBAN.fullmatch(compact) is None:
        return False
    digits = "".join(_BASE36[char] for char in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


_ROOT_ATTRIBUTES = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in CII_NAMESPACES.items())
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_PROJECT_NAME = "Project reference"
#: BT-24 of the French EXTENDED-CTC-FR profile, whose syntax is CII D22B.
_D22B_MARKER = "extended-ctc-fr"
# Skipped when empty: a field-by-field test costs less than comparing with Totals().
_is_empty_totals = default_test(Totals)


def render_cii(invoice: Invoice, *, pretty: bool = True) -> RenderResult:
    """Render an invoice as CII XML (UTF-8, with an XML declaration).

    :param pretty: indent the output.
    :return: the document and a warning for everything CII cannot hold or holds differently:
        ``cii.single-preceding-invoice`` (D16B has one BG-3), ``cii.tax-point-date-code`` (BT-8
        translated to UNTDID 2475), ``cii.not-representable``, ``extension.unplaced``,
        ``extension.not-representable`` (extensions of another syntax).
    :raises ValueError: a value holds a character XML 1.0 cannot carry (e.g. U+0001).
    """
    restoring = any(ext.syntax == "cii" for ext in invoice.extensions)
    # With extensions to put back, write compact text: lxml indents the final tree.
    out = Out(pretty=pretty and not restoring)
    for ext in invoice.extensions:
        if ext.syntax != "cii":
            out.warn(
                "extension.not-representable",
                "EXT",
                f"{ext.name} comes from {ext.syntax.upper()} and has no place in CII; it is not written",
            )
    invoice = _fit(out, invoice)
    out.parts.append(_DECLARATION)
    out.open("rsm:CrossIndustryInvoice", _ROOT_ATTRIBUTES)
    _document_context(out, invoice)
    _exchanged_document(out, invoice)
    out.open("rsm:SupplyChainTradeTransaction")
    for line in invoice.lines:
        write_line(out, line)
    _agreement(out, invoice)
    _delivery(out, invoice)
    _settlement(out, invoice)
    out.close("rsm:SupplyChainTradeTransaction")
    out.close("rsm:CrossIndustryInvoice")
    if pretty and not restoring:
        out.parts.append("\n")
    data = "".join(out.parts).encode("utf-8")
    if restoring:
        data = _restore_extensions(out, data, invoice=invoice, pretty=pretty)
    return RenderResult(data, tuple(out.warnings))


def _fit(out: Out, invoice: Invoice) -> Invoice:
    """Adapt what CII holds differently from the model, with a warning naming each term.

    BT-6 (and so BT-111) equal to the invoice currency: the CEN CII rule BR-53
    wants a VAT accounting currency that differs from BT-5, and a second
    ``TaxTotalAmount`` in the same currency breaks BR-CO-15. EN 16931 uses BT-6
    only when it differs, so both are left out.
    """
    if invoice.tax_currency is None or invoice.tax_currency != invoice.currency:
        return invoice
    out.warn(
        "cii.not-representable",
        "BT-6",
        f"the VAT accounting currency (BT-6) is the invoice currency {invoice.currency}; CII carries it only "
        "when it differs (BR-53): not written",
    )
    totals = invoice.totals
    if totals is not None and totals.tax_total_accounting is not None:
        out.warn(
            "cii.not-representable",
            "BT-111",
            f"the VAT total in accounting currency (BT-111, {totals.tax_total_accounting}) is in the invoice "
            "currency; CII carries it only with a differing BT-6 (BR-53): not written",
        )
        totals = dataclasses.replace(totals, tax_total_accounting=None)
    return dataclasses.replace(invoice, tax_currency=None, totals=totals)


def _restore_extensions(out: Out, data: bytes, *, invoice: Invoice, pretty: bool) -> bytes:
    """Put the CII extensions back in place (:func:`formats.leftovers.restore`); report unplaced ones."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for ext in restore(root, invoice.extensions, "cii", CII_NAMESPACES):
        out.warn("extension.unplaced", "EXT", f"{ext.name}: its parent is not in the rebuilt document; not written")
    # Restored elements carry their own namespace declarations: hoist them to the root.
    etree.cleanup_namespaces(root, top_nsmap=dict(CII_NAMESPACES))
    body = etree.tostring(root, encoding="UTF-8", pretty_print=pretty)  # UTF-8: no declaration of its own
    return f"{_DECLARATION}\n".encode() + body if pretty else _DECLARATION.encode() + body


def _document_context(out: Out, invoice: Invoice) -> None:
    """BT-23, BT-24."""
    out.open("rsm:ExchangedDocumentContext")
    out.wrapped("ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID", value=invoice.business_process)
    out.wrapped("ram:GuidelineSpecifiedDocumentContextParameter", "ram:ID", value=invoice.specification)
    out.close("rsm:ExchangedDocumentContext")


def _exchanged_document(out: Out, invoice: Invoice) -> None:
    """BT-1, BT-3, BT-2, BG-1."""
    out.open("rsm:ExchangedDocument")
    out.leaf("ram:ID", invoice.number)
    out.leaf("ram:TypeCode", invoice.type_code)
    out.date("ram:IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        out.open("ram:IncludedNote")
        out.leaf("ram:Content", note.text)
        out.leaf("ram:SubjectCode", note.subject_code)
        out.close("ram:IncludedNote")
    out.close("rsm:ExchangedDocument")


def _agreement(out: Out, invoice: Invoice) -> None:
    """``ram:ApplicableHeaderTradeAgreement`` (``HeaderTradeAgreementType`` sequence)."""
    out.open("ram:ApplicableHeaderTradeAgreement")
    out.leaf("ram:BuyerReference", invoice.buyer_reference)
    write_party(out, "ram:SellerTradeParty", party=invoice.seller)
    write_party(out, "ram:BuyerTradeParty", party=invoice.buyer)
    write_tax_representative(out, invoice.tax_representative)
    out.wrapped("ram:SellerOrderReferencedDocument", "ram:IssuerAssignedID", value=invoice.sales_order_reference)
    out.wrapped("ram:BuyerOrderReferencedDocument", "ram:IssuerAssignedID", value=invoice.purchase_order_reference)
    out.wrapped("ram:ContractReferencedDocument", "ram:IssuerAssignedID", value=invoice.contract_reference)
    for attachment in invoice.attachments:
        _attachment(out, attachment)
    if invoice.tender_reference is not None:
        out.open("ram:AdditionalReferencedDocument")
        out.leaf("ram:IssuerAssignedID", invoice.tender_reference)
        out.leaf("ram:TypeCode", "50")
        out.close("ram:AdditionalReferencedDocument")
    write_object_reference(out, invoice.invoiced_object)
    if invoice.project_reference is not None:
        out.open("ram:SpecifiedProcuringProject")
        out.leaf("ram:ID", invoice.project_reference)
        out.leaf("ram:Name", _PROJECT_NAME)
        out.close("ram:SpecifiedProcuringProject")
    out.close("ram:ApplicableHeaderTradeAgreement")


def _attachment(out: Out, attachment: Attachment) -> None:
    """BG-24 as an ``AdditionalReferencedDocument`` with TypeCode 916."""
    out.open("ram:AdditionalReferencedDocument")
    out.leaf("ram:IssuerAssignedID", attachment.reference)
    out.leaf("ram:URIID", attachment.external_uri)
    out.leaf("ram:TypeCode", "916")
    out.leaf("ram:Name", attachment.description)
    if attachment.content is not None:
        out.coded(
            "ram:AttachmentBinaryObject",
            base64.b64encode(attachment.content).decode("ascii"),
            mimeCode=attachment.mime_code,
            filename=attachment.filename,
        )
    out.close("ram:AdditionalReferencedDocument")


def _delivery(out: Out, invoice: Invoice) -> None:
    """``ram:ApplicableHeaderTradeDelivery``: BG-13, BT-16, BT-15."""
    out.open("ram:ApplicableHeaderTradeDelivery")
    delivery = invoice.delivery
    write_delivery_party(out, delivery)
    if delivery is not None and delivery.actual_date is not None:
        out.open("ram:ActualDeliverySupplyChainEvent")
        out.date("ram:OccurrenceDateTime", delivery.actual_date)
        out.close("ram:ActualDeliverySupplyChainEvent")
    out.wrapped("ram:DespatchAdviceReferencedDocument", "ram:IssuerAssignedID", value=invoice.despatch_advice_reference)
    out.wrapped(
        "ram:ReceivingAdviceReferencedDocument", "ram:IssuerAssignedID", value=invoice.receiving_advice_reference
    )
    out.close("ram:ApplicableHeaderTradeDelivery")


def _settlement(out: Out, invoice: Invoice) -> None:
    """``ram:ApplicableHeaderTradeSettlement`` (``HeaderTradeSettlementType`` sequence)."""
    out.open("ram:ApplicableHeaderTradeSettlement")
    out.leaf("ram:CreditorReferenceID", invoice.creditor_reference)
    out.leaf("ram:PaymentReference", invoice.remittance_information)
    out.leaf("ram:TaxCurrencyCode", invoice.tax_currency)
    out.leaf("ram:InvoiceCurrencyCode", invoice.currency)
    write_payee(out, invoice.payee)
    for means in invoice.payment_means:
        _payment_means(out, means)
    tax_point_code = _tax_point_code(out, invoice.tax_point_date_code)
    for index, vat in enumerate(invoice.vat_breakdown):
        _vat_breakdown(
            out, vat, tax_point_date=invoice.tax_point_date if index == 0 else None, tax_point_code=tax_point_code
        )
    if not invoice.vat_breakdown and (invoice.tax_point_date is not None or tax_point_code is not None):
        out.warn(
            "cii.not-representable",
            "BT-7" if invoice.tax_point_date is not None else "BT-8",
            "CII carries the VAT point date (BT-7) and its code (BT-8) on a VAT breakdown (BG-23), "
            "and the invoice has none; they are not written",
        )
    write_period(out, invoice.invoicing_period)
    for charge in invoice.allowances_charges:
        write_allowance_charge(out, charge, document_level=True)
    if invoice.payment_terms is not None or invoice.due_date is not None or invoice.mandate_reference is not None:
        out.open("ram:SpecifiedTradePaymentTerms")
        out.leaf("ram:Description", invoice.payment_terms)
        out.date("ram:DueDateDateTime", invoice.due_date)
        out.leaf("ram:DirectDebitMandateID", invoice.mandate_reference)
        out.close("ram:SpecifiedTradePaymentTerms")
    _totals(out, invoice)
    _preceding_invoices(out, invoice)
    out.wrapped("ram:ReceivableSpecifiedTradeAccountingAccount", "ram:ID", value=invoice.buyer_accounting_reference)
    out.close("ram:ApplicableHeaderTradeSettlement")


def _payment_means(out: Out, means: PaymentMeans) -> None:
    """One BG-16 means; BT-84 is an ``IBANID`` when it is a valid IBAN, else a ``ProprietaryID``."""
    out.open("ram:SpecifiedTradeSettlementPaymentMeans")
    out.leaf("ram:TypeCode", means.type_code)
    out.leaf("ram:Information", means.text)
    if means.card is not None:
        out.open("ram:ApplicableTradeSettlementFinancialCard")
        out.leaf("ram:ID", means.card.primary_account_number)
        out.leaf("ram:CardholderName", means.card.holder_name)
        out.close("ram:ApplicableTradeSettlementFinancialCard")
    out.wrapped("ram:PayerPartyDebtorFinancialAccount", "ram:IBANID", value=means.debited_account)
    transfer = means.credit_transfer
    if transfer is not None:
        if transfer.account_id is not None or transfer.account_name is not None:
            out.open("ram:PayeePartyCreditorFinancialAccount")
            is_iban = transfer.account_id is not None and _is_iban(transfer.account_id)
            out.leaf("ram:IBANID", transfer.account_id if is_iban else None)
            out.leaf("ram:AccountName", transfer.account_name)
            out.leaf("ram:ProprietaryID", None if is_iban else transfer.account_id)
            out.close("ram:PayeePartyCreditorFinancialAccount")
        out.wrapped("ram:PayeeSpecifiedCreditorFinancialInstitution", "ram:BICID", value=transfer.service_provider_id)
    out.close("ram:SpecifiedTradeSettlementPaymentMeans")


def _vat_breakdown(out: Out, vat: VatBreakdown, *, tax_point_date: dt.date | None, tax_point_code: str | None) -> None:
    """BG-23, with the document-level BT-7 (first header tax only: CEN rule CII-SR-461) and BT-8.

    BT-8 is repeated on every header tax, which CII-SR-462 allows (one distinct value).
    """
    out.open("ram:ApplicableTradeTax")
    out.number("ram:CalculatedAmount", vat.tax_amount)
    out.leaf("ram:TypeCode", "VAT")
    out.leaf("ram:ExemptionReason", vat.exemption_reason)
    out.number("ram:BasisAmount", vat.taxable_amount)
    out.leaf("ram:CategoryCode", vat.category)
    out.leaf("ram:ExemptionReasonCode", vat.exemption_reason_code)
    out.date("ram:TaxPointDate", tax_point_date, kind=DATE_ONLY)
    out.leaf("ram:DueDateTypeCode", tax_point_code)
    out.number("ram:RateApplicablePercent", vat.rate)
    out.close("ram:ApplicableTradeTax")


def _tax_point_code(out: Out, code: str | None) -> str | None:
    """Return BT-8 as CII codes it: EN 16931's UNTDID 2005 3/35/432 become UNTDID 2475 5/29/72 (BR-CL-06)."""
    if code is None:
        return None
    return TAX_POINT_CODES_2005_TO_2475.get(code.strip(), code)


def _totals(out: Out, invoice: Invoice) -> None:
    """BG-22. Only ``TaxTotalAmount`` carries ``@currencyID`` (CEN rule CII-DT-031)."""
    totals = invoice.totals
    if totals is None or _is_empty_totals(totals):
        return
    out.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    out.number("ram:LineTotalAmount", totals.line_total)
    out.number("ram:ChargeTotalAmount", totals.charge_total)
    out.number("ram:AllowanceTotalAmount", totals.allowance_total)
    out.number("ram:TaxBasisTotalAmount", totals.tax_exclusive)
    out.number("ram:TaxTotalAmount", totals.tax_total, attribute="currencyID", code=invoice.currency)
    if totals.tax_total_accounting is not None and invoice.tax_currency is None:
        out.warn(
            "cii.not-representable",
            "BT-111",
            "the VAT total in accounting currency (BT-111) needs the VAT accounting currency (BT-6); it is not written",
        )
    else:
        out.number("ram:TaxTotalAmount", totals.tax_total_accounting, attribute="currencyID", code=invoice.tax_currency)
    out.number("ram:RoundingAmount", totals.rounding)
    out.number("ram:GrandTotalAmount", totals.tax_inclusive)
    out.number("ram:TotalPrepaidAmount", totals.prepaid)
    out.number("ram:DuePayableAmount", totals.payable)
    out.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation")


def _preceding_invoices(out: Out, invoice: Invoice) -> None:
    """BG-3. D16B holds one ``InvoiceReferencedDocument``; D22B (EXTENDED-CTC-FR) holds several."""
    references = invoice.preceding_invoices
    if len(references) > 1 and _D22B_MARKER not in (invoice.specification or ""):
        kept = references[0].reference
        dropped = ", ".join(reference.reference for reference in references[1:])
        out.warn(
            "cii.single-preceding-invoice",
            "BG-3",
            f"CII D16B holds one preceding invoice reference: {kept} is written, {dropped} not",
        )
        references = references[:1]
    for reference in references:
        out.open("ram:InvoiceReferencedDocument")
        out.leaf("ram:IssuerAssignedID", reference.reference)
        out.date("ram:FormattedIssueDateTime", reference.issue_date, kind=FORMATTED)
        out.close("ram:InvoiceReferencedDocument")
