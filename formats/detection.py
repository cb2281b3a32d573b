"""Tell what a document is from its bytes: UBL, CII (with profile), ZUGFeRD 1.0, EDIFACT, PDF.

Detection never trusts a file name or a MIME type: partners mislabel both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from formats.model._fast_init import fast_init
from formats.profiles import Profile, profile_from_specification
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml

__all__ = ["Detected", "DocumentKind", "NAMESPACES", "describe", "detect", "detect_tree"]


class DocumentKind(StrEnum):
    """What the bytes are."""

    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-creditnote"
    CII = "cii"
    ZUGFERD_1 = "zugferd-1.0"
    CDAR = "cdar"
    EDIFACT = "edifact"
    PDF = "pdf"
    OTHER_XML = "xml"
    UNKNOWN = "unknown"


#: Root namespaces that identify each XML document type.
NAMESPACES = {
    "ubl-invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "ubl-creditnote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cii": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "zugferd-1.0": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "cdar": "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
}
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_RSM = NAMESPACES["cii"]
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_CUSTOMIZATION_ID = f"{{{_CBC}}}CustomizationID"
_CONTEXT = f"{{{_RSM}}}ExchangedDocumentContext"
_GUIDELINE = f"{{{_RAM}}}GuidelineSpecifiedDocumentContextParameter"
_RAM_ID = f"{{{_RAM}}}ID"

_BY_ROOT = {
    f"{{{NAMESPACES['ubl-invoice']}}}Invoice": DocumentKind.UBL_INVOICE,
    f"{{{NAMESPACES['ubl-creditnote']}}}CreditNote": DocumentKind.UBL_CREDIT_NOTE,
    f"{{{NAMESPACES['cii']}}}CrossIndustryInvoice": DocumentKind.CII,
    f"{{{NAMESPACES['zugferd-1.0']}}}CrossIndustryDocument": DocumentKind.ZUGFERD_1,
    f"{{{NAMESPACES['cdar']}}}CrossDomainAcknowledgementAndResponse": DocumentKind.CDAR,
}


@fast_init
@dataclass(frozen=True, slots=True)
class Detected:
    """The result of detection."""

    kind: DocumentKind
    """What the bytes are."""
    syntax: str | None = None
    """``ubl``, ``cii``, ``edifact``, ``pdf`` … or ``None`` when unknown."""
    specification: str | None = None
    """BT-24 as found in the document (XML invoices only)."""
    profile: Profile | None = None
    """The profile BT-24 names, when it names one we know."""
    root: str | None = None
    """The root element in Clark notation (XML only), for messages."""


def detect(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Detected:
    """Detect the document type of ``data``.

    XML is parsed with the hardened parser, so unsafe or broken XML raises the
    same errors as reading it would.

    :raises FormatError: the bytes look like XML but cannot be parsed safely.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:
        return Detected(DocumentKind.PDF, syntax="pdf")
    if head.startswith((b"UNA", b"UNB")):
        return Detected(DocumentKind.EDIFACT, syntax="edifact")
    if head.startswith(b"<"):
        return detect_tree(parse_xml(data, max_bytes=max_bytes))
    return Detected(DocumentKind.UNKNOWN)


def detect_tree(root: etree._Element) -> Detected:
    """Detect the document type of an already parsed XML tree."""
    tag = root.tag if isinstance(root.tag, str) else ""
    kind = _BY_ROOT.get(tag, DocumentKind.OTHER_XML)
    specification: str | None = None
    syntax: str | None = None
    if kind in (DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE):
        syntax = "ubl"
        specification = _child_text(root, _CUSTOMIZATION_ID)
    elif kind is DocumentKind.CII:
        syntax = "cii"
        context = next(root.iterchildren(_CONTEXT), None)
        if context is not None:
            guideline = next(context.iterchildren(_GUIDELINE), None)
            if guideline is not None:
                specification = _child_text(guideline, _RAM_ID)
    elif kind is DocumentKind.ZUGFERD_1:
        syntax = "zugferd-1.0"
    elif kind is DocumentKind.CDAR:
        syntax = "cdar"
    return Detected(kind, syntax, specification, profile_from_specification(specification), tag)


def _child_text(parent: etree._Element, tag: str) -> str | None:
    # ``iterchildren(tag)`` matches in C; ``find`` goes through ElementPath (same first child).
    child = next(parent.iterchildren(tag), None)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def describe(detected: Detected) -> str:
    """Return a short human description, e.g. ``CII (Factur-X EN 16931)``."""
    name = {
        DocumentKind.UBL_INVOICE: "UBL 2.1 Invoice",
        DocumentKind.UBL_CREDIT_NOTE: "UBL 2.1 CreditNote",
        DocumentKind.CII: "UN/CEFACT CII",
        DocumentKind.ZUGFERD_1: "ZUGFeRD 1.0",
        DocumentKind.CDAR: "CDAR lifecycle status",
        DocumentKind.EDIFACT: "UN/EDIFACT",
        DocumentKind.PDF: "PDF",
        DocumentKind.OTHER_XML: f"XML ({detected.root})",
        DocumentKind.UNKNOWN: "unknown",
    }[detected.kind]
    return f"{name} ({detected.profile.label})" if detected.profile else name
