from __future__ import annotations

import pytest

from gateway.transports.as2.errors import MalformedMessage
from gateway.transports.as2.mime import (
    canonicalize,
    decode_body,
    make_entity,
    parse_content_type,
    parse_entity,
    split_multipart,
)


def test_folded_headers_are_unfolded_on_input() -> None:
    raw = (
        b'Content-Type: multipart/signed;\r\n\tprotocol="application/pkcs7-signature";\r\n'
        b' micalg=sha-256;\r\n boundary="b1"\r\n\r\nbody'
    )
    entity = parse_entity(raw)
    content_type = entity.content_type
    assert content_type.mime_type == "multipart/signed"
    assert content_type.param("micalg") == "sha-256"
    assert content_type.param("boundary") == "b1"
    assert entity.body == b"body"
    assert entity.to_bytes() == raw


def test_lf_only_entities_are_read() -> None:
    entity = parse_entity(b"Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\nline1\nline2\n")
    assert entity.get("content-transfer-encoding") == "7bit"
    assert entity.body == b"line1\nline2\n"


def test_header_without_colon_is_malformed() -> None:
    with pytest.raises(MalformedMessage):
        parse_entity(b"Content-Type text/plain\r\n\r\nx")


def test_quoted_parameters_keep_semicolons() -> None:
    content_type = parse_content_type('application/pkcs7-mime; name="a;b.p7m"; smime-type=enveloped-data')
    assert content_type.param("name") == "a;b.p7m"
    assert content_type.param("SMIME-TYPE") == "enveloped-data"


def test_split_multipart_leaves_the_crlf_before_the_boundary_out_of_the_part() -> None:
    body = b"preamble\r\n--b\r\nA: 1\r\n\r\nfirst\r\n\r\n--b\r\nB: 2\r\n\r\nsecond\r\n--b--\r\nepilogue"
    parts = split_multipart(body, "b")
    assert parts == [b"A: 1\r\n\r\nfirst\r\n", b"B: 2\r\n\r\nsecond"]


def test_split_multipart_ignores_the_boundary_inside_a_line() -> None:
    body = b"--b\r\n\r\nx --b y\r\n--b--\r\n"
    assert split_multipart(body, "b") == [b"\r\nx --b y"]


def test_split_multipart_without_closing_delimiter_fails() -> None:
    with pytest.raises(MalformedMessage, match="closing"):
        split_multipart(b"--b\r\n\r\nx\r\n--b\r\n\r\ny", "b")


def test_canonical_form_converts_text_but_not_binary_bodies() -> None:
    text = b"Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\na\nb"
    binary = b"Content-Type: application/EDIFACT\nContent-Transfer-Encoding: binary\n\na\nb"
    assert canonicalize(text, as_binary=False) == (
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\na\r\nb"
    )
    assert canonicalize(binary, as_binary=False).endswith(b"\r\n\r\na\nb")
    assert canonicalize(text, as_binary=True).endswith(b"\r\n\r\na\nb")


def test_make_entity_folds_only_when_asked() -> None:
    long_value = "multipart/signed; " + "; ".join(f"p{i}=value{i}" for i in range(12))
    flat = make_entity([("Content-Type", long_value)], b"")
    folded = make_entity([("Content-Type", long_value)], b"", fold=True)
    assert b"\r\n " not in flat.head
    assert b"\r\n " in folded.head
    assert max(len(line) for line in folded.head.split(b"\r\n")) <= 76
    assert parse_entity(folded.to_bytes()).get("Content-Type") == long_value


def test_decode_body_handles_base64_and_rejects_garbage() -> None:
    entity = parse_entity(b"Content-Transfer-Encoding: base64\r\n\r\naGVs\r\nbG8=\r\n")
    assert decode_body(entity) == b"hello"
    with pytest.raises(MalformedMessage):
        decode_body(parse_entity(b"Content-Transfer-Encoding: base64\r\n\r\n!!!\r\n"))


def test_split_multipart_finds_only_whole_delimiter_lines() -> None:
    body = (
        b"preamble --b inside a line\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nfirst --b not a delimiter\r\n--bx is another boundary\r\n"
        b"--b \t\nsecond, after padding and a bare LF\n"
        b"--b--\r\nepilogue"
    )
    assert split_multipart(body, "b") == [
        b"Content-Type: text/plain\r\n\r\nfirst --b not a delimiter\r\n--bx is another boundary",
        b"second, after padding and a bare LF",
    ]


def test_split_multipart_needs_the_closing_delimiter() -> None:
    with pytest.raises(MalformedMessage, match="closing delimiter"):
        split_multipart(b"--b\r\npart\r\n--b\r\nmore", "b")
    with pytest.raises(MalformedMessage, match="not found"):
        split_multipart(b"no delimiter here", "b")
