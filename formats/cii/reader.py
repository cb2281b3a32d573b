"""Read a UN/CEFACT Cross Industry Invoice (CII D16B / D22B) into the EN 16931 model.

Binding: EN 16931-3-3 (CII syntax binding) as enforced by the CEN CII schematron
1.3.16; Factur-X / ZUGFeRD 2.x and the French EXTENDED-CTC-FR profile (D22B) use
the same namespaces and the same reader. Every element the binding does not map
is kept as an :class:`~formats.model.ExtensionElement` (see
:mod:`formats.leftovers`), so EXTENDED data survives a CII round trip.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from lxml import etree

from formats.cii._read_lines import (
    read_line,
    read_object_reference,
)
from formats.cii._read_parties import read_party
from formats.cii._read_settlement import read_settlement
from formats.cii._reading import LOCAL, ReadContext, text
from formats.cii.namespaces import RSM, URI_TO_PREFIX, ZUGFERD_1_NAMESPACE
from formats.conversion import ReadResult
from formats.errors import LegacyFormat, ParseError, UnsupportedFormat
from formats.leftovers import element_path
from formats.model import (
    Attachment,
    Delivery,
    Invoice,
    InvoiceLine,
    Note,
)
from formats.model._fast_init import builder

__all__ = ["read_cii"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_note = builder(Note)
_new_invoice = builder(Invoice)
_new_delivery = builder(Delivery)
_new_attachment = builder(Attachment)

_ROOT = f"{{{RSM}}}CrossIndustryInvoice"
_CONTEXT = f"{{{RSM}}}ExchangedDocumentContext"
_DOCUMENT = f"{{{RSM}}}ExchangedDocument"
_TRANSACTION = f"{{{RSM}}}SupplyChainTradeTransaction"
_PROJECT_NAME = "Project reference"


def read_cii(root: etree._Element) -> ReadResult:
    """Read a CII invoice into the model.

    :param root: the ``rsm:CrossIndustryInvoice`` root, as returned by
        :func:`formats.xml_safety.parse_xml`.
    :return: the invoice (with extensions for every unmapped element) and the
        warnings met while reading.
    :raises LegacyFormat: the document is ZUGFeRD 1.0.
    :raises UnsupportedFormat: the root is not ``rsm:CrossIndustryInvoice``.
    :raises ParseError: a number, date, indicator or attachment is malformed
        (the message names the element).
    """
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag != _ROOT:
        if tag.startswith("{" + ZUGFERD_1_NAMESPACE + "}"):
            raise LegacyFormat(
                "ZUGFeRD 1.0 (namespace urn:ferd:CrossIndustryDocument:invoice:1p0) is not EN 16931: "
                "ask the sender to re-issue the invoice as Factur-X / ZUGFeRD 2.x (CII D16B)"
            )
        raise UnsupportedFormat(
            f"not a Cross Industry Invoice: root element is {tag or root.tag!r}, expected {{{RSM}}}CrossIndustryInvoice"
        )
    ctx = ReadContext()
    values: dict[str, Any] = {}
    # Pin one lxml proxy per node for the whole read: the reader visits some nodes
    # twice, and lxml builds and tears down a proxy on every visit otherwise
    # (measured: a quarter of the read time on CEN example 1).
    pinned = list(root.iter())
    seen: set[str] = set()
    for child in root[:]:
        child_tag = child.tag
        if child_tag in seen:  # each of the three is 1..1; a repeat is kept, not merged
            ctx.leftover(child)
            continue
        if child_tag == _CONTEXT:
            _document_context(ctx, child, values=values)
        elif child_tag == _DOCUMENT:
            _exchanged_document(ctx, child, values=values)
        elif child_tag == _TRANSACTION:
            _transaction(ctx, child, values=values)
        else:
            ctx.leftover(child)
            continue
        seen.add(child_tag)
    invoice = _new_invoice(extensions=tuple(ctx.extensions), **values)
    del pinned
    return ReadResult(invoice, tuple(ctx.warnings))


# -- context and document ----------------------------------------------------------------


def _document_context(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-23 business process and BT-24 specification identifier."""
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "BusinessProcessSpecifiedDocumentContextParameter" and "business_process" not in values:
            _context_parameter(ctx, child, values=values, field="business_process")
        elif name == "GuidelineSpecifiedDocumentContextParameter" and "specification" not in values:
            _context_parameter(ctx, child, values=values, field="specification")
        else:
            ctx.leftover(child)


