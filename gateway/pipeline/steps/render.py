"""Step 5: render the invoice in the first format the recipient accepts.

When the partner accepts the format the invoice came in, the original bytes are
sent unchanged: a re-rendered file would lose a PAdES signature and anything the
issuer put beyond EN 16931. Otherwise the formats are tried in the partner's
order of preference; a format that cannot hold the invoice is skipped with an
event saying why.
"""

from __future__ import annotations

import re

from formats.conversion import RenderResult
from formats.detection import DocumentKind
from formats.edifact.eancom import render_edifact_eancom
from formats.edifact.invoic_cen.writer import render_edifact_cen
from formats.errors import NotRepresentable
from formats.model import Invoice
from formats.pdf.visual import render_invoice_pdf
from formats.rendering import render_invoice
from gateway.partners import Partner
from gateway.pipeline.events import Event, Rendition
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status

__all__ = ["EXTENSIONS", "input_format", "render_step"]

#: Format id → (file suffix, media type).
EXTENSIONS = {
    "ubl": (".ubl.xml", "application/xml"),
    "cii": (".cii.xml", "application/xml"),
    "facturx": (".facturx.pdf", "application/pdf"),
    "pdf": (".pdf", "application/pdf"),
    "edifact": (".edi", "application/EDIFACT"),
    "edifact-eancom": (".edi", "application/EDIFACT"),
}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def input_format(message: Message) -> str | None:
    """Return the format id of the original document (``ubl``, ``cii``, ``facturx``, ``pdf``…)."""
    detected = message.detected
    if detected is None:
        return None
    if detected.kind in (DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE):
        return "ubl"
    if detected.kind is DocumentKind.CII:
        return "cii"
    if detected.kind is DocumentKind.PDF:
        mapped = message.parsed is not None and message.parsed.mapped_by is not None
        return "pdf" if mapped else "facturx"
    if detected.kind is DocumentKind.EDIFACT:
        return "edifact"
    return None


def _render_edifact(invoice: Invoice, fmt: str, partner: Partner, context: StepContext) -> RenderResult:
    # One interchange reference sequence per (issuer, partner) pair, kept in the store when there is one.
    seller = invoice.seller
    issuer = (seller.vat_id or seller.name or "") if seller else ""
    reference = "1"
    if context.control_numbers is not None:
        reference = context.control_numbers.next_reference(issuer or "AIGUILLAGE", partner.id)
    if fmt == "edifact-eancom":
        return render_edifact_eancom(
            invoice, partner.eancom_profile, recipient=partner.interchange_id, control_reference=reference
        )
    return render_edifact_cen(invoice, recipient=partner.interchange_id, control_reference=reference)


def render_step(message: Message, context: StepContext) -> list[Event]:
    """Render (or pass through) the document the recipient gets."""
    assert message.parsed is not None and message.partner_id is not None, "render runs after route"
    partner = context.partners.partners[message.partner_id]
    parsed = message.parsed
    stem = _UNSAFE.sub("_", parsed.invoice.number or message.invoice_id).strip("._") or message.invoice_id
    events: list[Event] = []
    source_format = input_format(message)
    for fmt in partner.receives:
        suffix, media_type = EXTENSIONS[fmt]
        filename = f"{stem}{suffix}"
        if fmt == source_format:
            rendition = Rendition(fmt, filename, media_type, message.content, passthrough=True)
            events.append(
                Event(
                    "render",
                    "rendered",
                    Status.RENDERED,
                    f"{fmt}: the original, unchanged",
                    {"format": fmt, "passthrough": True},
                    payload=rendition,
                )
            )
            return events
        try:
            if fmt == "pdf":
                content = parsed.visual if parsed.visual is not None else render_invoice_pdf(parsed.invoice)
                warnings: tuple[str, ...] = ()
            elif fmt in ("edifact", "edifact-eancom"):
                result = _render_edifact(parsed.invoice, fmt, partner, context)
                content = result.data
                warnings = tuple(f"{w.code} {w.term or ''}: {w.message}" for w in result.warnings)
            else:
                visual = parsed.visual if fmt == "facturx" else None
                result = render_invoice(parsed.invoice, fmt, pretty=False, visual=visual)
                content = result.data
                warnings = tuple(f"{w.code} {w.term or ''}: {w.message}" for w in result.warnings)
        except NotRepresentable as exc:
            events.append(
                Event("render", "format-skipped", None, f"{fmt}: {exc.message}", {"format": fmt, "code": exc.code})
            )
            continue
        except ValueError as exc:  # a target this build cannot render yet
            events.append(
                Event("render", "format-skipped", None, f"{fmt}: {exc}", {"format": fmt, "code": "format.unsupported"})
            )
            continue
        detail = f"{fmt}" + (f", {len(warnings)} conversion warning(s)" if warnings else "")
        rendition = Rendition(fmt, filename, media_type, content)
        events.append(
            Event(
                "render",
                "rendered",
                Status.RENDERED,
                detail,
                {"format": fmt, "warnings": list(warnings)},
                payload=rendition,
            )
        )
        return events
    accepted = ", ".join(partner.receives)
    detail = f"none of the formats partner {partner.id} accepts ({accepted}) can hold this invoice"
    events.append(Event("render", "quarantined", Status.QUARANTINED, detail, {"code": "routing.no-route"}))
    return events
