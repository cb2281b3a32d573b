"""formats.edifact.contrl: the CONTRL we build for broken interchanges names the right segment and code."""

from __future__ import annotations

import pytest

from formats.edifact.contrl import (
    ContrlResult,
    build_contrl,
    read_contrl,
    read_contrl_interchange,
    write_contrl,
    write_contrl_for_unreadable,
)
from formats.edifact.syntax import EdifactSyntaxError, parse_interchange
from formats.errors import UnsupportedFormat

GOOD = (
    b"UNA:+.? 'UNB+UNOC:3+SENDER:14+US:14+260115:1200+REF1'"
    b"UNH+M1+INVOIC:D:96A:UN:EAN008'BGM+380+INV1+9'DTM+137:20260115:102'UNT+4+M1'"
    b"UNH+M2+INVOIC:D:96A:UN:EAN008'BGM+380+INV2+9'UNT+3+M2'"
    b"UNZ+2+REF1'"
)


def _answer(data: bytes) -> tuple[bytes, ContrlResult]:
    contrl = write_contrl(parse_interchange(data), control_reference="C1", prepared=("260115", "1300"))
    (result,) = read_contrl_interchange(contrl)
    return contrl, result


def test_a_good_interchange_is_acknowledged() -> None:
    contrl, result = _answer(GOOD)
    assert b"UNB+UNOC:3+US:14+SENDER:14+260115:1300+C1'" in contrl  # answered back, same syntax
    assert b"UNH+1+CONTRL:D:3:UN'UCI+REF1+SENDER:14+US:14+7'UNT+3+1'" in contrl
    assert parse_interchange(contrl, strict=True).findings == ()
    assert result.accepted and result.interchange_reference == "REF1" and result.messages == ()


def test_a_wrong_unt_count_rejects_that_message_naming_unt() -> None:
    contrl, result = _answer(GOOD.replace(b"UNT+4+M1'", b"UNT+7+M1'"))
    assert b"UCI+REF1+SENDER:14+US:14+7'UCM+M1+INVOIC:D:96A:UN:EAN008+4+29+UNT+1'" in contrl
    assert result.accepted  # the interchange, since M2 is fine
    (status,) = result.messages
    assert status.reference == "M1" and not status.accepted
    assert [(e.code, e.segment_tag, e.element_position) for e in status.errors] == [("29", "UNT", 1)]
    assert not result.message_accepted("M1") and result.message_accepted("M2")


def test_every_message_rejected_rejects_the_interchange() -> None:
    data = GOOD.replace(b"UNT+4+M1'", b"UNT+7+M1'").replace(b"UNT+3+M2'", b"UNT+3+MX'")
    contrl, result = _answer(data)
    assert b"UCI+REF1+SENDER:14+US:14+4'" in contrl
    assert b"UCM+M2+INVOIC:D:96A:UN:EAN008+4+28+UNT+2'" in contrl
    assert not result.accepted and [m.reference for m in result.messages] == ["M1", "M2"]


def test_an_envelope_error_is_reported_in_uci() -> None:
    contrl, result = _answer(GOOD.replace(b"UNZ+2+REF1'", b"UNZ+2+REF9'"))
    assert b"UCI+REF1+SENDER:14+US:14+4+28+UNZ+2'" in contrl
    assert result.error is not None and (result.error.code, result.error.segment_tag) == ("28", "UNZ")


def test_an_error_inside_a_segment_goes_to_ucs_and_ucd() -> None:
    data = GOOD.replace(b"UNOC", b"UNOA").replace(b"INV1", b"INV\xc91")
    contrl, result = _answer(data)
    assert b"UCM+M1+INVOIC:D:96A:UN:EAN008+4'UCS+2'UCD+37+2'" in contrl
    assert [(e.code, e.segment_position, e.element_position) for e in result.messages[0].errors] == [("37", 2, 2)]


def test_syntax_4_answers_with_the_syntax_4_contrl() -> None:
    data = GOOD.replace(b"UNOC:3", b"UNOW:4").replace(b"260115:1200", b"20260115:1200")
    contrl = write_contrl(parse_interchange(data), control_reference="C1")
    assert b"UNH+1+CONTRL:4:1:UN'" in contrl


def test_report_messages_lists_accepted_ones_too() -> None:
    message = build_contrl(parse_interchange(GOOD), report_messages=True)
    assert [s.tag for s in message.segments] == ["UCI", "UCM", "UCM"]
    result = read_contrl(message)
    assert all(m.accepted for m in result.messages)


@pytest.mark.parametrize(
    ("data", "uci"),
    [
        (GOOD[: GOOD.index(b"UNZ")], b"UCI+REF1+SENDER:14+US:14+4+13+UNZ'"),
        (GOOD.replace(b"UNOC", b"UNOQ"), b"UCI+REF1+SENDER:14+US:14+4+2+UNB'"),
        (GOOD.replace(b"BGM+380+INV1", b"BGM+380+IN'V1"), b"UCI+REF1+SENDER:14+US:14+4+37'"),
        (b"not edifact at all", b"UCI++PARTNER+ME+4+18+UNB'"),
    ],
)
def test_unreadable_input_is_rejected_by_a_contrl(data: bytes, uci: bytes) -> None:
    with pytest.raises(EdifactSyntaxError) as caught:
        parse_interchange(data)
    contrl = write_contrl_for_unreadable(
        caught.value, control_reference="C1", sender=("PARTNER",), recipient=("ME",), prepared=("260115", "1300")
    )
    assert uci in contrl
    (result,) = read_contrl_interchange(contrl)
    assert not result.accepted


def test_reading_something_else_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="holds no CONTRL"):
        read_contrl_interchange(GOOD)
