"""Read the Factur-X / ZUGFeRD properties of a PDF's XMP metadata packet.

Factur-X 1.0 (§ "PDF/A-3 embedding"), ZUGFeRD 2.x and ZUGFeRD 1.0 each declare an
XMP extension schema whose properties name the embedded file and its level:
``DocumentFileName``, ``DocumentType`` (``INVOICE``), ``Version`` and
``ConformanceLevel``. PDF/A identification (ISO 19005-3 § 6.6) sits in
``pdfaid:part`` and ``pdfaid:conformance``.

RDF allows each property either as an attribute of ``rdf:Description``
(``fx:ConformanceLevel="EN 16931"``, as pyHanko rewrites it) or as a child
element (``<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>``); both are read.
Properties are matched by namespace, never by prefix: pyHanko rewrites ``fx:``
to ``ns0:``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from formats.profiles import Profile
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml

__all__ = [
    "FACTURX_XMP_NAMESPACES",
    "XmpInfo",
    "level_matches",
    "profile_for_level",
    "read_xmp",
]

#: Namespaces of the invoice extension schema, most recent first: Factur-X 1.0
#: (also ZUGFeRD 2.1+), ZUGFeRD 2.0, ZUGFeRD 1.0.
FACTURX_XMP_NAMESPACES = (
    "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#",
    "urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#",
)
_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_RDF_DESCRIPTION = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"
_FX_PROPERTIES = ("ConformanceLevel", "DocumentFileName", "DocumentType", "Version")
_WANTED = frozenset(
    [f"{{{ns}}}{name}" for ns in FACTURX_XMP_NAMESPACES for name in _FX_PROPERTIES]
    + [f"{{{_PDFAID}}}part", f"{{{_PDFAID}}}conformance"]
)


@dataclass(frozen=True, slots=True)
class XmpInfo:
    """What the XMP packet says about the hybrid invoice; ``None`` where absent."""

    conformance_level: str | None = None
    """``fx:ConformanceLevel``, e.g. ``EN 16931``, ``BASIC WL``, ``XRECHNUNG``."""
    document_file_name: str | None = None
    """``fx:DocumentFileName``, e.g. ``factur-x.xml``."""
    document_type: str | None = None
    """``fx:DocumentType``, normally ``INVOICE``."""
    version: str | None = None
    """``fx:Version``, e.g. ``1.0``."""
    namespace: str | None = None
    """Which of :data:`FACTURX_XMP_NAMESPACES` carried the properties."""
    pdfa_part: str | None = None
    """``pdfaid:part``, e.g. ``3``."""
    pdfa_conformance: str | None = None
    """``pdfaid:conformance``, e.g. ``B``."""

    @property
    def pdfa(self) -> str | None:
        """PDF/A part and conformance together, e.g. ``3B``; ``None`` without ``pdfaid:part``."""
        if not self.pdfa_part:
            return None
        return f"{self.pdfa_part}{(self.pdfa_conformance or '').upper()}"


def read_xmp(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> XmpInfo:
    """Read the invoice and PDF/A properties of an XMP packet.

    :param data: the decoded ``/Metadata`` stream.
    :param max_bytes: size limit passed to the hardened parser.
    :param source: a file name for messages.
    :return: the properties found (all ``None`` in a packet without them).
    :raises ParseError: the packet is not well-formed XML.
    :raises UnsafeXml: the packet declares a DTD or nests too deep.
    :raises InputTooLarge: the packet exceeds ``max_bytes``.
    """
    root = parse_xml(data, max_bytes=max_bytes, source=source)
    values = _properties(root)
    namespace = next((ns for ns in FACTURX_XMP_NAMESPACES if f"{{{ns}}}ConformanceLevel" in values), None) or next(
        (ns for ns in FACTURX_XMP_NAMESPACES if f"{{{ns}}}DocumentFileName" in values), None
    )

    def fx(name: str) -> str | None:
        return values.get(f"{{{namespace}}}{name}") if namespace else None

    return XmpInfo(
        conformance_level=fx("ConformanceLevel"),
        document_file_name=fx("DocumentFileName"),
        document_type=fx("DocumentType"),
        version=fx("Version"),
        namespace=namespace,
        pdfa_part=values.get(f"{{{_PDFAID}}}part"),
        pdfa_conformance=values.get(f"{{{_PDFAID}}}conformance"),
    )


def _properties(root: etree._Element) -> dict[str, str]:
    """Collect the wanted properties, by Clark name; the first non-blank value of each wins.

    Attribute form is read from every ``rdf:Description``; element form from the
    property elements wherever they sit (lxml's tag filter keeps this one C-level pass).
    """
    values: dict[str, str] = {}
    for description in root.iter(_RDF_DESCRIPTION):
        for tag, value in description.attrib.items():
            text = str(value)
            if tag in _WANTED and tag not in values and text.strip():
                values[str(tag)] = " ".join(text.split())
    for element in root.iter(*_WANTED):
        content = element.text
        if content is not None and content.strip():
            values.setdefault(str(element.tag), " ".join(content.split()))
    return values


_LEVELS = {
    "MINIMUM": Profile.MINIMUM,
    "BASICWL": Profile.BASIC_WL,
    "BASIC": Profile.BASIC,
    "EN16931": Profile.EN16931,
    "EXTENDED": Profile.EXTENDED,
    "XRECHNUNG": Profile.XRECHNUNG,
}


def profile_for_level(level: str | None) -> Profile | None:
    """Return the profile an XMP ``ConformanceLevel`` names, or ``None`` if unknown.

    Spacing, hyphens and case are ignored (``BASIC WL``, ``BASIC-WL``, ``EN16931``).
    ZUGFeRD 1.0's ``COMFORT`` names no EN 16931 profile and gives ``None``.

    :param level: the XMP value, verbatim.
    """
    if not level:
        return None
    key = "".join(ch for ch in level.upper() if ch.isalnum())
    return _LEVELS.get(key)


def level_matches(xmp_level: str | None, bt24_profile: Profile | None) -> bool:
    """Tell whether the XMP level agrees with the profile BT-24 names.

    EXTENDED-CTC-FR has no XMP level of its own and is carried as ``EXTENDED``.

    :param xmp_level: ``fx:ConformanceLevel`` as read from the XMP.
    :param bt24_profile: the profile detected from BT-24 of the embedded XML.
    :return: ``True`` when both name the same profile; ``False`` on a mismatch or
        when either side is missing or unknown (nothing to vouch for).
    """
    level = profile_for_level(xmp_level)
    if level is None or bt24_profile is None:
        return False
    if level is Profile.EXTENDED and bt24_profile is Profile.EXTENDED_CTC_FR:
        return True
    return level is bt24_profile
