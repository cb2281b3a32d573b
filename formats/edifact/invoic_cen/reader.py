"""UN/EDIFACT INVOIC → EN 16931 model, per CEN/TS 16931-3-4 (INVOIC D14B, D16B code lists).

The message is first grouped (:func:`formats.edifact.iso20625.group_message`),
then each group is mapped. BG-24 attachments take their content from the
interchange's UNO…UNP packages, matched on the package reference identification
(UNO S020/0802) = BT-122 (SG26 RFF+ATS).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from formats.conversion import ConversionWarning, ReadResult
from formats.edifact.invoic_cen._codes import (
    DOCUMENT_REFERENCES,
    EXEMPT_CATEGORIES,
    GENERAL_NOTE,
    TOTALS,
    parse_date,
    parse_decimal,
)
from formats.edifact.invoic_cen._read_lines import read_allowance_charge, read_line
from formats.edifact.invoic_cen._read_parties import PartyData, read_parties
from formats.edifact.iso20625 import Group, group_message
from formats.edifact.iso20625.names import value
from formats.edifact.segments import Message, Package
from formats.model import (
    AllowanceCharge,
    Attachment,
    Delivery,
    Identifier,
    Invoice,
    Note,
    Party,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)

__all__ = ["read_invoic_cen"]

_HANDLED_TOP = frozenset({"UNH", "BGM", "DTM", "FTX", "UNS", "UNT"})
_HANDLED_GROUPS = frozenset({"G_SG1", "G_SG2", "G_SG7", "G_SG8", "G_SG16", "G_SG26", "G_SG27", "G_SG52", "G_SG54"})


def read_invoic_cen(message: Message, *, packages: Sequence[Package] = ()) -> ReadResult:
    """Read one INVOIC message (CEN/TS 16931-3-4) into the canonical model.

    :param packages: the interchange's UNO…UNP packages, for BG-24 content.
    :raises ParseError: the segments do not follow INVOIC D14B, or a value is malformed.
    """
    warnings: list[ConversionWarning] = []
    root = group_message(message.segments)
    fields: dict[str, object] = {}
    bgm = root.segment("BGM")
    if bgm is not None:
        fields["type_code"] = value(bgm, "C_C002", "D_1001") or None
        fields["number"] = value(bgm, "C_C106", "D_1004") or None
    delivery_date = _header_dates(root, fields)
    exemptions = _header_texts(root, fields)
    _references(root, fields)
    parties = read_parties(list(root.groups("G_SG2")), warnings)
    for name in ("seller", "buyer", "payee", "tax_representative"):
        fields[name] = getattr(parties, name)
    legal_info = fields.pop("_legal_info", None)
    if isinstance(legal_info, str):
        fields["seller"] = dataclasses.replace(parties.seller or Party(), additional_legal_info=legal_info)
    for name in ("buyer_reference", "buyer_accounting_reference", "mandate_reference", "creditor_reference"):
        if getattr(parties, name):
            fields[name] = getattr(parties, name)
    delivery = parties.delivery_party
    if delivery_date is not None:
        delivery = dataclasses.replace(delivery or Delivery(), actual_date=delivery_date)
    fields["delivery"] = delivery
    for sg7 in root.groups("G_SG7"):
        kind, currency = value(sg7.head, "C_C504", "D_6347"), value(sg7.head, "C_C504", "D_6345")
        fields["tax_currency" if kind == "6" else "currency"] = currency or None
    fields["payment_means"] = _payment_means(root, fields, parties)
    fields["allowances_charges"] = tuple(
        found
        for sg16 in root.groups("G_SG16")
        if isinstance(found := read_allowance_charge(sg16, line=False), AllowanceCharge)
    )
    fields["attachments"] = tuple(_attachment(sg26, packages, warnings) for sg26 in root.groups("G_SG26"))
    fields["lines"] = tuple(read_line(sg27, warnings) for sg27 in root.groups("G_SG27"))
    fields["totals"] = _totals(root)
    fields["vat_breakdown"] = _breakdown(root, exemptions)
    _report_unmapped(root, warnings)
    invoice = Invoice(**fields)  # type: ignore[arg-type]
    return ReadResult(invoice, tuple(warnings))


def _header_dates(root: Group, fields: dict[str, object]) -> date | None:
    start = end = delivery = None
    for dtm in root.segments("DTM"):
        code, text, form = (value(dtm, "C_C507", name) for name in ("D_2005", "D_2380", "D_2379"))
        if not text:
            # A qualifier with no date is BT-8, the VAT point date code (3, 35, 432).
            fields["tax_point_date_code"] = code or None
            continue
        day = parse_date(text, form, f"DTM {code}")
        if code == "137":
            fields["issue_date"] = day
        elif code == "131":
            fields["tax_point_date"] = day
        elif code == "35":
            delivery = day
        elif code == "167":
            start = day
        elif code == "168":
            end = day
    if start or end:
        fields["invoicing_period"] = Period(start=start, end=end)
    return delivery


def _header_texts(root: Group, fields: dict[str, object]) -> list[tuple[str | None, str | None]]:
    notes: list[Note] = []
    exemptions: list[tuple[str | None, str | None]] = []
    for ftx in root.segments("FTX"):
        subject = value(ftx, "D_4451")
        text = "".join(value(ftx, "C_C108", f"D_4440{suffix}") for suffix in ("", "_2", "_3", "_4", "_5"))
        code = value(ftx, "C_C107", "D_4441")
        if subject == "DOC":
            fields["business_process"] = code or None
            fields["specification"] = text or None
        elif subject == "AAB" and "payment_terms" not in fields:
            fields["payment_terms"] = text or None
        elif subject == "AGM":
            exemptions.append((text or None, code or None))
        elif subject == "REG" and "_legal_info" not in fields:
            # The first FTX+REG is BT-33 (CEN/TS 16931-3-4); further ones are notes with subject REG.
            fields["_legal_info"] = text or None
        else:
            notes.append(Note(text=text, subject_code=None if subject == GENERAL_NOTE else subject or None))
    fields["notes"] = tuple(notes)
    return exemptions


def _references(root: Group, fields: dict[str, object]) -> None:
    preceding: list[PrecedingInvoice] = []
    for sg1 in root.groups("G_SG1"):
        rff = sg1.head
        qualifier, text = value(rff, "C_C506", "D_1153"), value(rff, "C_C506", "D_1154")
        if qualifier == "OI":
            issued = next(
                (
                    parse_date(value(d, "C_C507", "D_2380"), value(d, "C_C507", "D_2379"), "DTM 384")
                    for d in sg1.segments("DTM")
                    if value(d, "C_C507", "D_2380")
                ),
                None,
            )
            preceding.append(PrecedingInvoice(reference=text, issue_date=issued))
        elif qualifier == "ATS":
            gir = sg1.segment("GIR")
            ident = value(gir, "C_C206", "D_7402") if gir is not None else ""
            if ident:
                fields["invoiced_object"] = Identifier(ident, text or None)
        elif qualifier in DOCUMENT_REFERENCES:
            fields[DOCUMENT_REFERENCES[qualifier]] = text or None
    fields["preceding_invoices"] = tuple(preceding)


def _payment_means(root: Group, fields: dict[str, object], parties: PartyData) -> tuple[PaymentMeans, ...]:
    codes: list[str | None] = []
    for sg8 in root.groups("G_SG8"):
        for dtm in sg8.segments("DTM"):
            if value(dtm, "C_C507", "D_2005") == "13" and value(dtm, "C_C507", "D_2380"):
                fields["due_date"] = parse_date(
                    value(dtm, "C_C507", "D_2380"), value(dtm, "C_C507", "D_2379"), "DTM 13"
                )
        for pai in sg8.segments("PAI"):
            codes.append(value(pai, "C_C534", "D_4461") or None)
    transfers, card, debited = parties.credit_transfers, parties.card, parties.debited_account
    count = max(len(codes), len(transfers), 1 if (card or debited) else 0)
    means = []
    for index in range(count):
        code = codes[index] if index < len(codes) else (codes[-1] if codes else None)
        means.append(
            PaymentMeans(
                type_code=code,
                credit_transfer=transfers[index] if index < len(transfers) else None,
                card=card if index == 0 else None,
                debited_account=debited if index == 0 else None,
            )
        )
    return tuple(means)


def _attachment(group: Group, packages: Sequence[Package], warnings: list[ConversionWarning]) -> Attachment:
    efi = group.head
    reference = ""
    for rff in group.segments("RFF"):
        if value(rff, "C_C506", "D_1153") == "ATS":
            reference = value(rff, "C_C506", "D_1154")
    uri = next(
        (value(com, "C_C076", "D_3148") for com in group.segments("COM") if value(com, "C_C076", "D_3155") == "AO"),
        None,
    )
    content: bytes | None = None
    mime: str | None = None
    for package in packages:
        if reference and package.header.element(1, 1) == reference:
            content = _decode(package, warnings)
            mime = package.header.element(2, 1) or None
    return Attachment(
        reference=reference,
        description=value(efi, "C_C077", "D_7008") or None,
        external_uri=uri or None,
        content=content,
        mime_code=mime,
        filename=value(efi, "C_C077", "D_1508") or None,
    )


def _decode(package: Package, warnings: list[ConversionWarning]) -> bytes:
    # The CEN examples and our writer carry the object base64-encoded, which keeps
    # the interchange text-safe; anything else is taken as the raw object.
    try:
        return base64.b64decode(package.content.strip(), validate=True)
    except binascii.Error:
        warnings.append(
            ConversionWarning(
                code="edifact-cen.attachment-not-base64",
                term="BT-125",
                message=f"package {package.reference} is not base64; its bytes are taken as the attachment",
            )
        )
        return package.content


def _totals(root: Group) -> Totals | None:
    found: dict[str, Decimal] = {}
    for sg52 in root.groups("G_SG52"):
        code = value(sg52.head, "C_C516", "D_5025")
        if code in TOTALS:
            found[TOTALS[code]] = parse_decimal(value(sg52.head, "C_C516", "D_5004"), f"MOA {code}")
    return Totals(**found) if found else None


def _breakdown(root: Group, exemptions: list[tuple[str | None, str | None]]) -> tuple[VatBreakdown, ...]:
    remaining = list(exemptions)
    out: list[VatBreakdown] = []
    for sg54 in root.groups("G_SG54"):
        tax = sg54.head
        amounts = {
            value(moa, "C_C516", "D_5025"): parse_decimal(value(moa, "C_C516", "D_5004"), "SG54 MOA")
            for moa in sg54.segments("MOA")
        }
        category = value(tax, "D_5305") or None
        rate_text = value(tax, "C_C243", "D_5278")
        reason = code = None
        if category in EXEMPT_CATEGORIES and remaining:
            reason, code = remaining.pop(0)
        out.append(
            VatBreakdown(
                taxable_amount=amounts.get("125"),
                tax_amount=amounts.get("124"),
                category=category,
                rate=parse_decimal(rate_text, "SG54 TAX 5278") if rate_text else None,
                exemption_reason=reason,
                exemption_reason_code=code,
            )
        )
    return tuple(out)


def _report_unmapped(root: Group, warnings: list[ConversionWarning]) -> None:
    for child in root.children:
        name = child.name if isinstance(child, Group) else child.tag
        known = name in _HANDLED_GROUPS if isinstance(child, Group) else name in _HANDLED_TOP
        if not known:
            warnings.append(
                ConversionWarning(
                    code="edifact-cen.unmapped",
                    term="EXT",
                    message=f"{name} has no EN 16931 meaning in CEN/TS 16931-3-4; not read",
                )
            )
