"""Take the invoice XML out of a hybrid PDF (Factur-X, ZUGFeRD 1.0/2.x, XRechnung).

Factur-X 1.0 / ZUGFeRD 2.x embed the XML in a PDF/A-3 file as an embedded file
referenced from the catalog ``/AF`` array (ISO 19005-3 § 6.8) with an
``/AFRelationship`` (``Data``, ``Source`` or ``Alternative``), and describe it in
the XMP metadata. Writers disagree in the details, so both places are read: the
``/AF`` array and the ``EmbeddedFiles`` name tree (Odoo's UBL, for one, sits only
in the name tree, without ``/AFRelationship``).

The XML is chosen by file name: :data:`PREFERRED_NAMES` in order, then any other
``*.xml`` attachment. The PDF library (pikepdf, over qpdf) stays inside this
package; callers see :class:`EmbeddedInvoice` and :mod:`formats.errors` only.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import pikepdf

from formats.errors import InputTooLarge, NoEmbeddedInvoice, ParseError, UnsafeXml, UnsupportedFormat
from formats.pdf._streams import first_line, read_stream_capped
from formats.pdf.xmp import XmpInfo, read_xmp
from formats.xml_safety import DEFAULT_MAX_BYTES

__all__ = ["PREFERRED_NAMES", "AttachmentInfo", "EmbeddedInvoice", "extract_invoice_xml", "is_signed"]

logger = logging.getLogger(__name__)

#: Standard names of the invoice XML, in the order a reader prefers them:
#: Factur-X / ZUGFeRD 2.1+, ZUGFeRD 2.0, XRechnung in ZUGFeRD, ZUGFeRD 1.0.
#: Case matters: ``zugferd-invoice.xml`` (2.0) and ``ZUGFeRD-invoice.xml`` (1.0)
#: are different standards.
PREFERRED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "ZUGFeRD-invoice.xml")

_UTF8_BOM = b"\xef\xbb\xbf"
#: Bounds on the AcroForm field walk (signature detection): a hostile form tree
#: can be arbitrarily deep or wide, real ones are a few levels and fields.
_MAX_FIELD_DEPTH = 32
_MAX_FIELDS = 10_000


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """One embedded file of the PDF, as declared (its data is not decoded)."""

    name: str
    """The file name (``/UF``, else ``/F``, else the name-tree key)."""
    relationship: str | None
    """``/AFRelationship`` without the slash (``Data``, ``Source``, ``Alternative``…), or ``None``."""
    mime_type: str | None
    """The embedded file stream's ``/Subtype``, e.g. ``text/xml``, or ``None``."""
    size: int | None
    """The declared size (``/Params /Size``), or ``None`` when not declared."""
    in_af: bool
    """Whether the catalog ``/AF`` array references it (PDF/A-3 requires it)."""


@dataclass(frozen=True, slots=True)
class EmbeddedInvoice:
    """The invoice XML found in a hybrid PDF, with what the PDF says about it."""

    xml: bytes
    """The embedded XML, a leading UTF-8 BOM removed; not yet parsed."""
    filename: str
    """The name of the attachment the XML came from."""
    relationship: str | None
    """Its ``/AFRelationship`` without the slash, or ``None`` when absent."""
    pdf_version: str
    """The version in the file header, e.g. ``1.4``."""
    xmp: XmpInfo
    """The Factur-X and PDF/A properties of the XMP metadata (empty when unreadable)."""
    attachments: tuple[AttachmentInfo, ...]
    """Every embedded file, ``/AF`` entries first, then the ``EmbeddedFiles`` name tree."""
    candidates: tuple[str, ...]
    """Names of all invoice-XML candidates, in preference order (``filename`` first)."""
    signed: bool
    """Whether the PDF carries a signature (a filled ``/Sig`` field or ``/Perms``)."""

    @property
    def xmp_conformance_level(self) -> str | None:
        """XMP ``fx:ConformanceLevel``, e.g. ``EN 16931`` or ``BASIC WL``."""
        return self.xmp.conformance_level

    @property
    def xmp_document_filename(self) -> str | None:
        """XMP ``fx:DocumentFileName``, e.g. ``factur-x.xml``."""
        return self.xmp.document_file_name

    @property
    def pdfa(self) -> str | None:
        """PDF/A part and conformance from the XMP, e.g. ``3B``."""
        return self.xmp.pdfa


@dataclass(frozen=True, slots=True)
class _Found:
    info: AttachmentInfo
    stream: pikepdf.Stream


