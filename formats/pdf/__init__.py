"""Hybrid PDF invoices (Factur-X, ZUGFeRD, XRechnung in PDF/A-3): the reading side.

:func:`extract_invoice_xml` takes the invoice XML out of a PDF together with what
the PDF declares about it (attachments, ``/AFRelationship``, XMP level, PDF/A
identification, signature); :func:`level_matches` checks the XMP level against
the profile named by BT-24 of that XML. :func:`embed_facturx` writes Factur-X
PDF/A-3; :func:`render_invoice_pdf` draws a visual from the model;
:func:`sign_pdf` and :func:`verify_pdf_signatures` handle PAdES signatures;
:func:`pdf_text` extracts text for plain-PDF mappings.
"""

from formats.pdf.extract import PREFERRED_NAMES, AttachmentInfo, EmbeddedInvoice, extract_invoice_xml
from formats.pdf.facturx_writer import embed_facturx
from formats.pdf.signatures import SignatureReport, load_trust_roots, verify_pdf_signatures
from formats.pdf.signing import Signer, sign_pdf
from formats.pdf.text import pdf_text
from formats.pdf.visual import render_invoice_pdf
from formats.pdf.xmp import FACTURX_XMP_NAMESPACES, XmpInfo, level_matches, profile_for_level, read_xmp

__all__ = [
    "embed_facturx",
    "render_invoice_pdf",
    "Signer",
    "sign_pdf",
    "SignatureReport",
    "verify_pdf_signatures",
    "load_trust_roots",
    "pdf_text",
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
