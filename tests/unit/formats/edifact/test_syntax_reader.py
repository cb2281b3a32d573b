"""formats.edifact.syntax.reader: envelopes, escaping, packages and the inputs it must refuse in one line."""

from __future__ import annotations

import pytest

from formats.edifact.segments import Delimiters
from formats.edifact.syntax import MAX_ELEMENTS, EdifactSyntaxError, check_parties, parse_interchange

GOOD = (
    b"UNA:+.? '"
    b"UNB+UNOC:3+SENDER:14+RECEIVER:14+260115:1200+REF1'"
    b"UNH+M1+INVOIC:D:96A:UN:EAN008'"
    b"BGM+380+INV?+1?:2??3?'4+9'"
    b"FTX+AAI+++Caf\xe9 cr\xe8me'"
    b"UNT+4+M1'"
    b"UNZ+1+REF1'"
)


def _codes(data: bytes) -> list[tuple[str, str | None, str]]:
    return [(f.code, f.segment_tag, f.message) for f in parse_interchange(data).findings]


def test_a_good_interchange_reads_with_no_finding() -> None:
    interchange = parse_interchange(GOOD, strict=True)
    assert interchange.findings == ()
    assert (interchange.syntax_id, interchange.syntax_version, interchange.control_reference) == ("UNOC", "3", "REF1")
    assert interchange.sender == ("SENDER", "14") and interchange.recipient == ("RECEIVER", "14")
    (message,) = interchange.messages
    assert (message.reference, message.type, message.release, message.association_code) == (
        "M1",
        "INVOIC",
        "96A",
        "EAN008",
    )
    bgm = message.segments[1]
    assert bgm.elements == (("380",), ("INV+1:2?3'4",), ("9",)) and bgm.position == 2
    assert message.segments[2].element(3) == "Café crème"  # ISO 8859-1 for UNOC


def test_line_breaks_between_segments_are_skipped_but_kept_inside_data() -> None:
    data = GOOD.replace(b"'", b"'\r\n").replace(b"?'\r\n", b"?'").replace(b"Caf", b"Ca\nf")
    interchange = parse_interchange(data, strict=True)
    assert interchange.messages[0].segments[2].element(3) == "Ca\nfé crème"


def test_trailing_empty_elements_and_components_are_dropped() -> None:
    data = GOOD.replace(b"BGM+380+INV?+1?:2??3?'4+9'", b"BGM+380:::+X++'")
    bgm = parse_interchange(data).messages[0].segments[1]
    assert bgm.elements == (("380",), ("X",))


def test_una_changes_every_service_character() -> None:
    data = b"UNA|*,# ~UNB*UNOC|3*S*R*260115|1200*9~UNH*1*ORDERS|D|96A|UN~FTX*AAI***a#*b#|c##d~UNT*3*1~UNZ*1*9~"
    interchange = parse_interchange(data, strict=True)
    assert interchange.delimiters == Delimiters("|", "*", ",", "#", "", "~")
    assert interchange.messages[0].segments[1].element(3) == "a*b|c#d"


def test_repetition_separator_in_syntax_4_and_its_escape() -> None:
    data = b"UNA:+.?*'UNB+UNOW:4+S+R+20260115:1200+9'UNH+1+INVOIC:D:14B:UN'RFF+A:1*B:2*C+x?*y'UNT+3+1'UNZ+1+9'"
    rff = parse_interchange(data, strict=True).messages[0].segments[1]
    assert rff.elements == (("A", "1"), ("x*y",))
    assert rff.repetitions == ((0, (("B", "2"), ("C",))),)


def test_asterisk_is_data_in_syntax_3() -> None:
    data = GOOD.replace(b"+9'", b"+9*9'")
    assert parse_interchange(data, strict=True).messages[0].segments[1].element(2) == "9*9"


def test_syntax_4_utf8_and_invalid_octets() -> None:
    data = (
        b"UNA:+.?*'UNB+UNOW:4+S+R+20260115:1200+9'UNH+1+INVOIC:D:14B:UN'"
        b"FTX+AAI+++\xe2\x82\xac 5 \xc5\x81\xc3\xb3d\xc5\xba'FTX+AAI+++bad \x92'UNT+4+1'UNZ+1+9'"
    )
    interchange = parse_interchange(data)
    assert interchange.messages[0].segments[1].element(3) == "€ 5 Łódź"
    (finding,) = interchange.findings
    assert (finding.code, finding.segment_position, finding.message_reference, finding.fatal) == ("37", 3, "1", True)
    assert "0x92" in finding.message


def test_unoa_repertoire_small_letters_tolerated_accents_not() -> None:
    data = GOOD.replace(b"UNOC", b"UNOA")
    findings = parse_interchange(data).findings
    assert [(f.code, f.fatal, f.element_position) for f in findings] == [("37", True, 4)]
    assert "é" in findings[0].message and "è" in findings[0].message
    lower = data.replace(b"Caf\xe9 cr\xe8me", b"cafe")
    assert [(f.code, f.fatal) for f in parse_interchange(lower).findings] == [("37", False)]
    assert parse_interchange(lower, strict=True).messages  # tolerated in strict mode too


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"UNT+4+M1'", b"UNT+5+M1'", [("29", "UNT", "UNT count 5 != actual 4")]),
        (b"UNT+4+M1'", b"UNT+4+M2'", [("28", "UNT", "UNH 0062 M1 != UNT 0062 M2")]),
        (b"UNZ+1+REF1'", b"UNZ+2+REF1'", [("29", "UNZ", "UNZ count 2 != actual 1")]),
        (b"UNZ+1+REF1'", b"UNZ+1+REF2'", [("28", "UNZ", "UNB 0020 REF1 != UNZ 0020 REF2")]),
        (b"UNZ+1+REF1'", b"UNZ+1'", [("13", "UNZ", "UNZ 0020 is missing")]),
        (b"+REF1'UNH", b"+'UNH", [("13", "UNB", "UNB 0020 control reference is missing")]),
        (b"UNOC:3", b"UNOC:9", [("2", "UNB", "syntax version '9' is not supported (1 to 4)")]),
        (b"UNT+4+M1'", b"UNT+4+M1'DTM+137'", [("15", "DTM", "DTM segment 6 outside a message")]),
    ],
)
def test_envelope_errors_are_findings_in_lenient_mode_and_raise_in_strict(
    old: bytes, new: bytes, expected: list[tuple[str, str, str]]
) -> None:
    data = GOOD.replace(old, new)
    assert _codes(data) == expected
    with pytest.raises(EdifactSyntaxError) as caught:
        parse_interchange(data, strict=True)
    assert expected[0][2] in caught.value.one_line()
    assert [f.code for f in caught.value.findings] == [code for code, _tag, _msg in expected]


