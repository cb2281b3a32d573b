"""Step 2: read the document into the EN 16931 model.

XML and hybrid PDFs are read by :func:`formats.reading.read_invoice`. A PDF
without invoice XML is read through the issuer's mapping file
(``mappings/*.yaml``); no matching mapping, or one that misses required fields,
quarantines the invoice with the reason.
"""

from __future__ import annotations

from formats.errors import FormatError, NoEmbeddedInvoice
from formats.mappings import apply_mapping, match_mapping
from formats.pdf.text import pdf_text
from formats.reading import read_invoice
from gateway.pipeline.events import Event, Parsed
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status

__all__ = ["read_step"]


def read_step(message: Message, context: StepContext) -> list[Event]:
    """Read the invoice; a reading failure quarantines it with the error's code."""
    try:
        result = read_invoice(message.content, source=message.filename, max_bytes=context.max_bytes)
    except NoEmbeddedInvoice:
        return _read_plain_pdf(message, context)
    except FormatError as exc:
        return [_quarantine(exc)]
    data = {"warnings": [f"{w.code} {w.term or ''}: {w.message}".strip() for w in result.warnings]}
    detail = _summary(result.invoice.number, len(result.warnings))
    return [
        Event(
            "read",
            "parsed",
            Status.PARSED,
            detail,
            data,
            payload=Parsed(result.invoice, result.warnings, result.visual),
        )
    ]


def _read_plain_pdf(message: Message, context: StepContext) -> list[Event]:
    try:
        text = pdf_text(message.content, source=message.filename)
    except FormatError as exc:
        return [_quarantine(exc)]
    mapping = match_mapping(list(context.mappings), text)
    if mapping is None:
        return [
            Event(
                "read",
                "quarantined",
                Status.QUARANTINED,
                "plain PDF with no invoice XML and no mapping file matches its issuer; add one under mappings/",
                {"code": "mapping.no-match"},
            )
        ]
    result = apply_mapping(mapping, text)
    if not result.complete:
        missing = ", ".join(result.missing_required)
        return [
            Event(
                "read",
                "quarantined",
                Status.QUARANTINED,
                f"mapping {result.issuer!r} did not find required fields: {missing}",
                {"code": "mapping.incomplete", "missing": list(result.missing_required)},
            )
        ]
    data = {"mapping": result.issuer, "warnings": list(result.warnings)}
    detail = f"{_summary(result.invoice.number, len(result.warnings))} via mapping {result.issuer!r}"
    return [
        Event(
            "read",
            "parsed",
            Status.PARSED,
            detail,
            data,
            payload=Parsed(result.invoice, (), message.content, result.issuer),
        )
    ]


def _quarantine(exc: FormatError) -> Event:
    return Event("read", "quarantined", Status.QUARANTINED, exc.one_line(), {"code": exc.code})


def _summary(number: str | None, warnings: int) -> str:
    suffix = f", {warnings} conversion warning(s)" if warnings else ""
    return f"invoice {number or '(no number)'}{suffix}"
