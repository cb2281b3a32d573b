"""Render the EN 16931 model as a UBL 2.1 Invoice or CreditNote.

Binding: CEN/TS 16931-3-2 (UBL 2.1), elements in the order of the UBL 2.1
``InvoiceType`` / ``CreditNoteType`` sequences. The root is ``CreditNote`` when
BT-3 is a credit-note type code (:attr:`~formats.model.Invoice.is_credit_note`).

UBL extensions of the model are put back where the source had them
(:func:`formats.leftovers.restore`); extensions of another syntax, and model
content UBL cannot hold, become :class:`~formats.conversion.ConversionWarning`.
"""

from __future__ import annotations

import base64
import dataclasses
from decimal import Decimal

from lxml import etree

from formats.conversion import ConversionWarning, RenderResult
from formats.errors import NotRepresentable
from formats.leftovers import restore
from formats.model import ExtensionElement, Identifier, Invoice, PaymentMeans
from formats.ubl import _tags as t
from formats.ubl._write_common import write_allowance_charge, write_amount, write_date, write_period
from formats.ubl._write_lines import write_line
from formats.ubl._write_parties import write_delivery, write_party, write_payee, write_tax_representative
from formats.ubl._xml_text import XmlText, attribute
from formats.ubl.namespaces import CAC, CBC, CREDIT_NOTE, INVOICE, PREFIX_TO_URI

__all__ = ["CARD_NETWORK_PLACEHOLDER", "render_ubl"]

#: ``cac:CardAccount/cbc:NetworkID`` is mandatory in UBL but no business term. The
#: reader keeps the source value as an extension; without one, this is written.
CARD_NETWORK_PLACEHOLDER = "NA"

_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
_NAMESPACES = f' xmlns:cac="{CAC}" xmlns:cbc="{CBC}"'
_DIRECT_DEBIT = frozenset({"49", "59"})
#: BT-8: UBL uses UNTDID 2005 (3 invoice date, 35 delivery date, 432 paid-to date), CII UNTDID 2475.
_TAX_POINT_2475_TO_2005 = {"5": "3", "29": "35", "72": "432"}

# Our own output, parsed back only to restore extensions; still no network, no DTD.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

_TO_CREDIT_NOTE = {
    "cbc:InvoiceTypeCode": "cbc:CreditNoteTypeCode",
    "cbc:InvoicedQuantity": "cbc:CreditedQuantity",
    "cac:InvoiceLine": "cac:CreditNoteLine",
}
_TO_INVOICE = {value: key for key, value in _TO_CREDIT_NOTE.items()}


def render_ubl(invoice: Invoice, *, pretty: bool = True) -> RenderResult:
    """Render an invoice as UBL 2.1 (``Invoice``, or ``CreditNote`` for credit-note type codes).

    :param pretty: indent the output (two spaces).
    :return: UTF-8 bytes with an XML declaration, and what UBL could not hold.
    :raises ValueError: a text value holds a character XML cannot carry.
    """
    warnings: list[ConversionWarning] = []
    credit_note = invoice.is_credit_note
    extensions: list[ExtensionElement] = []
    for ext in invoice.extensions:
        if ext.syntax == "ubl":
            extensions.append(_retarget(ext, credit_note=credit_note))
        else:
            warnings.append(
                ConversionWarning(
                    code="extension.not-representable",
                    term="EXT",
                    message=f"{ext.name}: {ext.syntax.upper()} content has no place in UBL; not written",
                )
            )
    invoice = _fit(invoice, warnings)
    out = XmlText(pretty=pretty and not extensions)
    _write_document(out, invoice, warnings, credit_note=credit_note, card_placeholder=not extensions)
    text = out.text()
    if not extensions:
        # One join: chained + would copy the whole document text once per operator.
        data = "".join((_DECLARATION, text, "\n" if pretty else "")).encode("utf-8")
        return RenderResult(data, tuple(warnings))
    root = etree.fromstring(text.encode("utf-8"), _PARSER)
    for ext in restore(root, extensions, "ubl", PREFIX_TO_URI):
        warnings.append(
            ConversionWarning(
                code="extension.unplaced",
                term="EXT",
                message=f"{ext.name}: its parent is not in the rendered document; not written",
            )
        )
    if any(means.card is not None for means in invoice.payment_means):
        _complete_card_accounts(root, warnings)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)
    return RenderResult(data, tuple(warnings))


