"""The EDIFACT corpus through the syntax layer: the envelope problems the corpus README lists, no more, no less.

``EXPECTED`` restates ``../shared/corpus/README.md`` (section ``## edifact``)
as (code, message) pairs; the README text itself is checked to still say so,
so the two cannot drift apart silently. Non-envelope findings are listed in
``OTHER`` with the reason they are expected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formats.edifact.contrl import read_contrl_interchange
from formats.edifact.syntax import EdifactSyntaxError, parse_interchange
from tests.conftest import CORPUS

ENVELOPE_CODES = {"13", "15", "26", "28", "29", "32"}

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "authored/CONTRL_accept_interchange.edi": [],
    "authored/CONTRL_reject_message_syntax_error.edi": [],
    "cen/EDIFACT_EXAMPLE0.edi": [("29", "UNT count 171 != actual 37")],
    "cen/EDIFACT_EXAMPLE0a.edi": [("29", "UNT count 171 != actual 34")],
    "cen/EDIFACT_EXAMPLE1.edi": [("28", "UNB 0020 87846595 != UNZ 0020 12115118")],
    "cen/EDIFACT_EXAMPLE2.edi": [("28", "UNB 0020 87846595 != UNZ 0020 TOSL108")],
    "cen/EDIFACT_EXAMPLE3.edi": [("28", "UNB 0020 87846595 != UNZ 0020 TOSL108")],
    "cen/EDIFACT_EXAMPLE4.edi": [("28", "UNB 0020 87846595 != UNZ 0020 TOSL110")],
    "cen/EDIFACT_EXAMPLE5.edi": [("28", "UNB 0020 87846595 != UNZ 0020 TOSL110")],
    "cen/EDIFACT_EXAMPLE6.edi": [("28", "UNB 0020 87846595 != UNZ 0020 TOSL110")],
    "cen/EDIFACT_EXAMPLE7.edi": [("28", "UNB 0020 87846595 != UNZ 0020 INVOICE_test_7")],
    "cen/EDIFACT_EXAMPLE8.edi": [("28", "UNB 0020 87846595 != UNZ 0020 1100512149")],
    "cen/EDIFACT_EXAMPLE9.edi": [("28", "UNB 0020 87846595 != UNZ 0020 20150483")],
    "pydifact/invoice1.edi": [],
    "pydifact/v3-aperak.edi": [("29", "UNT count 8 != actual 7")],
    "pydifact/v3-aperak_rejected.edi": [("29", "UNT count 8 != actual 7")],
    "pydifact/v4-aperak.edi": [("29", "UNT count 8 != actual 7")],
    "pydifact/v4-aperak_rejected.edi": [("29", "UNT count 8 != actual 7")],
}

OTHER: dict[str, list[tuple[str, bool]]] = {
    # A Windows-1252 right quote (0x92) in a UNOW (UTF-8) interchange, IMD segment 27.
    "cen/EDIFACT_EXAMPLE8.edi": [("37", True)],
    # Small letters in FTX of UNOA interchanges: tolerated, reported as non-fatal.
    "pydifact/v3-aperak.edi": [("37", False)],
    "pydifact/v3-aperak_rejected.edi": [("37", False)],
    "pydifact/v4-aperak.edi": [("37", False)],
    "pydifact/v4-aperak_rejected.edi": [("37", False)],
}

# Packages (UNO…UNP) in the corpus: reference, object length in octets.
PACKAGES = {"cen/EDIFACT_EXAMPLE2.edi": ("P1", 104), "cen/EDIFACT_EXAMPLE5.edi": ("P1", 104)}


def _readme_expectations() -> dict[str, str]:
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    section = text.split("## edifact", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for match in re.finditer(r"^\| `edifact/([^`]+\.edi)` \|.*\| ([^|]+) \|$", section, re.MULTILINE):
        rows[match.group(1)] = match.group(2).strip()
    return rows


def test_expectations_match_the_corpus_readme(corpus_dir: Path) -> None:
    readme = _readme_expectations()
    listed = {name for name in readme if name != "pydifact/order.edi"}
    assert listed == set(EXPECTED)
    for name, expected in EXPECTED.items():
        for _code, message in expected:
            assert message in readme[name], name
        if not expected:
            assert "envelope consistent" in readme[name], name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lenient_reading_finds_exactly_the_listed_problems(corpus_dir: Path, name: str) -> None:
    interchange = parse_interchange((corpus_dir / "edifact" / name).read_bytes())
    envelope = [(f.code, f.message) for f in interchange.findings if f.code in ENVELOPE_CODES]
    other = [(f.code, f.fatal) for f in interchange.findings if f.code not in ENVELOPE_CODES]
    assert envelope == EXPECTED[name]
    assert other == OTHER.get(name, [])
    assert interchange.messages, name
    for message in interchange.messages:
        assert message.segments[0].tag == "UNH" and message.segments[-1].tag == "UNT"
        assert [s.position for s in message.segments] == list(range(1, len(message.segments) + 1))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_strict_reading_rejects_naming_the_problem(corpus_dir: Path, name: str) -> None:
    data = (corpus_dir / "edifact" / name).read_bytes()
    fatal = EXPECTED[name] + [("37", True)] * sum(f for _c, f in OTHER.get(name, []))
    if not fatal:
        assert parse_interchange(data, strict=True).findings == ()
        return
    with pytest.raises(EdifactSyntaxError) as caught:
        parse_interchange(data, strict=True)
    for _code, message in EXPECTED[name]:
        assert message in str(caught.value)
    assert caught.value.code == "format.edifact-syntax"


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_packages_are_read_by_length(corpus_dir: Path, name: str) -> None:
    interchange = parse_interchange((corpus_dir / "edifact" / name).read_bytes())
    (package,) = interchange.packages
    assert (package.reference, len(package.content)) == PACKAGES[name]
    assert package.content.startswith(b"SlZCRVJp") and package.content.endswith(b"WEVoVWI=")


def test_pydifact_order_sample_has_no_unz_and_is_refused_as_truncated(corpus_dir: Path) -> None:
    # The README calls it "envelope consistent", but the file stops after UNT: no UNZ.
    data = (corpus_dir / "edifact/pydifact/order.edi").read_bytes()
    assert b"UNZ" not in data
    with pytest.raises(EdifactSyntaxError, match="truncated interchange: no UNZ"):
        parse_interchange(data)


def test_contrl_samples_acknowledge_the_cen_example(corpus_dir: Path) -> None:
    example = parse_interchange((corpus_dir / "edifact/cen/EDIFACT_EXAMPLE1.edi").read_bytes())
    (accept,) = read_contrl_interchange((corpus_dir / "edifact/authored/CONTRL_accept_interchange.edi").read_bytes())
    (reject,) = read_contrl_interchange(
        (corpus_dir / "edifact/authored/CONTRL_reject_message_syntax_error.edi").read_bytes()
    )
    assert accept.interchange_reference == reject.interchange_reference == example.control_reference
    assert accept.accepted and accept.action == "7" and accept.messages == ()
    assert accept.message_accepted(example.messages[0].reference)
    assert not reject.accepted and reject.action == "4"
    (status,) = reject.messages
    assert status.reference == example.messages[0].reference == "12115118"
    assert not status.accepted and status.identifier[:3] == ("INVOIC", "D", "14B")
    assert [(e.code, e.segment_position, e.element_position, e.component_position) for e in status.errors] == [
        ("13", 4, None, None),
        ("12", 4, 2, 1),
    ]
    assert not reject.message_accepted("12115118")
