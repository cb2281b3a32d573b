from __future__ import annotations

import pytest

from formats.errors import InputTooLarge, ParseError, UnsafeXml
from formats.xml_safety import parse_xml

XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;</l>'
)


@pytest.mark.parametrize("data", [XXE, LAUGHS, b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>'])
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(UnsafeXml, match="DTD and entity declarations are not allowed"):
        parse_xml(data)


def test_external_entity_content_never_appears() -> None:
    with pytest.raises(UnsafeXml):
        parse_xml(XXE)


def test_excessive_depth_is_refused() -> None:
    with pytest.raises(UnsafeXml, match="nest deeper"):
        parse_xml(b"<a>" * 5000 + b"</a>" * 5000)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<a><b>", "not well-formed"),
        (b'<?xml version="1.0" encoding="UTF-8_W/O_BOM"?><a/>', "not well-formed"),
    ],
)
def test_broken_input_is_a_parse_error(data: bytes, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        parse_xml(data, source="x.xml")


def test_size_limit_and_bom() -> None:
    with pytest.raises(InputTooLarge, match="over the 10-byte limit"):
        parse_xml(b"<a>0123456789</a>", max_bytes=10)
    assert parse_xml(b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?><a/>").tag == "a"


def test_error_carries_the_source_name() -> None:
    with pytest.raises(ParseError) as caught:
        parse_xml(b"<a>", source="partner/file.xml")
    assert caught.value.one_line().startswith("partner/file.xml: not well-formed XML")