def _fit(invoice: Invoice, warnings: list[ConversionWarning]) -> Invoice:
    """Adapt what UBL holds differently from the model, with a warning naming each term.

    * BT-8 in UNTDID 2475 (CII: 5, 29, 72) is written in UNTDID 2005 (3, 35, 432), as BR-CL-06 wants;
    * UBL-SR-16 / UBL-SR-20 allow one buyer identifier (BT-46) and one payee identifier (BT-60).
    """
    code = invoice.tax_point_date_code
    if code is not None and code.strip() in _TAX_POINT_2475_TO_2005:
        translated = _TAX_POINT_2475_TO_2005[code.strip()]
        invoice = dataclasses.replace(invoice, tax_point_date_code=translated)
        warnings.append(
            ConversionWarning(
                code="ubl.tax-point-date-code",
                term="BT-8",
                message=f"UNTDID 2475 code {code!r} written as its UNTDID 2005 equivalent {translated!r} "
                "(UBL, BR-CL-06)",
            )
        )
    buyer = invoice.buyer
    if buyer is not None and len(buyer.identifiers) > 1:
        invoice = dataclasses.replace(invoice, buyer=dataclasses.replace(buyer, identifiers=buyer.identifiers[:1]))
        warnings.append(_dropped_identifiers("BT-46", "buyer", buyer.identifiers))
    payee = invoice.payee
    if payee is not None and len(payee.identifiers) > 1:
        invoice = dataclasses.replace(invoice, payee=dataclasses.replace(payee, identifiers=payee.identifiers[:1]))
        warnings.append(_dropped_identifiers("BT-60", "payee", payee.identifiers))
    if not invoice.lines:
        # Writing it anyway would hand a schema-invalid document to a partner.
        raise NotRepresentable(
            "UBL 2.1 requires at least one invoice line (BG-25) and this invoice has none "
            "(Factur-X MINIMUM and BASIC WL carry none); convert it to CII instead",
            rule_id="BR-16",
        )
    derived = sum(
        1
        for line in invoice.lines
        if line.price is not None and line.price.gross_price is not None and line.price.discount is None
    )
    if derived:
        warnings.append(
            ConversionWarning(
                code="ubl.price-discount-derived",
                term="BT-147",
                message=f"UBL needs the price discount beside the gross price (BT-148): on {derived} line(s) "
                "it is written as gross price minus net price (0 without net price)",
            )
        )
    if invoice.vat_breakdown and (invoice.totals is None or invoice.totals.tax_total is None):
        warnings.append(
            ConversionWarning(
                code="ubl.tax-total-derived",
                term="BT-110",
                message="UBL needs cac:TaxTotal/cbc:TaxAmount with the VAT breakdown: written as the sum of "
                "the VAT category tax amounts (BR-CO-14)",
            )
        )
    return invoice


def _dropped_identifiers(term: str, role: str, identifiers: tuple[Identifier, ...]) -> ConversionWarning:
    dropped = ", ".join(repr(identifier.value) for identifier in identifiers[1:])
    return ConversionWarning(
        code="ubl.single-identifier",
        term=term,
        message=f"UBL allows one {role} identifier: kept {identifiers[0].value!r}, dropped {dropped}",
    )


def _retarget(ext: ExtensionElement, *, credit_note: bool) -> ExtensionElement:
    """Rename Invoice/CreditNote-specific steps when BT-3 picks the other root than the source's."""
    source_is_credit_note = ext.parent.startswith("/cn:CreditNote")
    if source_is_credit_note == credit_note:
        return ext
    if credit_note:
        parent = "/cn:CreditNote" + ext.parent[len("/inv:Invoice") :]
        parent = parent.replace("/cac:InvoiceLine", "/cac:CreditNoteLine")
        after = _TO_CREDIT_NOTE.get(ext.after, ext.after) if ext.after is not None else None
    else:
        parent = "/inv:Invoice" + ext.parent[len("/cn:CreditNote") :]
        parent = parent.replace("/cac:CreditNoteLine", "/cac:InvoiceLine")
        after = _TO_INVOICE.get(ext.after, ext.after) if ext.after is not None else None
    return dataclasses.replace(ext, parent=parent, after=after)


def _card_warning(warnings: list[ConversionWarning]) -> None:
    warnings.append(
        ConversionWarning(
            code="ubl.card-network-missing",
            term="BG-18",
            message=(
                "cac:CardAccount/cbc:NetworkID is mandatory in UBL and has no business term; "
                f"wrote {CARD_NETWORK_PLACEHOLDER!r}"
            ),
        )
    )


