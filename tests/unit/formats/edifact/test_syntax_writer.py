"""formats.edifact.syntax.writer: escaping, counts, charsets; output reads back (ours, strict) and in pydifact."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydifact.segmentcollection import Interchange as PydifactInterchange

from formats.edifact.segments import Delimiters, Message, Package, Segment
from formats.edifact.syntax import build_message, parse_interchange, render_interchange, write_interchange
from formats.errors import ConfigError, NotRepresentable

# pydifact warns that it has no directory files for the segments it reads; that is its business, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")

TRICKY = "a+b:c?d'e*f ?? '' ++ ::"
BODY = (
    Segment("BGM", (("380",), (TRICKY,), ("9",))),
    Segment("FTX", (("AAI",), ("",), ("",), ("line one: ok", TRICKY))),
    Segment("MOA", (("203", "1960.29"),)),
)


def _message(reference: str = "1", body: tuple[Segment, ...] = BODY) -> Message:
    return build_message("INVOIC", body, reference=reference, release="14B")


def _bodies(data: bytes) -> list[tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]]:
    return [tuple((s.tag, s.elements) for s in m.segments[1:-1]) for m in parse_interchange(data, strict=True).messages]


def _pydifact(data: bytes, encoding: str) -> list[tuple[str, list[Any]]]:
    """Return pydifact's view: UNB and UNZ (its header and footer) around the segments between them."""
    collection = PydifactInterchange.from_str(data.decode(encoding))
    header: tuple[str, list[Any]] = ("UNB", [collection.sender, collection.recipient, collection.control_reference])
    footer: tuple[str, list[Any]] = ("UNZ", [str(len(list(collection.get_messages()))), collection.control_reference])
    inner: list[tuple[str, list[Any]]] = [(s.tag, list(s.elements)) for s in collection.segments]
    return [header, *inner, footer]


@pytest.mark.parametrize(("syntax_id", "version"), [("UNOW", "4"), ("UNOY", "4"), ("UNOC", "3"), ("UNOB", "3")])
def test_round_trip_is_identity_with_service_characters_in_data(syntax_id: str, version: str) -> None:
    messages = [_message("1"), _message("2")]
    data = write_interchange(
        messages, sender=("S", "14"), recipient="R", control_reference="42", syntax_id=syntax_id, syntax_version=version
    )
    assert _bodies(data) == [tuple((s.tag, s.elements) for s in BODY)] * 2
    interchange = parse_interchange(data, strict=True)
    assert interchange.control_reference == "42" and interchange.sender == ("S", "14")
    assert [m.segments[-1].elements for m in interchange.messages] == [(("5",), ("1",)), (("5",), ("2",))]


@pytest.mark.parametrize("version", ["3", "4"])
def test_pydifact_reads_what_we_write(version: str) -> None:
    data = write_interchange(
        [_message()], sender="S", recipient="R", control_reference="7", syntax_id="UNOC", syntax_version=version
    )
    segments = _pydifact(data, "latin-1")
    assert [tag for tag, _ in segments] == ["UNB", "UNH", "BGM", "FTX", "MOA", "UNT", "UNZ"]
    assert segments[2][1][1] == TRICKY  # pydifact unescapes our escapes to the same text
    assert segments[3][1][3] == ["line one: ok", TRICKY]
    assert segments[5][1] == ["5", "1"] and segments[6][1] == ["1", "7"]


def test_pydifact_reads_utf8_and_custom_delimiters() -> None:
    body = (Segment("FTX", (("AAI",), ("",), ("",), ("Łódź € ~|#",))),)
    delimiters = Delimiters(component="|", element="~", decimal=",", release="#", repetition="^", terminator="!")
    data = write_interchange(
        [_message(body=body)], sender="S", recipient="R", control_reference="7", delimiters=delimiters
    )
    assert data.startswith(b"UNA|~,#^!UNB~UNOW|4~")
    assert _pydifact(data, "utf-8")[2][1][3] == "Łódź € ~|#"
    assert _bodies(data) == [(("FTX", (("AAI",), ("",), ("",), ("Łódź € ~|#",))),)]


def test_a_complete_message_keeps_its_unh_and_gets_a_fresh_unt() -> None:
    unh = Segment("UNH", (("M9",), ("INVOIC", "D", "14B", "UN", "", "16B"), ("COMMON",)))
    stale = Segment("UNT", (("99",), ("WRONG",)))
    message = Message("M9", "INVOIC", "D", "14B", "UN", "", (unh, *BODY, stale))
    interchange = parse_interchange(
        write_interchange([message], sender="S", recipient="R", control_reference="1"), strict=True
    )
    (read,) = interchange.messages
    assert read.segments[0].elements == unh.elements
    assert read.segments[-1].elements == (("5",), ("M9",))


