"""The PAdES-signed PDFs of the shared corpus verify; a flipped byte in the signed range is caught.

They were signed with a throwaway self-signed key (not kept): intact and valid,
but untrusted, which is reported as such and never as invalid.
"""

from __future__ import annotations

import re

import pytest

from formats.errors import ParseError
from formats.pdf.signatures import verify_pdf_signatures
from tests import pki
from tests.corpus_table import CorpusRow, rows_under

pytestmark = pytest.mark.corpus

SIGNED_ROWS = [
    row
    for row in rows_under("facturx-pdf/pades-signed/", "plain-pdf/pades-signed/")
    if row.path.endswith(".pdf") and "**signed**" in row.expected
]
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_STREAM = re.compile(rb"stream\r?\n")


def test_the_corpus_has_signed_pdfs() -> None:
    assert len(SIGNED_ROWS) >= 3


@pytest.mark.parametrize("row", SIGNED_ROWS, ids=lambda row: row.path)
def test_signed_pdf_verifies_intact_valid_untrusted(row: CorpusRow, corpus_dir: object) -> None:
    reports = verify_pdf_signatures(row.file.read_bytes(), source=row.path)

    assert len(reports) == 1
    report = reports[0]
    assert report.intact and report.valid, report.summary
    assert report.sub_filter == "ETSI.CAdES.detached"  # PAdES
    assert report.covers_whole_document and report.coverage == "ENTIRE_FILE"
    assert report.modification_level == "NONE"
    assert report.signing_time is not None and report.signer
    assert not report.trusted and report.trust_problem  # throwaway self-signed key
    assert "intact, valid, untrusted" in report.summary
    assert report.acceptable(require_trust=False) and not report.acceptable(require_trust=True)


@pytest.mark.parametrize("row", SIGNED_ROWS, ids=lambda row: row.path)
def test_signed_pdf_is_untrusted_under_an_unrelated_root(row: CorpusRow, corpus_dir: object) -> None:
    other = pki.make_ca("Unrelated Root")
    (report,) = verify_pdf_signatures(row.file.read_bytes(), trust_roots=[other.pem])
    assert report.intact and report.valid and not report.trusted


@pytest.mark.parametrize("row", SIGNED_ROWS, ids=lambda row: row.path)
def test_a_byte_flipped_inside_the_signed_range_is_detected(row: CorpusRow, corpus_dir: object) -> None:
    data = bytearray(row.file.read_bytes())
    offset = flip_offset(bytes(data))
    data[offset] ^= 0x01

    try:
        reports = verify_pdf_signatures(bytes(data), source=row.path)
    except ParseError:
        return  # unreadable is an acceptable verdict too; "valid" is not
    assert reports, "the signature vanished"
    assert not reports[0].intact and not reports[0].valid
    assert not reports[0].acceptable(require_trust=False)
    assert "NOT INTACT" in reports[0].summary


def flip_offset(pdf: bytes) -> int:
    """Return an offset in the middle of the first stream's data, inside the first /ByteRange segment.

    Stream data sits far from the cross-reference table and the trailer, so the
    file stays readable and only the hash can tell.
    """
    match = _BYTE_RANGE.search(pdf)
    assert match, "no /ByteRange"
    first_length = int(match.group(2))
    start = _STREAM.search(pdf)
    assert start
    end = pdf.index(b"endstream", start.end())
    offset = (start.end() + end) // 2
    assert 0 < offset < first_length and end > start.end() + 2
    return offset