def _complete_card_accounts(root: etree._Element, warnings: list[ConversionWarning]) -> None:
    """Give each CardAccount the NetworkID UBL requires, when no extension brought it back."""
    for account in root.iter(t.CAC_CARD_ACCOUNT):
        if any(child.tag == t.CBC_NETWORK_ID for child in account):
            continue
        network = etree.Element(t.CBC_NETWORK_ID)
        network.text = CARD_NETWORK_PLACEHOLDER
        position = 0
        for index, child in enumerate(account):
            if child.tag == t.CBC_PRIMARY_ACCOUNT_NUMBER_ID:
                position = index + 1
        account.insert(position, network)
        _card_warning(warnings)


def _write_document(
    out: XmlText,
    invoice: Invoice,
    warnings: list[ConversionWarning],
    *,
    credit_note: bool,
    card_placeholder: bool,
) -> None:
    """Write the root element and its children in the XSD sequence of Invoice / CreditNote."""
    root = "CreditNote" if credit_note else "Invoice"
    currency = "" if invoice.currency is None else attribute("currencyID", invoice.currency)
    out.start(root, attribute("xmlns", CREDIT_NOTE if credit_note else INVOICE) + _NAMESPACES)
    out.opt("cbc:CustomizationID", invoice.specification)
    out.opt("cbc:ProfileID", invoice.business_process)
    out.opt("cbc:ID", invoice.number)
    write_date(out, "cbc:IssueDate", invoice.issue_date)
    if credit_note:
        write_date(out, "cbc:TaxPointDate", invoice.tax_point_date)
        out.opt("cbc:CreditNoteTypeCode", invoice.type_code)
    else:
        write_date(out, "cbc:DueDate", invoice.due_date)
        out.opt("cbc:InvoiceTypeCode", invoice.type_code)
    for note in invoice.notes:
        out.leaf("cbc:Note", note.text if note.subject_code is None else f"#{note.subject_code}#{note.text}")
    if not credit_note:
        write_date(out, "cbc:TaxPointDate", invoice.tax_point_date)
    out.opt("cbc:DocumentCurrencyCode", invoice.currency)
    out.opt("cbc:TaxCurrencyCode", invoice.tax_currency)
    out.opt("cbc:AccountingCost", invoice.buyer_accounting_reference)
    out.opt("cbc:BuyerReference", invoice.buyer_reference)
    write_period(out, invoice.invoicing_period, invoice.tax_point_date_code)
    _write_references(out, invoice, credit_note=credit_note)

    out.start("cac:AccountingSupplierParty")
    payee = invoice.payee
    write_party(out, invoice.seller, creditor_reference=invoice.creditor_reference if payee is None else None)
    out.end("cac:AccountingSupplierParty")
    out.start("cac:AccountingCustomerParty")
    write_party(out, invoice.buyer)
    out.end("cac:AccountingCustomerParty")
    if payee is not None:
        write_payee(out, payee, creditor_reference=invoice.creditor_reference)
    if invoice.tax_representative is not None:
        write_tax_representative(out, invoice.tax_representative)
    if invoice.delivery is not None:
        write_delivery(out, invoice.delivery)
    _write_payment(out, invoice, warnings, credit_note=credit_note, card_placeholder=card_placeholder)
    if invoice.payment_terms is not None:
        out.wrapped("cac:PaymentTerms", "cbc:Note", invoice.payment_terms)
    for allowance_charge in invoice.allowances_charges:
        write_allowance_charge(out, allowance_charge, currency)
    _write_tax_totals(out, invoice, currency)
    _write_monetary_total(out, invoice, currency)
    for line in invoice.lines:
        write_line(out, line, currency, credit_note=credit_note)
    out.end(root)


def _reference(out: XmlText, tag: str, value: str | None) -> None:
    if value is not None:
        out.wrapped(tag, "cbc:ID", value)


