"""Read any supported invoice bytes into the canonical model."""

from __future__ import annotations

from formats.cii import read_cii
from formats.conversion import ConversionWarning, ReadResult
from formats.detection import DocumentKind, describe, detect_tree
from formats.edifact.invoic import read_edifact_invoice
from formats.errors import LegacyFormat, UnsupportedFormat
from formats.pdf import extract_invoice_xml, level_matches
from formats.ubl import read_ubl
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml

__all__ = ["read_invoice"]


def read_invoice(data: bytes, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Detect the syntax of ``data`` and read it into an :class:`~formats.model.Invoice`.

    :param source: a file name, for messages.
    :raises FormatError: the input is unsafe, broken, or not an invoice we read;
        the message says which and why.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:
        return _read_pdf(data, source=source, max_bytes=max_bytes)
    if head.startswith((b"UNA", b"UNB")):
        return read_edifact_invoice(data, source=source)
    if not head.startswith(b"<") and data.strip():  # strip() copies the input: only when needed
        raise UnsupportedFormat("not XML, PDF or EDIFACT: unknown document format", path=source)
    root = parse_xml(data, max_bytes=max_bytes, source=source)
    detected = detect_tree(root)
    if detected.kind in (DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE):
        result = read_ubl(root)
    elif detected.kind is DocumentKind.CII:
        result = read_cii(root)
    elif detected.kind is DocumentKind.ZUGFERD_1:
        raise LegacyFormat(
            "ZUGFeRD 1.0 (urn:ferd:CrossIndustryDocument:invoice:1p0) predates EN 16931 and is not accepted; "
            "ask the issuer for Factur-X / ZUGFeRD 2.x",
            path=source,
        )
    else:
        raise UnsupportedFormat(f"not an invoice: {describe(detected)}", path=source)
    return ReadResult(result.invoice, result.warnings, detected)  # built once, not via dataclasses.replace


def _read_pdf(data: bytes, *, source: str | None, max_bytes: int) -> ReadResult:
    """Read the invoice embedded in a hybrid PDF (Factur-X, ZUGFeRD, XRechnung).

    The XMP conformance level is checked against the profile BT-24 names; a
    mismatch is a warning (the XML is what counts), naming BT-24.
    """
    embedded = extract_invoice_xml(data, source=source, max_bytes=max_bytes)
    inner = read_invoice(embedded.xml, source=f"{source or 'PDF'}#{embedded.filename}", max_bytes=max_bytes)
    warnings = list(inner.warnings)
    level = embedded.xmp_conformance_level
    profile = inner.detected.profile if inner.detected else None
    if level is not None and not level_matches(level, profile):
        warnings.append(
            ConversionWarning(
                code="pdf.level-mismatch",
                term="BT-24",
                message=f"the PDF's XMP says {level!r} but the embedded XML's BT-24 names "
                f"{profile.label if profile else 'no known profile'}",
            )
        )
    return ReadResult(inner.invoice, tuple(warnings), inner.detected, visual=data)
