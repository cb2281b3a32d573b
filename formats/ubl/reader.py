"""Read a UBL 2.1 Invoice or CreditNote into the EN 16931 model.

Binding: CEN/TS 16931-3-2 (UBL 2.1 syntax binding), as the CEN schematron
``EN16931-UBL-validation`` 1.3.16 tests it. Each container is walked once and its
children are dispatched on their tag; every child that is not a business term
(or a pure syntax marker such as ``cbc:UBLVersionID`` or ``TaxScheme/ID = VAT``)
becomes an :class:`~formats.model.ExtensionElement`, in document order.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from formats.conversion import ReadResult
from formats.errors import UnsupportedFormat
from formats.model import (
    AllowanceCharge,
    Attachment,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    Note,
    Party,
    Payee,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    TaxRepresentative,
    Totals,
)
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl._read_common import (
    ReadContext,
    has_any,
    has_child,
    read_allowance_charge,
    read_base64,
    read_date,
    read_identifier,
    read_period,
    single,
)
from formats.ubl._read_lines import read_line
from formats.ubl._read_parties import read_delivery, read_party, read_payee, read_tax_representative
from formats.ubl._read_payment import PaymentReader
from formats.ubl._read_totals import TaxTotalReader, read_monetary_total

__all__ = ["read_ubl"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_note = builder(Note)
_new_invoice = builder(Invoice)
_new_totals = builder(Totals)
_new_attachment = builder(Attachment)
_new_preceding_invoice = builder(PrecedingInvoice)

#: BG-1: ``#SUBJECT#text`` carries BT-21 and BT-22 in one ``cbc:Note``.
_NOTE = re.compile(r"#([A-Za-z0-9]{1,3})#(.*)", re.DOTALL)

_LINE_TAGS = (t.CAC_INVOICE_LINE, t.CAC_CREDIT_NOTE_LINE)
_TYPE_CODE_TAGS = (t.CBC_INVOICE_TYPE_CODE, t.CBC_CREDIT_NOTE_TYPE_CODE)
_ORDER_TAGS = frozenset({t.CBC_ID, t.CBC_SALES_ORDER_ID})
_ATTACHMENT_TAGS = frozenset({t.CBC_EMBEDDED_DOCUMENT_BINARY_OBJECT, t.CAC_EXTERNAL_REFERENCE})


def read_ubl(root: etree._Element) -> ReadResult:
    """Read a parsed UBL 2.1 ``Invoice`` or ``CreditNote``.

    :param root: the root element, from :func:`formats.xml_safety.parse_xml`.
    :return: the invoice, with every unmapped element in ``extensions``, and the
        ambiguities met (e.g. differing BT-83 values across payment means).
    :raises UnsupportedFormat: the root is not a UBL 2.1 Invoice or CreditNote.
    :raises ParseError: a number, date, boolean or binary value is malformed;
        the message names the element.
    """
    tag = root.tag
    if tag == t.INVOICE_ROOT:
        credit_note = False
    elif tag == t.CREDIT_NOTE_ROOT:
        credit_note = True
    else:
        raise UnsupportedFormat(f"not a UBL 2.1 Invoice or CreditNote: the root element is {tag!r}")
    ctx = ReadContext(credit_note=credit_note)
    # Pin one lxml proxy per node for the whole read: helpers such as ``single`` and
    # ``has_child`` visit some nodes twice, and lxml builds and tears down a proxy
    # on every visit otherwise.
    pinned = list(root.iter())
    invoice = _DocumentReader(ctx).read(root)
    del pinned
    return ReadResult(invoice, tuple(ctx.warnings))


def _note(text: str) -> Note:
    match = _NOTE.fullmatch(text) if text.startswith("#") else None
    if match is None:
        return _new_note(text=text)
    return _new_note(text=match.group(2), subject_code=match.group(1))


class _DocumentReader:
    """One document read: the root's children, dispatched in document order."""

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.payment = PaymentReader(ctx)
        self.taxes = TaxTotalReader(ctx)

    def read(self, root: etree._Element) -> Invoice:
        """Read the root's children once, in document order."""
        ctx = self.ctx
        leftover = ctx.leftover
        payment = self.payment
        taxes = self.taxes
        number: str | None = None
        issue_date: date | None = None
        type_code: str | None = None
        tax_point_date: date | None = None
        tax_point_date_code: str | None = None
        due_date: date | None = None
        buyer_reference: str | None = None
        project_reference: str | None = None
        contract_reference: str | None = None
        purchase_order_reference: str | None = None
        sales_order_reference: str | None = None
        receiving_advice_reference: str | None = None
        despatch_advice_reference: str | None = None
        tender_reference: str | None = None
        invoiced_object: Identifier | None = None
        buyer_accounting_reference: str | None = None
        payment_terms: str | None = None
        notes: list[Note] = []
        business_process: str | None = None
        specification: str | None = None
        preceding: list[PrecedingInvoice] = []
        seller: Party | None = None
        buyer: Party | None = None
        payee: Payee | None = None
        tax_representative: TaxRepresentative | None = None
        delivery: Delivery | None = None
        invoicing_period: Period | None = None
        seen_period = False
        seen_order = False
        payment_means: list[PaymentMeans] = []
        allowances_charges: list[AllowanceCharge] = []
        totals_fields: dict[str, Decimal] | None = None
        attachments: list[Attachment] = []
        lines: list[InvoiceLine] = []
        seen_seller = seen_buyer = False

        # Tags are disjoint, so the order of the tests only sets their cost: the groups an
        # invoice has one or more of come first, the optional header terms after.
        for child in root[:]:
            tag = child.tag
            if tag in _LINE_TAGS:
                lines.append(read_line(ctx, child))
            elif tag == t.CAC_TAX_TOTAL:
                taxes.read(child)
            elif tag == t.CAC_ALLOWANCE_CHARGE:
                allowances_charges.append(read_allowance_charge(ctx, child, document_level=True))
            elif tag == t.CAC_PAYMENT_MEANS:
                payment_means.append(payment.read(child))
            elif tag == t.CAC_ACCOUNTING_SUPPLIER_PARTY and not seen_seller:
                seen_seller = True
                seller = self._role(child, seller=True)
            elif tag == t.CAC_ACCOUNTING_CUSTOMER_PARTY and not seen_buyer:
                seen_buyer = True
                buyer = self._role(child, seller=False)
            elif tag == t.CAC_LEGAL_MONETARY_TOTAL and totals_fields is None:
                totals_fields = read_monetary_total(ctx, child)
            elif tag == t.CBC_ID and number is None:
                number = child.text or ""
            elif tag == t.CBC_ISSUE_DATE and issue_date is None:
                issue_date = read_date(child)
            elif tag == t.CBC_NOTE:
                notes.append(_note(child.text or ""))
            elif tag in _TYPE_CODE_TAGS and type_code is None:
                type_code = child.text or ""
            elif tag == t.CBC_DOCUMENT_CURRENCY_CODE and taxes.currency is None:
                taxes.currency = child.text or ""
            elif tag == t.CBC_CUSTOMIZATION_ID and specification is None:
                specification = child.text or ""
            elif tag == t.CBC_PROFILE_ID and business_process is None:
                business_process = child.text or ""
            elif tag == t.CBC_DUE_DATE and due_date is None:
                due_date = read_date(child)
            elif tag == t.CBC_TAX_POINT_DATE and tax_point_date is None:
                tax_point_date = read_date(child)
            elif tag == t.CBC_TAX_CURRENCY_CODE and taxes.tax_currency is None:
                taxes.tax_currency = child.text or ""
            elif tag == t.CBC_ACCOUNTING_COST and buyer_accounting_reference is None:
                buyer_accounting_reference = child.text or ""
            elif tag == t.CBC_BUYER_REFERENCE and buyer_reference is None:
                buyer_reference = child.text or ""
            elif tag == t.CBC_UBL_VERSION_ID:
                pass  # a syntax marker, not a business term
            elif tag == t.CAC_INVOICE_PERIOD and not seen_period:
                invoicing_period, tax_point_date_code = read_period(ctx, child, document_level=True)
                seen_period = invoicing_period is not None or tax_point_date_code is not None
            elif tag == t.CAC_ORDER_REFERENCE and not seen_order and has_any(child, _ORDER_TAGS):
                seen_order = True
                purchase_order_reference, sales_order_reference = self._order_reference(child)
            elif tag == t.CAC_BILLING_REFERENCE and has_child(child, t.CAC_INVOICE_DOCUMENT_REFERENCE):
                preceding.append(self._billing_reference(child))
            elif tag == t.CAC_DESPATCH_DOCUMENT_REFERENCE and despatch_advice_reference is None:
                despatch_advice_reference = self._reference(child)
            elif tag == t.CAC_RECEIPT_DOCUMENT_REFERENCE and receiving_advice_reference is None:
                receiving_advice_reference = self._reference(child)
            elif tag == t.CAC_ORIGINATOR_DOCUMENT_REFERENCE and tender_reference is None:
                tender_reference = self._reference(child)
            elif tag == t.CAC_CONTRACT_DOCUMENT_REFERENCE and contract_reference is None:
                contract_reference = self._reference(child)
            elif tag == t.CAC_ADDITIONAL_DOCUMENT_REFERENCE:
                type_code_marker = _document_type(child)
                if type_code_marker == "130":
                    if invoiced_object is None:
                        invoiced_object = self._typed_reference(child)
                    else:
                        leftover(child)
                elif type_code_marker == "50" and ctx.credit_note and project_reference is None:
                    # Peppol BIS / CEN UBL-SR-43: a CreditNote has no ProjectReference.
                    project = self._typed_reference(child)
                    project_reference = None if project is None else project.value
                else:
                    attachments.append(self._attachment(child))
            elif tag == t.CAC_PROJECT_REFERENCE and project_reference is None:
                project_reference = self._reference(child)
            elif tag == t.CAC_PAYEE_PARTY and payee is None:
                payee = read_payee(ctx, child)
            elif tag == t.CAC_TAX_REPRESENTATIVE_PARTY and tax_representative is None:
                tax_representative = read_tax_representative(ctx, child)
            elif tag == t.CAC_DELIVERY and delivery is None:
                delivery = read_delivery(ctx, child)
            elif tag == t.CAC_PAYMENT_TERMS and payment_terms is None and has_child(child, t.CBC_NOTE):
                note = single(ctx, child, t.CBC_NOTE)
                payment_terms = None if note is None else note.text or ""
            else:
                leftover(child)

        if ctx.credit_note and due_date is None:
            due_date = payment.due_date
        accounting = taxes.tax_total_accounting
        if accounting is None and taxes.tax_currency is not None and taxes.tax_currency == taxes.currency:
            # Same currencies: one TaxAmount is both BT-110 and BT-111 (CEN BR-53 and BR-CO-15).
            accounting = taxes.tax_total
        totals = None
        if totals_fields is not None or taxes.tax_total is not None or accounting is not None:
            totals = _new_totals(
                tax_total=taxes.tax_total,
                tax_total_accounting=accounting,
                **(totals_fields or {}),
            )
        return _new_invoice(
            number=number,
            issue_date=issue_date,
            type_code=type_code,
            currency=taxes.currency,
            tax_currency=taxes.tax_currency,
            tax_point_date=tax_point_date,
            tax_point_date_code=tax_point_date_code,
            due_date=due_date,
            buyer_reference=buyer_reference,
            project_reference=project_reference,
            contract_reference=contract_reference,
            purchase_order_reference=purchase_order_reference,
            sales_order_reference=sales_order_reference,
            receiving_advice_reference=receiving_advice_reference,
            despatch_advice_reference=despatch_advice_reference,
            tender_reference=tender_reference,
            invoiced_object=invoiced_object,
            buyer_accounting_reference=buyer_accounting_reference,
            payment_terms=payment_terms,
            notes=tuple(notes),
            business_process=business_process,
            specification=specification,
            preceding_invoices=tuple(preceding),
            seller=seller,
            buyer=buyer,
            payee=payee,
            tax_representative=tax_representative,
            delivery=delivery,
            invoicing_period=invoicing_period,
            payment_means=tuple(payment_means),
            remittance_information=payment.remittance,
            mandate_reference=payment.mandate,
            creditor_reference=ctx.creditor_reference,
            allowances_charges=tuple(allowances_charges),
            totals=totals,
            vat_breakdown=tuple(taxes.vat_breakdown),
            attachments=tuple(attachments),
            lines=tuple(lines),
            extensions=tuple(ctx.extensions),
        )

    # -- references ---------------------------------------------------------------

    def _reference(self, element: etree._Element) -> str | None:
        """Read a document reference whose ``cbc:ID`` is the business term (BT-11/12/15/16/17)."""
        ident = single(self.ctx, element, t.CBC_ID)
        return None if ident is None else ident.text or ""

    def _typed_reference(self, element: etree._Element) -> Identifier | None:
        """Read an AdditionalDocumentReference typed 130 (BT-18) or 50 (CreditNote BT-11)."""
        ident: etree._Element | None = None
        seen_type = False
        others: list[etree._Element] = []
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_ID and ident is None:
                ident = child
            elif tag == t.CBC_DOCUMENT_TYPE_CODE and not seen_type:
                seen_type = True
            else:
                others.append(child)
        if ident is None:
            self.ctx.leftover(element)
            return None
        for other in others:
            self.ctx.leftover(other)
        return read_identifier(ident)

    def _attachment(self, element: etree._Element) -> Attachment:
        """Read an AdditionalDocumentReference as BG-24; a type code other than 130 is kept."""
        ctx = self.ctx
        reference: str | None = None
        description: str | None = None
        external_uri: str | None = None
        content: bytes | None = None
        mime_code: str | None = None
        filename: str | None = None
        seen_attachment = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_ID and reference is None:
                reference = child.text or ""
            elif tag == t.CBC_DOCUMENT_DESCRIPTION and description is None:
                description = child.text or ""
            elif tag == t.CAC_ATTACHMENT and not seen_attachment and has_any(child, _ATTACHMENT_TAGS):
                seen_attachment = True
                seen_binary = seen_external = False
                for grandchild in child[:]:
                    gtag = grandchild.tag
                    if gtag == t.CBC_EMBEDDED_DOCUMENT_BINARY_OBJECT and not seen_binary:
                        seen_binary = True
                        content = read_base64(grandchild)
                        mime_code = grandchild.get("mimeCode")
                        filename = grandchild.get("filename")
                    elif gtag == t.CAC_EXTERNAL_REFERENCE and not seen_external:
                        seen_external = True
                        uri = single(ctx, grandchild, t.CBC_URI)
                        external_uri = None if uri is None else uri.text or ""
                    else:
                        ctx.leftover(grandchild)
            else:
                ctx.leftover(child)
        return _new_attachment(
            reference=reference or "",
            description=description,
            external_uri=external_uri,
            content=content,
            mime_code=mime_code,
            filename=filename,
        )

    def _order_reference(self, element: etree._Element) -> tuple[str | None, str | None]:
        """Read BT-13 and BT-14; ``NA`` stands for a missing BT-13 when BT-14 is given."""
        order: str | None = None
        sales: str | None = None
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_ID and order is None:
                order = child.text or ""
            elif tag == t.CBC_SALES_ORDER_ID and sales is None:
                sales = child.text or ""
            else:
                self.ctx.leftover(child)
        if order == "NA" and sales is not None:
            order = None
        return order, sales

    def _billing_reference(self, element: etree._Element) -> PrecedingInvoice:
        """Read one BG-3 from ``cac:BillingReference/cac:InvoiceDocumentReference``."""
        ctx = self.ctx
        reference: str | None = None
        issue_date: date | None = None
        seen = False
        for child in element[:]:
            if child.tag == t.CAC_INVOICE_DOCUMENT_REFERENCE and not seen:
                seen = True
                for grandchild in child[:]:
                    gtag = grandchild.tag
                    if gtag == t.CBC_ID and reference is None:
                        reference = grandchild.text or ""
                    elif gtag == t.CBC_ISSUE_DATE and issue_date is None:
                        issue_date = read_date(grandchild)
                    else:
                        ctx.leftover(grandchild)
            else:
                ctx.leftover(child)
        return _new_preceding_invoice(reference=reference or "", issue_date=issue_date)

    # -- parties ------------------------------------------------------------------

    def _role(self, element: etree._Element, *, seller: bool) -> Party | None:
        """Read ``cac:AccountingSupplierParty`` / ``cac:AccountingCustomerParty``."""
        party: Party | None = None
        for child in element[:]:
            if child.tag == t.CAC_PARTY and party is None:
                party = read_party(self.ctx, child, seller=seller)
            else:
                self.ctx.leftover(child)
        return party


def _document_type(element: etree._Element) -> str | None:
    for child in element[:]:
        if child.tag == t.CBC_DOCUMENT_TYPE_CODE:
            return (child.text or "").strip()
    return None