def _write_references(out: XmlText, invoice: Invoice, *, credit_note: bool) -> None:
    """Write BT-13/14, BG-3, BT-16, BT-15, BT-17, BT-12, BT-18, BG-24 and BT-11, in XSD order."""
    if invoice.purchase_order_reference is not None or invoice.sales_order_reference is not None:
        out.start("cac:OrderReference")
        # cbc:ID is mandatory in UBL; "NA" stands for a missing BT-13 (read back as None).
        out.leaf("cbc:ID", "NA" if invoice.purchase_order_reference is None else invoice.purchase_order_reference)
        out.opt("cbc:SalesOrderID", invoice.sales_order_reference)
        out.end("cac:OrderReference")
    for preceding in invoice.preceding_invoices:
        out.start("cac:BillingReference")
        out.start("cac:InvoiceDocumentReference")
        out.leaf("cbc:ID", preceding.reference)
        write_date(out, "cbc:IssueDate", preceding.issue_date)
        out.end("cac:InvoiceDocumentReference")
        out.end("cac:BillingReference")
    _reference(out, "cac:DespatchDocumentReference", invoice.despatch_advice_reference)
    _reference(out, "cac:ReceiptDocumentReference", invoice.receiving_advice_reference)
    if not credit_note:
        _reference(out, "cac:OriginatorDocumentReference", invoice.tender_reference)
    _reference(out, "cac:ContractDocumentReference", invoice.contract_reference)
    if invoice.invoiced_object is not None:
        scheme = invoice.invoiced_object.scheme
        out.start("cac:AdditionalDocumentReference")
        out.leaf("cbc:ID", invoice.invoiced_object.value, "" if scheme is None else attribute("schemeID", scheme))
        out.leaf("cbc:DocumentTypeCode", "130")
        out.end("cac:AdditionalDocumentReference")
    if credit_note and invoice.project_reference is not None:
        # A CreditNote has no ProjectReference: Peppol BIS / CEN UBL-SR-43 use type code 50.
        out.start("cac:AdditionalDocumentReference")
        out.leaf("cbc:ID", invoice.project_reference)
        out.leaf("cbc:DocumentTypeCode", "50")
        out.end("cac:AdditionalDocumentReference")
    for attachment in invoice.attachments:
        out.start("cac:AdditionalDocumentReference")
        out.leaf("cbc:ID", attachment.reference)
        out.opt("cbc:DocumentDescription", attachment.description)
        if attachment.content is not None or attachment.external_uri is not None:
            out.start("cac:Attachment")
            if attachment.content is not None:
                attributes = "" if attachment.mime_code is None else attribute("mimeCode", attachment.mime_code)
                if attachment.filename is not None:
                    attributes += attribute("filename", attachment.filename)
                encoded = base64.b64encode(attachment.content).decode("ascii")
                out.leaf("cbc:EmbeddedDocumentBinaryObject", encoded, attributes)
            if attachment.external_uri is not None:
                out.wrapped("cac:ExternalReference", "cbc:URI", attachment.external_uri)
            out.end("cac:Attachment")
        out.end("cac:AdditionalDocumentReference")
    if credit_note:
        _reference(out, "cac:OriginatorDocumentReference", invoice.tender_reference)
    else:
        _reference(out, "cac:ProjectReference", invoice.project_reference)


def _mandate_positions(invoice: Invoice, warnings: list[ConversionWarning]) -> frozenset[int]:
    """Return the indices of the payment means that carry BT-89.

    Every direct debit means (a debited account BT-91, or code 49/59); the first
    means when none is a direct debit.
    """
    if invoice.mandate_reference is None:
        return frozenset()
    means = invoice.payment_means
    if not means:
        warnings.append(
            ConversionWarning(
                code="ubl.mandate-without-means",
                term="BT-89",
                message="UBL carries the mandate reference in cac:PaymentMeans, and there is none; not written",
            )
        )
        return frozenset()
    debits = frozenset(index for index, item in enumerate(means) if _is_direct_debit(item))
    return debits or frozenset({0})


def _is_direct_debit(means: PaymentMeans) -> bool:
    return means.debited_account is not None or (means.type_code or "").strip() in _DIRECT_DEBIT


