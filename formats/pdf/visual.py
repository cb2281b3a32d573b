"""Draw a readable invoice PDF (the human-readable half of a Factur-X) from the model.

reportlab, not weasyprint: reportlab is pure pip (weasyprint needs the system's
Pango, HarfBuzz and fontconfig, which a slim container lacks), its Platypus
tables wrap cells and split across pages with repeated headers, and it embeds
TrueType subsets. It is about 1,000 pages/s for one-page invoices
(research/python-peers-bench.md § 2(a)).

PDF/A-3B needs (ISO 19005-3 § 6.2.3, 6.2.11, 6.6): every font embedded,
an OutputIntent, and XMP matching ``/Info``. reportlab's standard 14 fonts
(Helvetica…) are *not* embedded, so the Bitstream Vera TrueType fonts that ship
with reportlab are registered and embedded (subset, ``/FontFile2``); the sRGB
ICC profile comes from pikepdf; pikepdf then writes the XMP from ``/Info``.
Vera covers Latin-1 plus the euro sign; other scripts print as missing glyphs.

Amounts are formatted from :class:`~decimal.Decimal` in the French way
(``1 234,56 €``), with the currency of BT-5.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

import pikepdf
import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from formats.model import Address, Invoice, Party
from formats.model.invoice import CREDIT_NOTE_TYPE_CODES
from formats.pdf.facturx_writer import srgb_output_intent

__all__ = ["format_amount", "render_invoice_pdf"]

_FONT = "AiguillageVera"
_FONT_BOLD = "AiguillageVeraBd"
_FONTS = Path(reportlab.__file__).parent / "fonts"
_NBSP = "\u00a0"
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}
_GREY = colors.HexColor("#555555")
_RULE = colors.HexColor("#BBBBBB")
_HEAD = colors.HexColor("#EEEEEE")
#: Tables set their cell font even around Paragraphs: without this, a bare Helvetica (never embedded) is declared.
_CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), _FONT)


def _register_fonts() -> None:
    """Register the embedded fonts once (reportlab's registry is process-wide and idempotent by name)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if _FONT not in registered:
        pdfmetrics.registerFont(TTFont(_FONT, str(_FONTS / "Vera.ttf")))
    if _FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(_FONTS / "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=_FONT, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9, textColor=_GREY),
        "title": ParagraphStyle("title", parent=base, fontName=_FONT_BOLD, fontSize=16, leading=20),
        "h": ParagraphStyle("h", parent=base, fontName=_FONT_BOLD, fontSize=9.5, leading=12, spaceBefore=4),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "bold_right": ParagraphStyle("bold_right", parent=base, fontName=_FONT_BOLD, alignment=TA_RIGHT),
        "th": ParagraphStyle("th", parent=base, fontName=_FONT_BOLD, fontSize=8),
        "th_right": ParagraphStyle("th_right", parent=base, fontName=_FONT_BOLD, fontSize=8, alignment=TA_RIGHT),
    }


def format_amount(amount: Decimal | None, currency: str | None = None, *, places: int = 2) -> str:
    """Format an amount the French way: ``1 234,56 €`` (no-break spaces), at least ``places`` decimals.

    :param amount: the value; ``None`` gives an empty string.
    :param currency: the ISO 4217 code (BT-5); a symbol is used for the common ones.
    :param places: the minimum number of decimals shown (more are kept, never rounded away).
    """
    if amount is None:
        return ""
    exponent = amount.as_tuple().exponent
    shown = max(places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    text = f"{abs(amount):,.{shown}f}".replace(",", _NBSP).replace(".", ",")
    sign = "-" if amount < 0 else ""
    suffix = f"{_NBSP}{_SYMBOLS.get(currency, currency)}" if currency else ""
    return f"{sign}{text}{suffix}"


def _quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.replace(".", ",")


def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{_quantity(value)}{_NBSP}%"


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _p(text: str | None, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: reportlab reads markup), line breaks kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    city = " ".join(part for part in (address.post_code, address.city) if part)
    lines = [address.line1, address.line2, address.line3, city, address.country_subdivision, address.country_code]
    return [line for line in lines if line]


def _party_block(title: str, party: Party | None, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [_p(title, styles["small"])]
    if party is None:
        return out
    out.append(_p(party.name, styles["h"]))
    if party.trading_name and party.trading_name != party.name:
        out.append(_p(party.trading_name, styles["base"]))
    out.extend(_p(line, styles["base"]) for line in _address_lines(party.address))
    details = []
    if party.vat_id:
        details.append(f"TVA : {party.vat_id}")
    if party.legal_registration:
        details.append(f"Immatriculation : {party.legal_registration.value}")
    if party.electronic_address:
        details.append(f"Adresse électronique : {party.electronic_address.value}")
    if party.contact:
        contact = ", ".join(x for x in (party.contact.name, party.contact.telephone, party.contact.email) if x)
        if contact:
            details.append(f"Contact : {contact}")
    out.extend(_p(line, styles["small"]) for line in details)
    return out


def _references(invoice: Invoice) -> Iterable[tuple[str, str]]:
    pairs = [
        ("Date d'émission", _date(invoice.issue_date)),
        ("Échéance", _date(invoice.due_date)),
        ("Date de livraison", _date(invoice.delivery.actual_date) if invoice.delivery else ""),
        ("Référence acheteur", invoice.buyer_reference),
        ("Commande", invoice.purchase_order_reference),
        ("Contrat", invoice.contract_reference),
        ("Projet", invoice.project_reference),
        ("Cadre de facturation", invoice.business_process),
    ]
    if invoice.invoicing_period:
        period = invoice.invoicing_period
        pairs.append(("Période", f"{_date(period.start)} – {_date(period.end)}"))
    pairs.extend(
        ("Facture précédente", f"{ref.reference} {_date(ref.issue_date)}".strip()) for ref in invoice.preceding_invoices
    )
    return [(label, value) for label, value in pairs if value]


def _lines_table(invoice: Invoice, styles: dict[str, ParagraphStyle], width: float) -> Table:
    currency = invoice.currency
    header: list[Flowable] = [
        _p("N°", styles["th"]),
        _p("Désignation", styles["th"]),
        _p("Quantité", styles["th_right"]),
        _p("Prix unitaire HT", styles["th_right"]),
        _p("TVA", styles["th_right"]),
        _p("Montant HT", styles["th_right"]),
    ]
    rows: list[list[Flowable]] = [header]
    for line in invoice.lines:
        item = line.item
        text = escape(item.name or "") if item else ""
        extra = [item.description] if item and item.description else []
        if line.note:
            extra.append(line.note)
        for adjustment in line.allowances_charges:
            kind = "Majoration" if adjustment.is_charge else "Remise"
            extra.append(f"{kind} {adjustment.reason or ''} {format_amount(adjustment.amount, currency)}".strip())
        if extra:
            small = "<br/>".join(escape(part).replace("\n", "<br/>") for part in extra)
            text += f'<br/><font size="7" color="#555555">{small}</font>'
        unit = f"{_NBSP}{line.unit_code}" if line.unit_code else ""
        price = line.price.net_price if line.price else None
        rows.append(
            [
                _p(line.id, styles["base"]),
                Paragraph(text, styles["base"]),
                _p(f"{_quantity(line.quantity)}{unit}", styles["right"]),
                _p(format_amount(price, currency), styles["right"]),
                _p(f"{line.vat_category or ''} {_rate(line.vat_rate)}".strip(), styles["right"]),
                _p(format_amount(line.net_amount, currency), styles["right"]),
            ]
        )
    widths = [12 * mm, None, 22 * mm, 28 * mm, 18 * mm, 28 * mm]
    fixed = sum(w for w in widths if w is not None)
    table = Table(rows, colWidths=[w if w is not None else width - fixed for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                _CELL_FONT,
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _small_table(rows: Sequence[list[Paragraph]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, hAlign="RIGHT")
    style = TableStyle(
        [
            _CELL_FONT,
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    if header:
        style.add("BACKGROUND", (0, 0), (-1, 0), _HEAD)
    table.setStyle(style)
    return table


def _vat_table(invoice: Invoice, styles: dict[str, ParagraphStyle]) -> Table | None:
    if not invoice.vat_breakdown:
        return None
    currency = invoice.currency
    rows: list[list[Paragraph]] = [
        [_p(t, styles["th_right"]) for t in ("Catégorie", "Taux", "Base HT", "TVA")],
    ]
    for vat in invoice.vat_breakdown:
        category = vat.category or ""
        if vat.exemption_reason or vat.exemption_reason_code:
            category += f" ({vat.exemption_reason or vat.exemption_reason_code})"
        rows.append(
            [
                _p(category, styles["right"]),
                _p(_rate(vat.rate), styles["right"]),
                _p(format_amount(vat.taxable_amount, currency), styles["right"]),
                _p(format_amount(vat.tax_amount, currency), styles["right"]),
            ]
        )
    return _small_table(rows, [45 * mm, 18 * mm, 30 * mm, 28 * mm])


def _totals_table(invoice: Invoice, styles: dict[str, ParagraphStyle]) -> Table | None:
    totals = invoice.totals
    if totals is None:
        return None
    currency = invoice.currency
    entries = [
        ("Total lignes HT", totals.line_total, False),
        ("Remises", totals.allowance_total, False),
        ("Majorations", totals.charge_total, False),
        ("Total HT", totals.tax_exclusive, False),
        ("Total TVA", totals.tax_total, False),
        ("Total TTC", totals.tax_inclusive, False),
        ("Déjà payé", totals.prepaid, False),
        ("Arrondi", totals.rounding, False),
        ("Net à payer", totals.payable, True),
    ]
    rows = [
        [
            _p(label, styles["bold_right" if strong else "right"]),
            _p(format_amount(value, currency), styles["bold_right" if strong else "right"]),
        ]
        for label, value, strong in entries
        if value is not None
    ]
    if totals.tax_total_accounting is not None and invoice.tax_currency:
        rows.append(
            [
                _p(f"Total TVA ({invoice.tax_currency})", styles["right"]),
                _p(format_amount(totals.tax_total_accounting, invoice.tax_currency), styles["right"]),
            ]
        )
    return _small_table(rows, [45 * mm, 35 * mm], header=False) if rows else None


def _payment(invoice: Invoice, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    lines = []
    if invoice.payment_terms:
        lines.append(invoice.payment_terms)
    for means in invoice.payment_means:
        parts = [means.text or (f"Moyen de paiement {means.type_code}" if means.type_code else "")]
        if means.credit_transfer:
            transfer = means.credit_transfer
            parts.extend(
                x
                for x in (
                    f"IBAN : {transfer.account_id}" if transfer.account_id else "",
                    f"Titulaire : {transfer.account_name}" if transfer.account_name else "",
                    f"BIC : {transfer.service_provider_id}" if transfer.service_provider_id else "",
                )
                if x
            )
        if means.card:
            parts.append(f"Carte : {means.card.primary_account_number}")
        if means.debited_account:
            parts.append(f"Compte débité : {means.debited_account}")
        lines.append(" — ".join(p for p in parts if p))
    if invoice.remittance_information:
        lines.append(f"Référence de paiement : {invoice.remittance_information}")
    if invoice.mandate_reference:
        lines.append(f"Mandat : {invoice.mandate_reference}")
    if invoice.payee and invoice.payee.name:
        lines.append(f"Bénéficiaire : {invoice.payee.name}")
    if not lines:
        return []
    return [_p("Paiement", styles["h"]), *(_p(line, styles["base"]) for line in lines if line)]


def _story(invoice: Invoice, styles: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    is_credit = invoice.type_code in CREDIT_NOTE_TYPE_CODES
    title = "Avoir" if is_credit else "Facture"
    story: list[Flowable] = [
        _p(f"{title} {invoice.number or ''}".strip(), styles["title"]),
        _p(f"Type {invoice.type_code or '-'} · devise {invoice.currency or '-'}", styles["small"]),
        Spacer(1, 5 * mm),
    ]
    half = (width - 6 * mm) / 2
    parties = Table(
        [[_party_block("Vendeur", invoice.seller, styles), _party_block("Acheteur", invoice.buyer, styles)]],
        colWidths=[half + 6 * mm, half],
    )
    parties.setStyle(
        TableStyle([_CELL_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [parties, Spacer(1, 4 * mm)]
    references = list(_references(invoice))
    if references:
        cells = [[_p(label, styles["small"]), _p(value, styles["base"])] for label, value in references]
        table = Table(cells, colWidths=[38 * mm, width - 38 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle([_CELL_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5)])
        )
        story += [table, Spacer(1, 4 * mm)]
    if invoice.lines:
        story += [_lines_table(invoice, styles, width), Spacer(1, 4 * mm)]
    for adjustment in invoice.allowances_charges:
        kind = "Majoration" if adjustment.is_charge else "Remise"
        text = f"{kind} : {adjustment.reason or adjustment.reason_code or ''} {_rate(adjustment.vat_rate)}"
        story.append(_p(f"{text} — {format_amount(adjustment.amount, invoice.currency)}", styles["base"]))
    summary: list[Flowable] = []
    vat = _vat_table(invoice, styles)
    if vat is not None:
        summary += [_p("TVA", styles["h"]), vat, Spacer(1, 3 * mm)]
    totals = _totals_table(invoice, styles)
    if totals is not None:
        summary += [totals]
    if summary:
        story.append(KeepTogether(summary))
    story += _payment(invoice, styles)
    if invoice.notes:
        story.append(_p("Notes", styles["h"]))
        story += [
            _p(f"[{note.subject_code}] {note.text}" if note.subject_code else note.text, styles["small"])
            for note in invoice.notes
        ]
    return story


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """Draw ``invoice`` as a PDF/A-3B-ready document (fonts embedded, sRGB OutputIntent, XMP).

    :param invoice: the canonical model.
    :return: the PDF (one page or more: the lines table splits with its header repeated).
    """
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    title = f"{'Avoir' if invoice.type_code in CREDIT_NOTE_TYPE_CODES else 'Facture'} {invoice.number or ''}".strip()
    seller = invoice.seller.name if invoice.seller and invoice.seller.name else ""

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(_FONT, 7)
        canvas.setFillColor(_GREY)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"{title} — page {doc.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=seller,
        subject=title,
        creator="Aiguillage",
        initialFontName=_FONT,  # else the canvas declares a non-embedded Helvetica
    )
    document.build(_story(invoice, styles, document.width), onFirstPage=footer, onLaterPages=footer)
    return _make_pdfa(buffer.getvalue())


def _make_pdfa(data: bytes) -> bytes:
    """Add the sRGB OutputIntent and an XMP packet mirroring ``/Info`` with ``pdfaid`` 3B."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        doc.Root.OutputIntents = pikepdf.Array([srgb_output_intent(doc)])
        for page in doc.pages:
            if "/Trans" in page.obj:  # reportlab writes an empty transition dict; PDF/A checkers flag it
                del page.obj["/Trans"]
        if "/Trapped" in doc.docinfo:  # no XMP equivalent in pikepdf's mapping; optional anyway
            del doc.docinfo["/Trapped"]
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(doc.docinfo)
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
        out = io.BytesIO()
        doc.save(out, min_version="1.7")
        return out.getvalue()