def extract_invoice_xml(
    data: bytes, *, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> EmbeddedInvoice:
    """Return the invoice XML embedded in the PDF ``data``, with its context.

    :param data: the whole PDF file.
    :param source: a file name for messages.
    :param max_bytes: the largest embedded XML (and XMP packet) accepted, decoded.
    :return: the chosen XML and what the PDF declares about it.
    :raises ParseError: not a PDF, or damaged beyond qpdf's recovery.
    :raises UnsupportedFormat: encrypted with a password, or no invoice XML inside.
    :raises InputTooLarge: the chosen XML declares or decodes to more than ``max_bytes``.
    """
    if b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF: no %PDF- header in the first 1024 bytes", path=source)
    try:
        # Pages are never looked at: skip qpdf's walk of the page tree (4× faster to open).
        with pikepdf.open(io.BytesIO(data), inherit_page_attributes=False) as pdf:
            return _extract(pdf, source=source, max_bytes=max_bytes)
    except pikepdf.PasswordError as exc:
        raise UnsupportedFormat(
            "encrypted PDF: a password is needed to open it; ask the sender for an unencrypted PDF/A-3",
            path=source,
        ) from exc
    except pikepdf.PikepdfError as exc:  # PdfError, DataDecodingError, QpdfRuntimeError…
        raise ParseError(f"damaged PDF: {first_line(exc)}", path=source) from exc
    except RecursionError as exc:
        raise ParseError("damaged PDF: objects nest too deeply", path=source) from exc


def _extract(pdf: pikepdf.Pdf, *, source: str | None, max_bytes: int) -> EmbeddedInvoice:
    found = _attachments(pdf)
    attachments = tuple(item.info for item in found)
    candidates = _rank(found)
    if not candidates:
        listed = ", ".join(info.name for info in attachments) or "none"
        raise NoEmbeddedInvoice(f"no embedded invoice XML (attachments: {listed})", path=source)
    chosen = candidates[0]
    info = chosen.info
    what = f"embedded file {info.name}"
    if info.size is not None and info.size > max_bytes:
        raise InputTooLarge(f"{what} declares {info.size:,} bytes, over the {max_bytes:,}-byte limit", path=source)
    xml = read_stream_capped(chosen.stream, cap=max_bytes, what=what, source=source)
    xml = xml.removeprefix(_UTF8_BOM)
    return EmbeddedInvoice(
        xml=xml,
        filename=info.name,
        relationship=info.relationship,
        pdf_version=str(pdf.pdf_version),
        xmp=_xmp(pdf, source=source, max_bytes=max_bytes),
        attachments=attachments,
        candidates=tuple(item.info.name for item in candidates),
        signed=is_signed(pdf),
    )


def _attachments(pdf: pikepdf.Pdf) -> list[_Found]:
    """List embedded files: the catalog ``/AF`` array first, then the name tree; each once."""
    root = pdf.Root
    entries: list[tuple[str | None, pikepdf.Object, bool]] = []
    af = root.get("/AF")
    if isinstance(af, pikepdf.Array):
        entries.extend((None, spec, True) for spec in af)
    names = root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if isinstance(tree, pikepdf.Dictionary):
        entries.extend((key, spec, False) for key, spec in pikepdf.NameTree(tree).items())
    found: list[_Found] = []
    seen: set[tuple[int, int]] = set()
    for key, spec, in_af in entries:
        item = _read_spec(key, spec, in_af)
        if item is None:
            continue
        identity = item.stream.objgen
        if identity != (0, 0) and identity in seen:
            continue
        seen.add(identity)
        found.append(item)
    return found


def _read_spec(key: str | None, spec: pikepdf.Object, in_af: bool) -> _Found | None:
    if not isinstance(spec, pikepdf.Dictionary):
        return None
    files = spec.get("/EF")
    if not isinstance(files, pikepdf.Dictionary):
        return None
    stream = files.get("/UF")
    if not isinstance(stream, pikepdf.Stream):
        stream = files.get("/F")
    if not isinstance(stream, pikepdf.Stream):
        return None
    name = _text(spec.get("/UF")) or _text(spec.get("/F")) or key or ""
    relationship = spec.get("/AFRelationship")
    subtype = stream.stream_dict.get("/Subtype")
    params = stream.stream_dict.get("/Params")
    size = params.get("/Size") if isinstance(params, pikepdf.Dictionary) else None
    info = AttachmentInfo(
        name=name,
        relationship=str(relationship)[1:] if isinstance(relationship, pikepdf.Name) else None,
        mime_type=str(subtype)[1:] if isinstance(subtype, pikepdf.Name) else None,
        size=int(size) if isinstance(size, int) else None,
        in_af=in_af,
    )
    return _Found(info, stream)


def _text(value: pikepdf.Object | None) -> str | None:
    if isinstance(value, pikepdf.String):
        text = str(value).strip()
        return text or None
    return None


def _rank(found: list[_Found]) -> list[_Found]:
    """Order invoice-XML candidates: standard names by preference, then other ``*.xml``."""

    def order(item: _Found) -> int:
        name = item.info.name
        return PREFERRED_NAMES.index(name) if name in PREFERRED_NAMES else len(PREFERRED_NAMES)

    xml = [item for item in found if item.info.name in PREFERRED_NAMES or item.info.name.lower().endswith(".xml")]
    return sorted(xml, key=order)  # stable: equal ranks keep /AF-then-name-tree order


def _xmp(pdf: pikepdf.Pdf, *, source: str | None, max_bytes: int) -> XmpInfo:
    """Read the XMP packet; a broken one is logged and read as empty, not fatal."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return XmpInfo()
    try:
        packet = read_stream_capped(stream, cap=max_bytes, what="XMP metadata", source=source)
        return read_xmp(packet, max_bytes=max_bytes, source=source)
    except (ParseError, UnsafeXml) as exc:
        # The invoice is the XML, not the XMP: report the packet, keep the invoice.
        logger.warning("%s: XMP metadata ignored: %s", source or "PDF", exc.one_line())
        return XmpInfo()


def is_signed(pdf: pikepdf.Pdf) -> bool:
    """Tell whether a signature is applied: a ``/Sig`` field with a value, or ``/Perms``."""
    root = pdf.Root
    if isinstance(root.get("/Perms"), pikepdf.Dictionary):
        return True
    form = root.get("/AcroForm")
    fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
    if not isinstance(fields, pikepdf.Array):
        return False
    # Iterative, bounded walk: a hostile field tree must not recurse or loop.
    stack: list[tuple[pikepdf.Object, int]] = [(field, 0) for field in fields]
    visited = 0
    while stack and visited < _MAX_FIELDS:
        field, depth = stack.pop()
        visited += 1
        if not isinstance(field, pikepdf.Dictionary):
            continue
        value = field.get("/V")
        if field.get("/FT") == pikepdf.Name.Sig and isinstance(value, pikepdf.Dictionary):
            return True
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array) and depth < _MAX_FIELD_DEPTH:
            stack.extend((kid, depth + 1) for kid in kids)
    return False