def _write_payment(
    out: XmlText,
    invoice: Invoice,
    warnings: list[ConversionWarning],
    *,
    credit_note: bool,
    card_placeholder: bool,
) -> None:
    """Write every ``cac:PaymentMeans`` with BT-83 on each, BT-89 per :func:`_mandate_positions`."""
    means = invoice.payment_means
    if not means:
        if invoice.remittance_information is not None:
            warnings.append(
                ConversionWarning(
                    code="ubl.remittance-without-means",
                    term="BT-83",
                    message="UBL carries the remittance information in cac:PaymentMeans, and there is none; "
                    "not written",
                )
            )
        if credit_note and invoice.due_date is not None:
            warnings.append(
                ConversionWarning(
                    code="ubl.creditnote-due-date-without-means",
                    term="BT-9",
                    message="a UBL CreditNote carries the due date in cac:PaymentMeans/cbc:PaymentDueDate, "
                    "and there is no payment means; not written",
                )
            )
    mandates = _mandate_positions(invoice, warnings)
    for index, item in enumerate(means):
        out.start("cac:PaymentMeans")
        if item.type_code is not None or item.text is not None:
            name = "" if item.text is None else attribute("name", item.text)
            out.leaf("cbc:PaymentMeansCode", item.type_code or "", name)
        if credit_note and index == 0:
            write_date(out, "cbc:PaymentDueDate", invoice.due_date)
        out.opt("cbc:PaymentID", invoice.remittance_information)
        card = item.card
        if card is not None:
            out.start("cac:CardAccount")
            out.leaf("cbc:PrimaryAccountNumberID", card.primary_account_number)
            if card_placeholder:
                out.leaf("cbc:NetworkID", CARD_NETWORK_PLACEHOLDER)
                _card_warning(warnings)
            out.opt("cbc:HolderName", card.holder_name)
            out.end("cac:CardAccount")
        transfer = item.credit_transfer
        if transfer is not None:
            out.start("cac:PayeeFinancialAccount")
            out.opt("cbc:ID", transfer.account_id)
            out.opt("cbc:Name", transfer.account_name)
            if transfer.service_provider_id is not None:
                out.wrapped("cac:FinancialInstitutionBranch", "cbc:ID", transfer.service_provider_id)
            out.end("cac:PayeeFinancialAccount")
        if index in mandates or item.debited_account is not None:
            out.start("cac:PaymentMandate")
            if index in mandates:
                out.opt("cbc:ID", invoice.mandate_reference)
            if item.debited_account is not None:
                out.wrapped("cac:PayerFinancialAccount", "cbc:ID", item.debited_account)
            out.end("cac:PaymentMandate")
        out.end("cac:PaymentMeans")


def _write_tax_totals(out: XmlText, invoice: Invoice, currency: str) -> None:
    """Write the TaxTotal with BT-110 and BG-23, then the one with BT-111 (currency BT-6)."""
    totals = invoice.totals
    tax_total = None if totals is None else totals.tax_total
    if tax_total is None and invoice.vat_breakdown:
        # cbc:TaxAmount is mandatory: BR-CO-14 makes BT-110 the sum of BT-117 (warned in _fit).
        tax_total = sum((b.tax_amount for b in invoice.vat_breakdown if b.tax_amount is not None), Decimal(0))
    if tax_total is not None or invoice.vat_breakdown:
        out.start("cac:TaxTotal")
        out.number("cbc:TaxAmount", tax_total, currency)
        for breakdown in invoice.vat_breakdown:
            out.start("cac:TaxSubtotal")
            out.number("cbc:TaxableAmount", breakdown.taxable_amount, currency)
            out.number("cbc:TaxAmount", breakdown.tax_amount, currency)
            out.start("cac:TaxCategory")
            out.opt("cbc:ID", breakdown.category)
            if breakdown.rate is not None:
                out.number("cbc:Percent", breakdown.rate)
            out.opt("cbc:TaxExemptionReasonCode", breakdown.exemption_reason_code)
            out.opt("cbc:TaxExemptionReason", breakdown.exemption_reason)
            out.wrapped("cac:TaxScheme", "cbc:ID", "VAT")
            out.end("cac:TaxCategory")
            out.end("cac:TaxSubtotal")
        out.end("cac:TaxTotal")
    accounting = None if totals is None else totals.tax_total_accounting
    same_currency = invoice.tax_currency is None or invoice.tax_currency == invoice.currency
    if accounting is not None and not (same_currency and accounting == tax_total):
        # With the same currencies, the one TaxAmount above is BT-111 too (BR-CO-15 allows only one).
        tax_currency = invoice.tax_currency or invoice.currency
        out.start("cac:TaxTotal")
        write_amount(
            out,
            "cbc:TaxAmount",
            accounting,
            "" if tax_currency is None else attribute("currencyID", tax_currency),
        )
        out.end("cac:TaxTotal")


def _write_monetary_total(out: XmlText, invoice: Invoice, currency: str) -> None:
    """Write ``cac:LegalMonetaryTotal`` (mandatory, so always written)."""
    out.start("cac:LegalMonetaryTotal")
    totals = invoice.totals
    if totals is not None:
        out.number("cbc:LineExtensionAmount", totals.line_total, currency)
        out.number("cbc:TaxExclusiveAmount", totals.tax_exclusive, currency)
        out.number("cbc:TaxInclusiveAmount", totals.tax_inclusive, currency)
        out.number("cbc:AllowanceTotalAmount", totals.allowance_total, currency)
        out.number("cbc:ChargeTotalAmount", totals.charge_total, currency)
        out.number("cbc:PrepaidAmount", totals.prepaid, currency)
        out.number("cbc:PayableRoundingAmount", totals.rounding, currency)
        out.number("cbc:PayableAmount", totals.payable, currency)
    out.end("cac:LegalMonetaryTotal")
