"""EN 16931 model → UN/EDIFACT INVOIC per CEN/TS 16931-3-4 (INVOIC D14B, D16B code lists).

:func:`write_invoic_cen` builds the message segments and the UNO…UNP packages of
the attachments; :func:`render_edifact_cen` wraps them in an interchange (UNOW,
syntax version 4, as the CEN examples). Every term the binding cannot carry is
reported as a :class:`~formats.conversion.ConversionWarning` naming it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from formats.conversion import ConversionWarning, RenderResult
from formats.edifact.invoic_cen._codes import EXEMPT_CATEGORIES, GENERAL_NOTE, format_date, format_decimal, format_rate
from formats.edifact.invoic_cen._write_lines import write_allowance_charge, write_line
from formats.edifact.invoic_cen._write_parties import write_parties
from formats.edifact.iso20625.names import build_segment
from formats.edifact.segments import Message, Package, Segment
from formats.edifact.syntax import write_interchange
from formats.model import Invoice

__all__ = ["CEN_CODE_LISTS", "WrittenMessage", "render_edifact_cen", "write_invoic_cen"]

#: UNH S009 0110 (code list directory version): the D16B code lists the CEN binding uses with D14B.
CEN_CODE_LISTS = "16B"

_TOTALS = (
    ("79", "line_total"),
    ("260", "allowance_total"),
    ("259", "charge_total"),
    ("389", "tax_exclusive"),
    ("176", "tax_total"),
    ("2", "tax_total_accounting"),
    ("388", "tax_inclusive"),
    ("113", "prepaid"),
    ("366", "rounding"),
    ("9", "payable"),
)


@dataclass(frozen=True, slots=True)
class WrittenMessage:
    """One INVOIC message with the packages its attachments need."""

    message: Message
    packages: tuple[Package, ...]
    warnings: tuple[ConversionWarning, ...]


def write_invoic_cen(invoice: Invoice, *, reference: str = "1") -> WrittenMessage:
    """Map an invoice to one INVOIC D14B message (UNH and UNT included) and its packages.

    :param reference: UNH 0062, the message reference number.
    """
    warnings: list[ConversionWarning] = []
    for extension in invoice.extensions:
        warnings.append(
            ConversionWarning(
                code="extension.not-representable",
                term="EXT",
                message=f"{extension.name}: {extension.syntax.upper()} content has no place in EDIFACT; not written",
            )
        )
    body: list[Segment] = [
        build_segment("BGM", {"C_C002": {"D_1001": invoice.type_code}, "C_C106": {"D_1004": invoice.number}})
    ]
    body += _dates(invoice)
    body += _texts(invoice, warnings)
    body += _references(invoice)
    body += write_parties(invoice, warnings)
    for kind, currency in (("2", invoice.currency), ("6", invoice.tax_currency)):
        if currency:
            body.append(build_segment("CUX", {"C_C504": {"D_6347": kind, "D_6345": currency}}))
    body += _payment(invoice, warnings)
    for entry in invoice.allowances_charges:
        body += write_allowance_charge(entry, line=False)
    attachments, packages = _attachments(invoice)
    body += attachments
    for line in invoice.lines:
        body += write_line(line, warnings)
    body.append(build_segment("UNS", {"D_0081": "S"}))
    body += _totals(invoice)
    body += _breakdown(invoice)
    # S009: 0057 (association code) stays empty; 0110 names the D16B code lists, as the CEN examples do.
    identifier = ("INVOIC", "D", "14B", "UN", "", CEN_CODE_LISTS)
    header = Segment("UNH", ((reference,), identifier))
    trailer = Segment("UNT", ((str(len(body) + 2),), (reference,)))
    numbered = tuple(
        Segment(segment.tag, segment.elements, position) for position, segment in enumerate((header, *body, trailer), 1)
    )
    return WrittenMessage(
        Message(reference, "INVOIC", "D", "14B", "UN", "", numbered),
        packages,
        tuple(warnings),
    )


def render_edifact_cen(
    invoice: Invoice,
    *,
    sender: str | None = None,
    recipient: str | None = None,
    control_reference: str = "1",
    prepared: datetime | tuple[str, str] | None = None,
) -> RenderResult:
    """Render an invoice as an EDIFACT interchange (UNOW, syntax 4) holding one CEN INVOIC.

    :param sender: UNB S002 0004; defaults to the seller's electronic address (BT-34) or ``AIGUILLAGE``.
    :param recipient: UNB S003 0010; defaults to the buyer's electronic address (BT-49) or ``UNKNOWN``.
    :param prepared: UNB S004; defaults to now (UTC).
    """
    written = write_invoic_cen(invoice)
    seller = invoice.seller.electronic_address if invoice.seller else None
    buyer = invoice.buyer.electronic_address if invoice.buyer else None
    data = write_interchange(
        [written.message],
        sender=sender or (seller.value if seller else "") or "AIGUILLAGE",
        recipient=recipient or (buyer.value if buyer else "") or "UNKNOWN",
        control_reference=control_reference,
        prepared=prepared,
        packages=written.packages,
    )
    return RenderResult(data, written.warnings)


def _dtm(code: str, day: datetime | object | None) -> list[Segment]:
    if day is None:
        return []
    return [build_segment("DTM", {"C_C507": {"D_2005": code, "D_2380": format_date(day), "D_2379": "102"}})]  # type: ignore[arg-type]


def _dates(invoice: Invoice) -> list[Segment]:
    out = _dtm("137", invoice.issue_date) + _dtm("131", invoice.tax_point_date)
    if invoice.tax_point_date_code:
        out.append(build_segment("DTM", {"C_C507": {"D_2005": invoice.tax_point_date_code}}))
    out += _dtm("35", invoice.delivery.actual_date if invoice.delivery else None)
    if invoice.invoicing_period is not None:
        out += _dtm("167", invoice.invoicing_period.start) + _dtm("168", invoice.invoicing_period.end)
    return out


def _ftx(subject: str, text: str | None, code: str | None = None) -> Segment:
    return build_segment("FTX", {"D_4451": subject, "C_C107": {"D_4441": code}, "C_C108": {"D_4440": text}})


def _texts(invoice: Invoice, warnings: list[ConversionWarning]) -> list[Segment]:
    # FTX+REG is BT-33 and FTX+AAB is BT-20 when first of their subject (CEN/TS 16931-3-4);
    # they are written first so that notes with the same subject come back as notes.
    legal_info = invoice.seller.additional_legal_info if invoice.seller else None
    leading = {"REG": (legal_info, "BT-33"), "AAB": (invoice.payment_terms, "BT-20")}
    out = [_ftx(subject, text) for subject, (text, _term) in leading.items() if text]
    if invoice.specification or invoice.business_process:
        out.append(_ftx("DOC", invoice.specification, invoice.business_process))
    for note in invoice.notes:
        subject = note.subject_code or GENERAL_NOTE
        if subject in ("DOC", "AGM"):
            warnings.append(_not_representable("BG-1", f"a note with subject {subject} would be read as another term"))
            continue
        if subject in leading and not leading[subject][0]:
            term = leading[subject][1]
            leading[subject] = (note.text, term)
            for concerned in ("BG-1", term):
                warnings.append(_not_representable(concerned, f"a lone FTX+{subject} note is read back as {term}"))
        out.append(_ftx(subject, note.text))
    for breakdown in invoice.vat_breakdown:
        if breakdown.exemption_reason or breakdown.exemption_reason_code:
            if breakdown.category not in EXEMPT_CATEGORIES:
                warnings.append(
                    _not_representable("BT-120", f"FTX+AGM serves exempt categories only, not {breakdown.category}")
                )
                continue
            out.append(_ftx("AGM", breakdown.exemption_reason, breakdown.exemption_reason_code))
    return out


def _not_representable(term: str, message: str) -> ConversionWarning:
    return ConversionWarning(code="edifact-cen.not-representable", term=term, message=message)


def _rff(kind: str, text: str | None) -> Segment:
    return build_segment("RFF", {"C_C506": {"D_1153": kind, "D_1154": text}})


def _references(invoice: Invoice) -> list[Segment]:
    out: list[Segment] = []
    for kind, text in (
        ("AEP", invoice.project_reference),
        ("CT", invoice.contract_reference),
        ("ON", invoice.purchase_order_reference),
        ("VN", invoice.sales_order_reference),
        ("ALO", invoice.receiving_advice_reference),
        ("AAK", invoice.despatch_advice_reference),
        ("GC", invoice.tender_reference),
    ):
        if text:
            out.append(_rff(kind, text))
    if invoice.invoiced_object is not None:
        # The identifier travels in GIR (set 14); RFF+ATS carries its scheme, BT-18-1.
        out.append(_rff("ATS", invoice.invoiced_object.scheme))
        out.append(build_segment("GIR", {"D_7297": "14", "C_C206": {"D_7402": invoice.invoiced_object.value}}))
    for preceding in invoice.preceding_invoices:
        out.append(_rff("OI", preceding.reference))
        out += _dtm("384", preceding.issue_date)
    if invoice.remittance_information:
        out.append(_rff("PQ", invoice.remittance_information))
    return out


def _payment(invoice: Invoice, warnings: list[ConversionWarning]) -> list[Segment]:
    out: list[Segment] = []
    if invoice.due_date is not None:
        out.append(build_segment("PYT", {"D_4279": "1"}))
        out += _dtm("13", invoice.due_date)
    for entry in invoice.payment_means:
        if entry.type_code:
            out.append(build_segment("PYT", {"D_4279": "1"}))
            out.append(build_segment("PAI", {"C_C534": {"D_4461": entry.type_code}}))
        if entry.text:
            warnings.append(
                ConversionWarning(
                    code="edifact-cen.not-representable",
                    term="BT-82",
                    message="PAI has no payment means text; BT-82 is not written",
                )
            )
    return out


def _attachments(invoice: Invoice) -> tuple[list[Segment], tuple[Package, ...]]:
    out: list[Segment] = []
    packages: list[Package] = []
    for attachment in invoice.attachments:
        out.append(build_segment("EFI", {"C_C077": {"D_1508": attachment.filename, "D_7008": attachment.description}}))
        if attachment.external_uri:
            out.append(build_segment("COM", {"C_C076": {"D_3148": attachment.external_uri, "D_3155": "AO"}}))
        out.append(_rff("ATS", attachment.reference))
        if attachment.content is not None:
            package_reference = f"P{len(packages) + 1}"
            header = Segment(
                "UNO",
                ((package_reference,), ("1", attachment.reference), ("13", attachment.mime_code or ""), ("",)),
            )
            content = base64.b64encode(attachment.content)
            packages.append(Package(reference=package_reference, content=content, header=header))
    return out, tuple(packages)


def _totals(invoice: Invoice) -> list[Segment]:
    totals = invoice.totals
    if totals is None:
        return []
    out: list[Segment] = []
    for code, name in _TOTALS:
        amount = getattr(totals, name)
        if amount is not None:
            out.append(build_segment("MOA", {"C_C516": {"D_5025": code, "D_5004": format_decimal(amount)}}))
    return out


def _breakdown(invoice: Invoice) -> list[Segment]:
    out: list[Segment] = []
    for entry in invoice.vat_breakdown:
        rate = format_rate(entry.rate) if entry.rate is not None else None
        out.append(
            build_segment(
                "TAX",
                {"D_5283": "7", "C_C241": {"D_5153": "VAT"}, "C_C243": {"D_5278": rate}, "D_5305": entry.category},
            )
        )
        for code, amount in (("125", entry.taxable_amount), ("124", entry.tax_amount)):
            if amount is not None:
                out.append(build_segment("MOA", {"C_C516": {"D_5025": code, "D_5004": format_decimal(amount)}}))
    return out