def test_duplicate_message_references_and_missing_unt() -> None:
    message = b"UNH+M1+INVOIC:D:96A:UN'BGM+380'UNT+3+M1'"
    data = GOOD.replace(b"UNZ+1+REF1'", message + b"UNZ+2+REF1'")
    assert [(f.code, f.message) for f in parse_interchange(data).findings] == [
        ("26", "message reference M1 used twice")
    ]
    unclosed = GOOD.replace(b"UNT+4+M1'", b"")
    findings = parse_interchange(unclosed).findings
    assert [(f.code, f.message_reference) for f in findings] == [("13", "M1")]


def test_groups_check_their_reference_and_count() -> None:
    body = GOOD.split(b"UNH", 1)[1].split(b"UNZ", 1)[0]
    data = GOOD.split(b"UNH", 1)[0] + b"UNG+INVOIC+S+R+260115:1200+G1+UN+D:96A'UNH" + body + b"UNE+2+G9'UNZ+1+REF1'"
    interchange = parse_interchange(data)
    assert interchange.messages[0].group_reference == "G1"
    assert [(f.code, f.message) for f in interchange.findings] == [
        ("29", "UNE count 2 != actual 1"),
        ("28", "UNG 0048 G1 != UNE 0048 G9"),
    ]


def test_a_package_is_cut_by_length_even_when_it_holds_separators() -> None:
    blob = b"a'b+c?d\x00\xff'UNZ"
    data = (
        b"UNA:+.?*'UNB+UNOW:4+S+R+20260115:1200+9'UNH+1+INVOIC:D:14B:UN'UNT+2+1'"
        + b"UNO+P1+1:Doc1+13:application/pdf+"
        + str(len(blob)).encode()
        + b"'"
        + blob
        + b"UNP+"
        + str(len(blob)).encode()
        + b"+P1'\nUNZ+2+9'"
    )
    interchange = parse_interchange(data, strict=True)
    (package,) = interchange.packages
    assert package.content == blob and package.reference == "P1"
    assert package.header.elements[2] == ("13", "application/pdf")
    wrong = data.replace(b"UNP+" + str(len(blob)).encode() + b"+P1", b"UNP+99+P2")
    assert [f.code for f in parse_interchange(wrong).findings] == ["29", "28"]


def test_check_parties_names_unknown_sender_and_wrong_recipient() -> None:
    interchange = parse_interchange(GOOD)
    assert check_parties(interchange, senders={"SENDER"}, recipients={"RECEIVER"}) == ()
    assert [f.code for f in check_parties(interchange, senders={"X"}, recipients={"Y"})] == ["23", "7"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not an EDIFACT interchange"),
        (b"<?xml version='1.0'?><Invoice/>", 'not an EDIFACT interchange: it starts with "<?xml'),
        (GOOD.replace(b"UNOC", b"UNOZ"), "unknown character set (syntax identifier) 'UNOZ'"),
        (GOOD[: GOOD.index(b"UNZ")], "truncated interchange: no UNZ segment"),
        (GOOD[:-3], "truncated interchange: the last segment 'UNZ+1+RE' has no terminator"),
        (GOOD[:60], "truncated interchange: the last segment"),
        (GOOD.replace(b"INV?+1?:2??3?'4", b"INV'4X"), "segment '4X+9' has no valid tag"),
        (b"UNA:+.?'", "UNA service string advice is shorter than 9 characters"),
        (b"UNA:::: 'UNB", "repeats a service character"),
        (GOOD.replace(b"BGM+380", b"BGM" + b"+1" * (MAX_ELEMENTS + 1)), "10003 data elements (at most 10000)"),
        (b"UIB+UNOC:4'", "interactive EDIFACT (UIB) is not supported"),
    ],
)
def test_unreadable_input_raises_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(EdifactSyntaxError) as caught:
        parse_interchange(data)
    line = caught.value.one_line()
    assert reason in line and "\n" not in line
    assert len(caught.value.findings) == 1


def test_an_unreadable_interchange_keeps_its_unb_for_the_contrl() -> None:
    with pytest.raises(EdifactSyntaxError) as caught:
        parse_interchange(GOOD[: GOOD.index(b"UNZ")])
    assert caught.value.header is not None and caught.value.header.element(4) == "REF1"


def test_unob_default_separators_without_una() -> None:
    data = b"UNB\x1dUNOB\x1f3\x1dS\x1dR\x1d260115\x1f1200\x1d9\x1cUNH\x1d1\x1dORDERS\x1fD\x1f96A\x1fUN\x1c"
    data += b"BGM\x1d220\x1cUNT\x1d3\x1d1\x1cUNZ\x1d1\x1d9\x1c"
    interchange = parse_interchange(data, strict=True)
    assert interchange.messages[0].segments[1].elements == (("220",),)
