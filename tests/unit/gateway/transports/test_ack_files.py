"""Acknowledgement files as Acks: CONTRL detection and verdicts, plain verdict words, naming."""

from __future__ import annotations

import pytest

from gateway.transports._ack_files import ack_from_file, is_edifact_contrl
from gateway.transports._naming import DEFAULT_ACK_NAMER, is_temporary, safe_name

UNB = b"UNB+UNOC:3+BUYER+SELLER+240101:1200+7'"


def contrl(uci_action: str, extra: bytes = b"") -> bytes:
    body = b"UNH+1+CONTRL:D:3:UN'UCI+42+SELLER+BUYER+" + uci_action.encode() + b"'" + extra
    count = body.count(b"'") + 1
    return UNB + body + b"UNT+" + str(count).encode() + b"+1'UNZ+1+7'"


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (contrl("7"), "accepted"),
        (contrl("4"), "rejected"),
        (contrl("8"), "received"),
        (contrl("7", b"UCM+1+INVOIC:D:96A:UN+4'"), "rejected"),
        (b"UNB+UNOC:3+B+S+240101:1200+7'UNH+1+CONTRL:D:3:UN'", "received"),  # truncated: kept, not judged
    ],
)
def test_contrl_verdict(content: bytes, status: str) -> None:
    ack = ack_from_file(channel="sftp", name="m1.CONTRL", content=content, message_id="m1", mtime=0.0)
    assert (ack.kind, ack.status, ack.raw) == ("edifact-contrl", status, content)
    assert ack.detail.startswith("CONTRL m1.CONTRL")


def test_contrl_detection_honours_una() -> None:
    assert is_edifact_contrl(b"UNA|*.? 'UNB*UNOC|3*A*B*240101|1200*1'UNH*1*CONTRL|D|3|UN'")
    assert not is_edifact_contrl(b"UNA|*.? 'UNB*UNOC|3*A*B*240101|1200*1'UNH*1*INVOIC|D|96A|UN'")
    assert not is_edifact_contrl(b"<xml>CONTRL</xml>")


@pytest.mark.parametrize(
    ("first_line", "status"),
    [("ACCEPTED", "accepted"), ("ok.", "accepted"), ("Rejected: bad VAT", "rejected"), ("hello", "received")],
)
def test_plain_ack_words(first_line: str, status: str) -> None:
    ack = ack_from_file(
        channel="folder", name="m.ack", content=first_line.encode() + b"\nmore", message_id="m", mtime=None
    )
    assert (ack.kind, ack.status, ack.at) == ("folder-ack-file", status, None)
    assert ack.detail == f"m.ack: {first_line}"


def test_default_ack_namer_and_names() -> None:
    assert DEFAULT_ACK_NAMER.message_id("3f2c9a10-aaaa-4bbb-8ccc-123456789abc_F1.xml.ack") == (
        "3f2c9a10-aaaa-4bbb-8ccc-123456789abc"
    )
    assert DEFAULT_ACK_NAMER.message_id("01HV7Q.CONTRL") == "01HV7Q"
    assert DEFAULT_ACK_NAMER.message_id("noseparator") is None
    assert safe_name("../a/b\\c:d\x00") == "_._a_b_c_d_"
    assert safe_name("") == "_"
    assert all(is_temporary(n) for n in (".x", "a.part", "a.tmp", "a.filepart", "a~"))
    assert not is_temporary("a.xml")
