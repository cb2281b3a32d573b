"""formats.edifact.aperak: APERAK built, written, read back; the pydifact samples read as sent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from formats.edifact.aperak import AperakError, build_aperak, read_aperak, read_aperak_interchange
from formats.edifact.syntax import parse_interchange, write_interchange
from formats.errors import UnsupportedFormat

ISSUED = datetime(2026, 1, 15, 13, 0, tzinfo=UTC)


def test_rejection_round_trip() -> None:
    message = build_aperak(
        document_number="AP1",
        referenced_document="INV-7",
        accepted=False,
        errors=[AperakError("BT-1", "Invoice number: missing + 'odd' text"), AperakError("42")],
        issued=ISSUED,
    )
    data = write_interchange([message], sender="US", recipient="THEM", control_reference="5")
    assert (
        b"BGM++AP1+27'DTM+137:202601151300:203'RFF+ACW:INV-7'"
        b"ERC+BT-1'FTX+AAO+++Invoice number?: missing ?+ ?'odd?' text'ERC+42'" in data
    )
    (result,) = read_aperak_interchange(data)
    assert not result.accepted and result.function == "27"
    assert result.referenced_document == "INV-7" and result.issued == "202601151300"
    assert [(e.code, e.text) for e in result.errors] == [("BT-1", "Invoice number: missing + 'odd' text"), ("42", "")]
    assert parse_interchange(data, strict=True).findings == ()


def test_acceptance_round_trip() -> None:
    message = build_aperak(document_number="AP2", referenced_document="INV-8", accepted=True, issued=ISSUED)
    (result,) = read_aperak_interchange(
        write_interchange([message], sender="US", recipient="THEM", control_reference="6")
    )
    assert result.accepted and result.function == "29" and result.errors == ()


@pytest.mark.parametrize(
    ("name", "accepted", "number", "code", "text"),
    [
        ("v3-aperak.edi", True, "APERAK001", "1", "Message accepted without errors"),
        ("v3-aperak_rejected.edi", False, "APERAK002", "12", "Order rejected due to invalid product code"),
        ("v4-aperak.edi", True, "APERAK004", "1", "Message accepted"),
        # The sample leaves its colon unescaped, so the text arrives in two components.
        ("v4-aperak_rejected.edi", False, "APERAK003", "12", "Order rejected  invalid product code"),
    ],
)
def test_pydifact_samples(corpus_dir: Path, name: str, accepted: bool, number: str, code: str, text: str) -> None:
    data = (corpus_dir / "edifact/pydifact" / name).read_bytes()
    (result,) = read_aperak_interchange(data)
    assert (result.accepted, result.document_number, result.referenced_document) == (accepted, number, "PO123456")
    assert [(e.code, e.text) for e in result.errors] == [(code, text)]
    # Their envelopes are wrong (UNT says 8 for 7 segments): reading is lenient so the answer is not lost.
    assert [f.code for f in parse_interchange(data).findings if f.fatal] == ["29"]


def test_partner_codes_decide_when_bgm_is_silent(corpus_dir: Path) -> None:
    data = (corpus_dir / "edifact/pydifact/v3-aperak_rejected.edi").read_bytes()
    (result,) = read_aperak_interchange(data, acknowledgement_codes={"12"})
    assert result.accepted


def test_not_an_aperak() -> None:
    message = parse_interchange(
        b"UNB+UNOC:3+S+R+260115:1200+1'UNH+1+INVOIC:D:96A:UN'BGM+380'UNT+3+1'UNZ+1+1'"
    ).messages[0]
    with pytest.raises(UnsupportedFormat, match="not APERAK"):
        read_aperak(message)
