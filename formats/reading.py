"""Read any supported invoice bytes into the canonical model."""

from __future__ import annotations

from formats.cii import read_cii
from formats.conversion import ReadResult
from formats.detection import DocumentKind, describe, detect_tree
from formats.errors import LegacyFormat, UnsupportedFormat
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
        raise UnsupportedFormat("PDF input is not supported yet: extract the embedded XML first", path=source)
    if head.startswith((b"UNA", b"UNB")):
        raise UnsupportedFormat("EDIFACT input is not supported yet", path=source)
    if data.strip() and not head.startswith(b"<"):
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
