"""Write a Factur-X 1.0 / ZUGFeRD 2.x hybrid invoice: embed the CII in a PDF/A-3.

Factur-X 1.0 (§ 6 "PDF/A-3 embedding") on top of ISO 19005-3 § 6.8:

* the XML is an embedded file (``/Type /EmbeddedFile``, ``/Subtype /text#2Fxml``,
  ``/Params`` with size, dates and MD5 checksum) named ``factur-x.xml``
  (``xrechnung.xml`` for the XRECHNUNG reference profile), listed in the
  ``/EmbeddedFiles`` name tree *and* in the catalog ``/AF`` array, with an
  ``/AFRelationship`` (``Data``, ``Source`` or ``Alternative``);
* the XMP carries the ``fx:`` properties (``DocumentFileName``, ``DocumentType``,
  ``Version``, ``ConformanceLevel``) and the PDF/A extension-schema description
  declaring prefix ``fx`` (ISO 19005-3 § 6.6.2.3), plus ``pdfaid:part=3``.

Why pikepdf and not ``facturx.generate_from_binary``: the factur-x library
(pypdf) *replaces* the XMP packet wholesale (dropping the visual's own
properties), never adds an ``/OutputIntents``, writes its input to a temporary
file and always rewrites ``/Info``; with pikepdf (qpdf) the existing packet is
edited in place, the OutputIntent is kept (or added), and the reading side
already uses pikepdf, so there is one PDF library in ``formats.pdf``.

The XMP is edited with lxml and explicit prefixes (``fx``, ``pdfaExtension``,
``pdfaSchema``, ``pdfaProperty``, ``pdfaid``): some PDF/A validators check the
declared prefix, and a library that rewrites it as ``ns0:`` breaks them.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from importlib import resources

import pikepdf
from lxml import etree

from formats.detection import DocumentKind, detect
from formats.errors import FormatError, NotRepresentable, ParseError, UnsupportedFormat
from formats.pdf._streams import first_line
from formats.pdf.extract import PREFERRED_NAMES, is_signed
from formats.pdf.xmp import FACTURX_XMP_NAMESPACES
from formats.profiles import FACTURX_PROFILES, Profile
from formats.xml_safety import parse_xml

__all__ = ["RELATIONSHIPS", "FACTURX_NAMESPACE", "embed_facturx", "facturx_filename"]

#: The ``/AFRelationship`` values Factur-X allows for the invoice XML.
RELATIONSHIPS = ("Data", "Source", "Alternative")
#: The Factur-X 1.0 XMP extension-schema namespace (also ZUGFeRD 2.1+).
FACTURX_NAMESPACE = FACTURX_XMP_NAMESPACES[0]

_X = "adobe:ns:meta/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
_XPACKET_HEAD = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_XPACKET_TAIL = b'\n<?xpacket end="w"?>'
_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)
_WRITABLE = FACTURX_PROFILES | {Profile.XRECHNUNG}


def facturx_filename(profile: Profile) -> str:
    """Return the standard attachment name for ``profile``: ``xrechnung.xml`` or ``factur-x.xml``."""
    return "xrechnung.xml" if profile is Profile.XRECHNUNG else "factur-x.xml"


def embed_facturx(
    pdf: bytes,
    cii_xml: bytes,
    *,
    profile: Profile | None = None,
    relationship: str = "Data",
    filename: str | None = None,
) -> bytes:
    """Embed ``cii_xml`` into ``pdf`` as a Factur-X / ZUGFeRD 2.x hybrid invoice.

    Any invoice XML already embedded under a standard name (:data:`PREFERRED_NAMES`)
    is replaced, so that readers cannot pick a stale one. Other attachments, the
    existing XMP properties and the OutputIntent are kept; an sRGB OutputIntent
    is added when the PDF has none. The PDF itself is not converted to PDF/A:
    fonts, colours and transparency are the visual's business.

    :param pdf: the visual PDF (ideally PDF/A-3 or PDF/A-2 already).
    :param cii_xml: the CII invoice, embedded byte for byte.
    :param profile: the XMP ``ConformanceLevel``; by default the profile BT-24 names.
    :param relationship: the ``/AFRelationship``: ``Data``, ``Source`` or ``Alternative``.
    :param filename: the attachment name; by default ``factur-x.xml``
        (``xrechnung.xml`` for XRECHNUNG).
    :return: the hybrid PDF.
    :raises NotRepresentable: the profile is not a Factur-X level (EXTENDED-CTC-FR,
        Peppol BIS, none).
    :raises UnsupportedFormat: the XML is not CII, or the PDF is encrypted or signed.
    :raises ParseError: the XML or the PDF cannot be parsed.
    :raises ValueError: ``relationship`` is not one of :data:`RELATIONSHIPS`.
    """
    if relationship not in RELATIONSHIPS:
        raise ValueError(f"relationship must be one of {', '.join(RELATIONSHIPS)}, not {relationship!r}")
    detected = detect(cii_xml)
    if detected.kind is not DocumentKind.CII:
        raise UnsupportedFormat(f"Factur-X embeds CII only; this XML is {detected.kind.value}")
    level = profile if profile is not None else detected.profile
    if level not in _WRITABLE:
        named = level.label if level is not None else f"no known profile ({detected.specification or 'BT-24 missing'})"
        raise NotRepresentable(
            f"BT-24 names {named}, which is not a Factur-X level (MINIMUM, BASIC WL, BASIC, EN 16931, "
            "EXTENDED) nor XRECHNUNG; EXTENDED-CTC-FR is exchanged as CII or UBL, not as Factur-X",
            rule_id="BT-24",
        )
    name = filename or facturx_filename(level)
    if b"%PDF-" not in pdf[:1024]:
        raise ParseError("not a PDF: no %PDF- header in the first 1024 bytes")
    try:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            if is_signed(doc):
                raise UnsupportedFormat(
                    "the PDF is signed: embedding would invalidate the signature; embed first, then sign"
                )
            _embed(doc, cii_xml, name=name, relationship=relationship)
            _ensure_output_intent(doc)
            _write_xmp(doc, name=name, level=level)
            out = io.BytesIO()
            # PDF/A-3 is based on ISO 32000-1 (PDF 1.7); object streams are allowed.
            doc.save(out, min_version="1.7", deterministic_id=False)
            return out.getvalue()
    except pikepdf.PasswordError as exc:
        raise UnsupportedFormat("encrypted PDF: a password is needed to open it") from exc
    except pikepdf.PikepdfError as exc:
        raise ParseError(f"damaged PDF: {first_line(exc)}") from exc


def _embed(doc: pikepdf.Pdf, xml: bytes, *, name: str, relationship: str) -> None:
    root = doc.Root
    now = _pdf_date(datetime.now(UTC))
    stream = pikepdf.Stream(doc, xml)
    stream.Type = pikepdf.Name.EmbeddedFile
    stream.Subtype = pikepdf.Name("/text/xml")  # written as /text#2Fxml
    stream.Params = pikepdf.Dictionary(
        Size=len(xml),
        CreationDate=now,
        ModDate=now,
        CheckSum=pikepdf.String(hashlib.md5(xml, usedforsecurity=False).digest()),
    )
    spec = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String(name),
            UF=pikepdf.String(name),
            Desc=pikepdf.String("Factur-X invoice" if name != "xrechnung.xml" else "XRechnung invoice"),
            AFRelationship=pikepdf.Name("/" + relationship),
            EF=pikepdf.Dictionary(F=stream, UF=stream),
        )
    )
    _drop_invoice_attachments(doc)
    if "/Names" not in root:
        root.Names = pikepdf.Dictionary()
    if "/EmbeddedFiles" not in root.Names:
        root.Names.EmbeddedFiles = pikepdf.NameTree.new(doc).obj
    pikepdf.NameTree(root.Names.EmbeddedFiles)[name] = spec
    af = root.get("/AF")
    if not isinstance(af, pikepdf.Array):
        root.AF = doc.make_indirect(pikepdf.Array())
    root.AF.append(spec)


def _drop_invoice_attachments(doc: pikepdf.Pdf) -> None:
    """Remove attachments under a standard invoice-XML name, from ``/AF`` and the name tree."""
    root = doc.Root
    names = root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if isinstance(tree, pikepdf.Dictionary):
        nametree = pikepdf.NameTree(tree)
        for key in [key for key in nametree if key in PREFERRED_NAMES]:
            del nametree[key]
    af = root.get("/AF")
    if isinstance(af, pikepdf.Array):
        kept = [spec for spec in af if _spec_name(spec) not in PREFERRED_NAMES]
        root.AF = doc.make_indirect(pikepdf.Array(kept))


def _spec_name(spec: pikepdf.Object) -> str | None:
    if not isinstance(spec, pikepdf.Dictionary):
        return None
    for key in ("/UF", "/F"):
        value = spec.get(key)
        if isinstance(value, pikepdf.String):
            return str(value)
    return None


def _ensure_output_intent(doc: pikepdf.Pdf) -> None:
    """Add an sRGB PDF/A OutputIntent unless the PDF already declares one (ISO 19005-3 § 6.2.3)."""
    intents = doc.Root.get("/OutputIntents")
    if isinstance(intents, pikepdf.Array) and len(intents) > 0:
        return
    doc.Root.OutputIntents = pikepdf.Array([srgb_output_intent(doc)])


def srgb_output_intent(doc: pikepdf.Pdf) -> pikepdf.Object:
    """Build a ``/GTS_PDFA1`` OutputIntent with the sRGB IEC61966-2.1 profile pikepdf ships."""
    icc = resources.files("pikepdf").joinpath("pdfa/data/sRGB.icc").read_bytes()
    profile = pikepdf.Stream(doc, icc)
    profile.N = 3
    return doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
            Info=pikepdf.String("sRGB IEC61966-2.1"),
            RegistryName=pikepdf.String("http://www.color.org"),
            DestOutputProfile=profile,
        )
    )


def _pdf_date(moment: datetime) -> pikepdf.String:
    return pikepdf.String(moment.strftime("D:%Y%m%d%H%M%S+00'00'"))


# --- XMP -------------------------------------------------------------------


def _write_xmp(doc: pikepdf.Pdf, *, name: str, level: Profile) -> None:
    """Add or update the XMP packet: ``fx:`` properties, their extension schema, ``pdfaid``."""
    current = doc.Root.get("/Metadata")
    packet = current.read_bytes() if isinstance(current, pikepdf.Stream) else b""
    rdf = _rdf_root(packet)
    _remove_properties(rdf)
    _declare_extension_schema(rdf)
    ns = {"rdf": _RDF, "pdfaid": _PDFAID}
    pdfaid = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap=ns)
    pdfaid.set(f"{{{_RDF}}}about", "")
    etree.SubElement(pdfaid, f"{{{_PDFAID}}}part").text = "3"
    etree.SubElement(pdfaid, f"{{{_PDFAID}}}conformance").text = "B"
    fx = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap={"rdf": _RDF, "fx": FACTURX_NAMESPACE})
    fx.set(f"{{{_RDF}}}about", "")
    for prop, value in (
        ("DocumentType", "INVOICE"),
        ("DocumentFileName", name),
        ("Version", "1.0"),
        ("ConformanceLevel", level.label),
    ):
        etree.SubElement(fx, f"{{{FACTURX_NAMESPACE}}}{prop}").text = value
    xmpmeta = rdf.getparent()
    body = etree.tostring(xmpmeta if xmpmeta is not None else rdf, encoding="utf-8")
    stream = pikepdf.Stream(doc, _XPACKET_HEAD + body + _XPACKET_TAIL)
    stream.Type = pikepdf.Name.Metadata
    stream.Subtype = pikepdf.Name.XML
    doc.Root.Metadata = doc.make_indirect(stream)


def _rdf_root(packet: bytes) -> etree._Element:
    """Return the ``rdf:RDF`` element of ``packet`` (parsed safely), or of a new packet."""
    if packet.strip():
        try:
            root = parse_xml(packet)
        except FormatError:  # an unreadable packet is replaced, not fatal: the invoice is the XML
            pass
        else:
            rdf = next(root.iter(f"{{{_RDF}}}RDF"), None)
            if rdf is not None:
                return rdf
    xmpmeta = etree.Element(f"{{{_X}}}xmpmeta", nsmap={"x": _X})
    return etree.SubElement(xmpmeta, f"{{{_RDF}}}RDF", nsmap={"rdf": _RDF})


def _remove_properties(rdf: etree._Element) -> None:
    """Drop ``pdfaid`` and every invoice extension property (both RDF forms), and empty descriptions."""
    stale = (_PDFAID, *FACTURX_XMP_NAMESPACES)
    for description in list(rdf.iterchildren(f"{{{_RDF}}}Description")):
        for attribute in list(description.attrib):
            if etree.QName(attribute).namespace in stale:
                del description.attrib[attribute]
        for child in list(description):
            if isinstance(child.tag, str) and etree.QName(child).namespace in stale:
                description.remove(child)
        if len(description) == 0 and set(description.attrib) <= {f"{{{_RDF}}}about"}:
            rdf.remove(description)


def _declare_extension_schema(rdf: etree._Element) -> None:
    """Declare the ``fx`` schema in ``pdfaExtension:schemas``, replacing any invoice-schema entry."""
    bag = None
    for schemas in rdf.iter(f"{{{_PDFA_EXTENSION}}}schemas"):
        bag = next(schemas.iterchildren(f"{{{_RDF}}}Bag"), None)
        if bag is not None:
            break
    if bag is None:
        ns = {"rdf": _RDF, "pdfaExtension": _PDFA_EXTENSION, "pdfaSchema": _PDFA_SCHEMA, "pdfaProperty": _PDFA_PROPERTY}
        description = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap=ns)
        description.set(f"{{{_RDF}}}about", "")
        schemas = etree.SubElement(description, f"{{{_PDFA_EXTENSION}}}schemas")
        bag = etree.SubElement(schemas, f"{{{_RDF}}}Bag")
    for item in list(bag.iterchildren(f"{{{_RDF}}}li")):
        uri = next(item.iter(f"{{{_PDFA_SCHEMA}}}namespaceURI"), None)
        if uri is not None and (uri.text or "").strip() in FACTURX_XMP_NAMESPACES:
            bag.remove(item)
    ns = {"pdfaSchema": _PDFA_SCHEMA, "pdfaProperty": _PDFA_PROPERTY, "rdf": _RDF}
    item = etree.SubElement(bag, f"{{{_RDF}}}li", nsmap=ns)
    item.set(f"{{{_RDF}}}parseType", "Resource")
    etree.SubElement(item, f"{{{_PDFA_SCHEMA}}}schema").text = "Factur-X PDFA Extension Schema"
    etree.SubElement(item, f"{{{_PDFA_SCHEMA}}}namespaceURI").text = FACTURX_NAMESPACE
    etree.SubElement(item, f"{{{_PDFA_SCHEMA}}}prefix").text = "fx"
    sequence = etree.SubElement(etree.SubElement(item, f"{{{_PDFA_SCHEMA}}}property"), f"{{{_RDF}}}Seq")
    for prop, description_text in _FX_PROPERTIES:
        entry = etree.SubElement(sequence, f"{{{_RDF}}}li")
        entry.set(f"{{{_RDF}}}parseType", "Resource")
        etree.SubElement(entry, f"{{{_PDFA_PROPERTY}}}name").text = prop
        etree.SubElement(entry, f"{{{_PDFA_PROPERTY}}}valueType").text = "Text"
        etree.SubElement(entry, f"{{{_PDFA_PROPERTY}}}category").text = "external"
        etree.SubElement(entry, f"{{{_PDFA_PROPERTY}}}description").text = description_text