def test_unb_dates_follow_the_syntax_version() -> None:
    moment = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    v4 = parse_interchange(
        write_interchange([_message()], sender="S", recipient="R", control_reference="1", prepared=moment)
    )
    v3 = parse_interchange(
        write_interchange(
            [_message()],
            sender="S",
            recipient="R",
            control_reference="1",
            prepared=moment,
            syntax_version="3",
            syntax_id="UNOC",
        )
    )
    assert v4.prepared == ("20260115", "0930") and v3.prepared == ("260115", "0930")
    assert b"UNA:+.? '" in write_interchange(
        [_message()], sender="S", recipient="R", control_reference="1", syntax_version="3", syntax_id="UNOC"
    )


def test_repetitions_are_written_in_syntax_4_only() -> None:
    rff = Segment("RFF", (("A", "1"),), repetitions=((0, (("B", "2"),)),))
    data = write_interchange([_message(body=(rff,))], sender="S", recipient="R", control_reference="1")
    assert b"RFF+A:1*B:2'" in data
    assert parse_interchange(data, strict=True).messages[0].segments[1].repetitions == ((0, (("B", "2"),)),)
    with pytest.raises(NotRepresentable, match="syntax version 4"):
        write_interchange([_message(body=(rff,))], sender="S", recipient="R", control_reference="1", syntax_version="3")


def test_transliteration_to_unoa_and_unob_with_findings() -> None:
    body = (Segment("FTX", (("AAI",), ("",), ("",), ("Café Straße Ørsted",))),)
    unob = render_interchange([_message(body=body)], sender="S", recipient="R", control_reference="1", syntax_id="UNOB")
    assert _bodies(unob.data)[0][0][1][3] == ("Cafe Strasse Orsted",)
    (finding,) = unob.findings
    assert (finding.code, finding.segment_tag, finding.segment_position, finding.element_position, finding.fatal) == (
        "37",
        "FTX",
        2,
        4,
        False,
    )
    unoa = render_interchange([_message(body=body)], sender="S", recipient="R", control_reference="1", syntax_id="UNOA")
    assert _bodies(unoa.data)[0][0][1][3] == ("CAFE STRASSE ORSTED",)
    assert parse_interchange(unoa.data).findings == ()  # within the UNOA repertoire now
    latin1 = render_interchange(
        [_message(body=body)], sender="S", recipient="R", control_reference="1", syntax_id="UNOC"
    )
    assert latin1.findings == () and "Café Straße Ørsted".encode("latin-1") in latin1.data


def test_refusing_unrepresentable_characters() -> None:
    body = (Segment("FTX", (("AAI",), ("",), ("",), ("Łódź",))),)
    with pytest.raises(NotRepresentable, match="cannot be written in UNOC"):
        write_interchange(
            [_message(body=body)],
            sender="S",
            recipient="R",
            control_reference="1",
            syntax_id="UNOC",
            on_unrepresentable="refuse",
        )


def test_packages_are_written_with_their_length_and_read_back() -> None:
    blob = b"%PDF-1.7 ' + : ? \x00\xff"
    header = Segment("UNO", (("P1",), ("1", "Doc1"), ("13", "application/pdf"), ("0",)))
    data = write_interchange(
        [_message()], sender="S", recipient="R", control_reference="1", packages=[Package("P1", blob, header)]
    )
    interchange = parse_interchange(data, strict=True)
    (package,) = interchange.packages
    assert package.content == blob and package.header.elements[3] == (str(len(blob)),)
    with pytest.raises(NotRepresentable):
        write_interchange(
            [_message()],
            sender="S",
            recipient="R",
            control_reference="1",
            syntax_version="3",
            packages=[Package("P1", blob, header)],
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"syntax_id": "UNOZ"}, "unknown EDIFACT syntax identifier"),
        ({"syntax_version": "2"}, "we write 3 or 4"),
        ({"delimiters": Delimiters(release="")}, "release character"),
    ],
)
def test_bad_writer_settings_are_config_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        write_interchange([_message()], sender="S", recipient="R", control_reference="1", **kwargs)  # type: ignore[arg-type]


def test_test_indicator_and_application_reference() -> None:
    data = write_interchange(
        [_message()], sender="S", recipient="R", control_reference="1", application_reference="INVOIC", test=True
    )
    header = parse_interchange(data, strict=True).header
    assert header is not None and header.element(7) == "INVOIC" and header.element(10) == "1"
