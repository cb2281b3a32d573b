"""ISO 20625 XML form of INVOIC D14B ↔ segment lists (CEN/TS 16931-3-4 examples and schema).

ISO 20625 maps EDIFACT one to one onto XML: ``M_INVOIC`` holds the segments
(``S_BGM``) and segment groups (``G_SG2``); a segment holds its simple elements
(``D_1004``) and composites (``C_C106``); empty ones are left out. Element names
and positions come from the D14B table generated from the official XSD.

The CEN EDIFACT schematron runs on this form, so :func:`render_iso20625` is what
the validation layer feeds it. Packages (UNO…UNP) travel as ``P_OBJECT`` with the
object base64-encoded in ``DATA``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from lxml import etree

from formats.edifact.iso20625._d14b import COMPOSITES, SEGMENTS
from formats.edifact.iso20625._tree import Group, group_message
from formats.edifact.segments import Interchange, Message, Package, Segment
from formats.edifact.syntax import parse_interchange
from formats.errors import NotRepresentable, ParseError, UnsupportedFormat
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml

__all__ = ["interchange_to_iso20625", "read_iso20625", "render_iso20625"]


def render_iso20625(message: Message, *, packages: Sequence[Package] = ()) -> bytes:
    """Write one INVOIC message (and its packages) as an ISO 20625 ``M_INVOIC`` document.

    :raises ParseError: the segments do not follow the INVOIC D14B structure.
    :raises NotRepresentable: a segment has more elements or components than D14B defines.
    """
    root = etree.Element("M_INVOIC")
    _append_group(root, group_message(message.segments))
    for package in packages:
        root.append(_package_element(package))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_iso20625(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> Interchange:
    """Read an ISO 20625 document (root ``M_INVOIC``, or ``List`` of them) into an interchange.

    Envelope fields the XML does not carry (no ``S_UNB``) are left empty.

    :raises FormatError: unsafe or broken XML, or an element INVOIC D14B does not define.
    """
    root = parse_xml(data, max_bytes=max_bytes, source=source)
    if root.tag == "M_INVOIC":
        roots = [root]
    elif root.tag == "List":
        roots = list(root.iterchildren("M_INVOIC"))
    else:
        raise UnsupportedFormat(f"not ISO 20625 INVOIC XML: root element {root.tag!r}", path=source)
    messages: list[Message] = []
    packages: list[Package] = []
    for message_root in roots:
        segments: list[Segment] = []
        _collect(message_root, segments, packages, source)
        messages.append(_message(segments, source))
    header = next((_segment(el, 0, source) for el in root.iterchildren("S_UNB")), None)
    return Interchange(
        syntax_id=header.element(0) if header else "",
        syntax_version=header.element(0, 1) if header else "",
        sender=header.elements[1] if header and len(header.elements) > 1 else (),
        recipient=header.elements[2] if header and len(header.elements) > 2 else (),
        prepared=header.elements[3] if header and len(header.elements) > 3 else (),
        control_reference=header.element(4) if header else "",
        messages=tuple(messages),
        header=header,
        packages=tuple(packages),
    )


def _append_group(parent: etree._Element, group: Group) -> None:
    for child in group.children:
        if isinstance(child, Group):
            _append_group(etree.SubElement(parent, child.name), child)
        else:
            _append_segment(parent, child)


def _append_segment(parent: etree._Element, segment: Segment) -> None:
    names = SEGMENTS.get(segment.tag)
    if names is None:
        raise NotRepresentable(f"segment {segment.tag} has no ISO 20625 INVOIC D14B form")
    if len(segment.elements) > len(names):
        raise NotRepresentable(f"segment {segment.tag} has {len(segment.elements)} elements, D14B defines {len(names)}")
    element = etree.SubElement(parent, f"S_{segment.tag}")
    for name, given in zip(names, segment.elements, strict=False):
        parts = given
        if name == "C_S009":
            # The D14B XSD stops S009 at 0057; syntax 4 adds 0110 (the CEN examples' "16B"), not in the XML form.
            parts = given[: len(COMPOSITES[name])]
        if name.startswith("D_"):
            if parts and parts[0]:
                etree.SubElement(element, name).text = parts[0]
            continue
        components = COMPOSITES[name]
        if len(parts) > len(components):
            raise NotRepresentable(f"{segment.tag} {name} has {len(parts)} components, D14B defines {len(components)}")
        if any(parts):
            composite = etree.SubElement(element, name)
            for component, value in zip(components, parts, strict=False):
                if value:
                    etree.SubElement(composite, component).text = value


def _package_element(package: Package) -> etree._Element:
    wrapper = etree.Element("P_OBJECT")
    _append_segment(wrapper, package.header)
    etree.SubElement(wrapper, "DATA").text = base64.b64encode(package.content).decode("ascii")
    _append_segment(wrapper, Segment("UNP", ((str(len(package.content)),), (package.reference,))))
    return wrapper


def _collect(element: etree._Element, out: list[Segment], packages: list[Package], source: str | None) -> None:
    for child in element.iterchildren("*"):  # "*": elements only, comments and PIs carry no data
        tag = child.tag
        if tag.startswith("S_"):
            out.append(_segment(child, len(out) + 1, source))
        elif tag.startswith("G_"):
            _collect(child, out, packages, source)
        elif tag == "P_OBJECT":
            packages.append(_package(child, source))
        else:
            raise ParseError(f"unexpected element {tag!r} in ISO 20625 INVOIC", path=source)


def _segment(element: etree._Element, position: int, source: str | None) -> Segment:
    tag = str(element.tag)[2:]
    names = SEGMENTS.get(tag)
    if names is None:
        raise ParseError(f"segment S_{tag} is not part of INVOIC D14B", path=source)
    values: list[tuple[str, ...]] = [()] * len(names)
    for child in element.iterchildren("*"):
        name = child.tag
        if name not in names:
            raise ParseError(f"S_{tag} has no element {name!r} in INVOIC D14B", path=source)
        if name.startswith("D_"):
            values[names.index(name)] = (child.text or "",)
            continue
        components = COMPOSITES[name]
        parts = [""] * len(components)
        for component in child.iterchildren("*"):
            if component.tag not in components:
                raise ParseError(f"{name} has no component {component.tag!r} in INVOIC D14B", path=source)
            parts[components.index(component.tag)] = component.text or ""
        values[names.index(name)] = _trim(parts)
    while values and not any(values[-1]):
        values.pop()
    return Segment(tag, tuple(values), position)


def _trim(parts: list[str]) -> tuple[str, ...]:
    while parts and not parts[-1]:
        parts.pop()
    return tuple(parts)


def _package(element: etree._Element, source: str | None) -> Package:
    header = next((child for child in element.iterchildren("S_UNO")), None)
    data = next((child for child in element.iterchildren("DATA")), None)
    if header is None or data is None:
        raise ParseError("P_OBJECT without S_UNO or DATA", path=source)
    uno = _segment(header, 0, source)
    try:
        content = base64.b64decode((data.text or "").strip(), validate=True)
    except binascii.Error as error:
        raise ParseError(f"P_OBJECT DATA is not base64: {error}", path=source) from error
    return Package(reference=uno.element(0), content=content, header=uno)


def _message(segments: list[Segment], source: str | None) -> Message:
    if not segments or segments[0].tag != "UNH":
        raise ParseError("ISO 20625 message does not start with S_UNH", path=source)
    unh = segments[0]
    return Message(
        reference=unh.element(0),
        type=unh.element(1, 0),
        version=unh.element(1, 1),
        release=unh.element(1, 2),
        agency=unh.element(1, 3),
        association_code=unh.element(1, 4),
        segments=tuple(segments),
    )


def interchange_to_iso20625(data: bytes, *, source: str | None = None) -> bytes:
    """Return the ISO 20625 form of the first INVOIC message of an EDIFACT interchange.

    Reading is lenient: envelope problems are the syntax layer's (CONTRL) business,
    not the EN 16931 rules'.

    :raises FormatError: the bytes are not EDIFACT, or hold no INVOIC message.
    """
    interchange = parse_interchange(data)
    message = next((m for m in interchange.messages if m.type == "INVOIC"), None)
    if message is None:
        raise UnsupportedFormat("the EDIFACT interchange holds no INVOIC message", path=source)
    return render_iso20625(message, packages=interchange.packages)
