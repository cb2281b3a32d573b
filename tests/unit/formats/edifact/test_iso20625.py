"""ISO 20625 XML form: the D14B table against the official XSD, XML ↔ segments, grouping."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from formats.edifact.iso20625 import group_message, read_iso20625, render_iso20625
from formats.edifact.iso20625._d14b import COMPOSITES, GROUPS, SEGMENTS
from formats.edifact.segments import Segment
from formats.errors import ParseError

XSD = "cen-en16931-edifact-1.0.0/INVOIC_D14B_ISO20625.xsd"
_XS = {"xsd": "http://www.w3.org/2001/XMLSchema"}


def _children(xsd: etree._Element, name: str) -> tuple[str, ...]:
    element = xsd.find(f"xsd:element[@name='{name}']", _XS)
    assert element is not None, name
    return tuple(
        str(child.get("ref") or child.get("name"))
        for child in element.findall("xsd:complexType/xsd:sequence/xsd:element", _XS)
    )


def test_the_table_matches_the_official_xsd(artefacts_dir: Path) -> None:
    xsd = etree.parse(str(artefacts_dir / XSD)).getroot()
    for group, children in GROUPS.items():
        assert _children(xsd, group) == tuple(name for name, _minimum, _maximum in children), group
    for tag, elements in SEGMENTS.items():
        assert _children(xsd, f"S_{tag}") == elements, tag
    for composite, components in COMPOSITES.items():
        assert _children(xsd, composite) == components, composite


@pytest.mark.parametrize("number", range(1, 10))
def test_xml_twin_survives_segments_and_back(corpus_dir: Path, number: int) -> None:
    data = (corpus_dir / "edifact" / "cen-xml-iso20625" / f"EDIFACT_EXAMPLE{number}.xml").read_bytes()
    message = read_iso20625(data).messages[0]
    again = read_iso20625(render_iso20625(message)).messages[0]
    assert again.segments == message.segments
    assert message.segments[0].tag == "UNH" and message.segments[-1].tag == "UNT"


def test_segments_are_grouped_by_their_trigger() -> None:
    segments = [
        Segment("UNH", (("1",), ("INVOIC", "D", "14B", "UN"))),
        Segment("BGM", (("380",), ("A1",))),
        Segment("DTM", (("137", "20240101", "102"),)),
        Segment("NAD", (("SE",),)),
        Segment("RFF", (("VA", "FR1"),)),
        Segment("NAD", (("BY",),)),
        Segment("UNS", (("S",),)),
        Segment("MOA", (("9", "10"),)),
        Segment("UNT", (("8",), ("1",))),
    ]
    root = group_message(segments)
    parties = list(root.groups("G_SG2"))
    assert [group.head.element(0) for group in parties] == ["SE", "BY"]
    assert [sub.head.element(0, 1) for sub in parties[0].groups("G_SG3")] == ["FR1"]


def test_a_segment_out_of_place_is_refused() -> None:
    segments = [
        Segment("UNH", (("1",), ("INVOIC", "D", "14B", "UN"))),
        Segment("BGM", (("380",),)),
        Segment("UNS", (("S",),)),
        Segment("BGM", (("380",),), position=4),
    ]
    with pytest.raises(ParseError, match="BGM at position 4"):
        group_message(segments)