def _context_parameter(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any], field: str) -> None:
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ID" and field not in values:
            values[field] = child.text or ""
        else:
            ctx.leftover(child)
    if field not in values:
        ctx.unmapped(element, mark)


def _exchanged_document(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-1, BT-3, BT-2 and BG-1 notes."""
    notes: list[Note] = []
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ID" and "number" not in values:
            values["number"] = child.text or ""
        elif name == "TypeCode" and "type_code" not in values:
            values["type_code"] = child.text or ""
        elif name == "IssueDateTime" and "issue_date" not in values:
            values["issue_date"] = ctx.date(child, "BT-2")
        elif name == "IncludedNote":
            note = _note(ctx, child)
            if note is not None:
                notes.append(note)
        else:
            ctx.leftover(child)
    if notes:
        values["notes"] = tuple(notes)


def _note(ctx: ReadContext, element: etree._Element) -> Note | None:
    """BG-1: ``Content`` BT-22 (required by the model) and ``SubjectCode`` BT-21."""
    mark = len(ctx.extensions)
    content: str | None = None
    subject: str | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "Content" and content is None:
            content = child.text or ""
        elif name == "SubjectCode" and subject is None:
            subject = child.text or ""
        else:
            ctx.leftover(child)
    if content is None:
        ctx.unmapped(element, mark)
        return None
    return _new_note(text=content, subject_code=subject)


def _transaction(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    lines: list[InvoiceLine] = []
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "IncludedSupplyChainTradeLineItem":
            lines.append(read_line(ctx, child))
        elif name == "ApplicableHeaderTradeAgreement":
            _agreement(ctx, child, values=values)
        elif name == "ApplicableHeaderTradeDelivery":
            _delivery(ctx, child, values=values)
        elif name == "ApplicableHeaderTradeSettlement":
            read_settlement(ctx, child, values=values)
        else:
            ctx.leftover(child)
    if lines:
        values["lines"] = tuple(lines)


# -- header trade agreement --------------------------------------------------------------

_AGREEMENT_REFERENCES = {
    "SellerOrderReferencedDocument": "sales_order_reference",
    "BuyerOrderReferencedDocument": "purchase_order_reference",
    "ContractReferencedDocument": "contract_reference",
}


def _agreement(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-10, BG-4, BG-7, BG-11, BT-11 … BT-14, BT-17, BT-18, BG-24."""
    attachments: list[Attachment] = []
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "BuyerReference" and "buyer_reference" not in values:
            values["buyer_reference"] = child.text or ""
        elif name in ("SellerTradeParty", "BuyerTradeParty") and _role_field(name) not in values:
            fields = read_party(ctx, child, role="seller" if name == "SellerTradeParty" else "buyer")
            if fields is not None:
                values[_role_field(name)] = fields.party()
        elif name == "SellerTaxRepresentativeTradeParty" and "tax_representative" not in values:
            fields = read_party(ctx, child, role="taxrep")
            if fields is not None:
                values["tax_representative"] = fields.tax_representative()
        elif name in _AGREEMENT_REFERENCES and _AGREEMENT_REFERENCES[name] not in values:
            _document_reference(ctx, child, values=values, field=_AGREEMENT_REFERENCES[name])
        elif name == "AdditionalReferencedDocument":
            _additional_document(ctx, child, values=values, attachments=attachments)
        elif name == "SpecifiedProcuringProject" and "project_reference" not in values:
            _project(ctx, child, values=values)
        else:
            ctx.leftover(child)
    if attachments:
        values["attachments"] = tuple(attachments)


def _role_field(name: str) -> str:
    return "seller" if name == "SellerTradeParty" else "buyer"


def _document_reference(
    ctx: ReadContext, element: etree._Element, *, values: dict[str, Any], field: str, typed: bool = False
) -> None:
    """A referenced document whose ``IssuerAssignedID`` is the business term.

    :param typed: skip ``TypeCode`` (the marker that selected this reading).
    """
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "IssuerAssignedID" and field not in values:
            values[field] = child.text or ""
        elif not (typed and name == "TypeCode"):
            ctx.leftover(child)
    if field not in values:
        ctx.unmapped(element, mark)


def _additional_document(
    ctx: ReadContext, element: etree._Element, *, values: dict[str, Any], attachments: list[Attachment]
) -> None:
    """Dispatch on ``TypeCode``: 916 → BG-24, 50 → BT-17, 130 → BT-18; anything else is a leftover."""
    code = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "TypeCode":
            code = (child.text or "").strip()
            break
    if code == "916":
        attachment = _attachment(ctx, element)
        if attachment is not None:
            attachments.append(attachment)
    elif code == "50" and "tender_reference" not in values:
        _document_reference(ctx, element, values=values, field="tender_reference", typed=True)
    elif code == "130" and "invoiced_object" not in values:
        reference = read_object_reference(ctx, element)
        if reference is not None:
            values["invoiced_object"] = reference
    else:
        ctx.leftover(element)


def _attachment(ctx: ReadContext, element: etree._Element) -> Attachment | None:
    """BG-24: BT-122 reference (required), BT-124 URI, BT-123 description, BT-125 content."""
    mark = len(ctx.extensions)
    values: dict[str, Any] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "IssuerAssignedID" and "reference" not in values:
            values["reference"] = child.text or ""
        elif name == "URIID" and "external_uri" not in values:
            values["external_uri"] = child.text or ""
        elif name == "TypeCode":
            continue
        elif name == "Name" and "description" not in values:
            values["description"] = child.text or ""
        elif name == "AttachmentBinaryObject" and "content" not in values:
            values["content"] = _binary(child)
            values["mime_code"] = child.get("mimeCode")
            values["filename"] = child.get("filename")
        else:
            ctx.leftover(child)
    if "reference" not in values:
        ctx.unmapped(element, mark)
        return None
    return _new_attachment(**values)


def _binary(element: etree._Element) -> bytes:
    try:
        return base64.b64decode("".join((element.text or "").split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        path = element_path(element, URI_TO_PREFIX)
        raise ParseError(f"{path}: attached document is not valid base64 ({exc})", path=path) from exc


def _project(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-11 ``ID``. The mandatory ``Name`` has no business term (CEN writes ``Project reference``)."""
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ID" and "project_reference" not in values:
            values["project_reference"] = child.text or ""
        elif name == "Name":
            if text(child) != _PROJECT_NAME:
                path = element_path(child, URI_TO_PREFIX)
                ctx.warn(
                    "cii.project-name",
                    "BT-11",
                    f"{path}: project name {text(child)!r} is not kept; EN 16931 has only the project "
                    f"reference (BT-11) and the CII writer names it {_PROJECT_NAME!r}",
                )
        else:
            ctx.leftover(child)
    if "project_reference" not in values:
        ctx.unmapped(element, mark)


# -- header trade delivery ---------------------------------------------------------------


def _delivery(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BG-13 deliver-to party and date, BT-15 receiving and BT-16 despatch advice."""
    delivery: dict[str, Any] = {}
    ship_to_seen = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ShipToTradeParty" and not ship_to_seen:
            ship_to_seen = True
            fields = read_party(ctx, child, role="shipto")
            if fields is not None:
                ship_to = fields.delivery()
                delivery.update(party_name=ship_to.party_name, location=ship_to.location, address=ship_to.address)
        elif name == "ActualDeliverySupplyChainEvent" and "actual_date" not in delivery:
            _delivery_event(ctx, child, delivery=delivery)
        elif name == "DespatchAdviceReferencedDocument" and "despatch_advice_reference" not in values:
            _document_reference(ctx, child, values=values, field="despatch_advice_reference")
        elif name == "ReceivingAdviceReferencedDocument" and "receiving_advice_reference" not in values:
            _document_reference(ctx, child, values=values, field="receiving_advice_reference")
        else:
            ctx.leftover(child)
    if delivery:
        values["delivery"] = _new_delivery(**delivery)


def _delivery_event(ctx: ReadContext, element: etree._Element, *, delivery: dict[str, Any]) -> None:
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "OccurrenceDateTime" and "actual_date" not in delivery:
            occurred = ctx.date(child, "BT-72")
            if occurred is not None:
                delivery["actual_date"] = occurred
        else:
            ctx.leftover(child)
    if "actual_date" not in delivery:
        ctx.unmapped(element, mark)


# -- header trade settlement -------------------------------------------------------------
