"""Hybrid PDF invoices (Factur-X, ZUGFeRD, XRechnung in PDF/A-3): the reading side.

:func:`extract_invoice_xml` takes the invoice XML out of a PDF together with what
the PDF declares about it (attachments, ``/AFRelationship``, XMP level, PDF/A
identification, signature); :func:`level_matches` checks the XMP level against
the profile named by BT-24 of that XML. Writing and signing come later.
"""

from formats.pdf.extract import PREFERRED_NAMES, AttachmentInfo, EmbeddedInvoice, extract_invoice_xml
from formats.pdf.xmp import FACTURX_XMP_NAMESPACES, XmpInfo, level_matches, profile_for_level, read_xmp

__all__ = [
    "extract_invoice_xml",
    "EmbeddedInvoice",
    "AttachmentInfo",
    "PREFERRED_NAMES",
    "read_xmp",
    "XmpInfo",
    "FACTURX_XMP_NAMESPACES",
    "level_matches",
    "profile_for_level",
]
