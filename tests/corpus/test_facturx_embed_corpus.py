"""Every Factur-X-level CII of the corpus that passes CEN, embedded into a drawn visual.

Checks per file: our reader extracts the very same bytes with the right
relationship and XMP level; reading the PDF gives the model the XML gives; the
factur-x library (akretion, 7.8) finds the XML, validates it against the
Factur-X XSD of its level and detects the same level.
"""

from __future__ import annotations

import logging

import facturx
import pytest
from lxml import etree

from formats.detection import detect
from formats.pdf import extract_invoice_xml, level_matches
from formats.pdf.facturx_writer import embed_facturx
from formats.pdf.visual import render_invoice_pdf
from formats.profiles import FACTURX_PROFILES, Profile
from formats.reading import read_invoice
from tests.corpus_table import CorpusRow, rows_under

pytestmark = pytest.mark.corpus

_WRITABLE = FACTURX_PROFILES | {Profile.XRECHNUNG}


def _eligible(row: CorpusRow) -> bool:
    if not row.path.endswith(".xml") or "zugferd-1.0-legacy" in row.path:
        return False
    profile = detect(row.file.read_bytes()).profile
    cen_ok = "CEN: ok" in row.expected
    return profile in _WRITABLE and (cen_ok or (profile is not None and profile.below_en16931))


ROWS = [row for row in rows_under("cii/") if _eligible(row)]


def test_the_selection_is_not_empty() -> None:
    assert len(ROWS) >= 40
    assert {detect(row.file.read_bytes()).profile for row in ROWS} == _WRITABLE


@pytest.mark.parametrize("row", ROWS, ids=[row.path for row in ROWS])
def test_embed_and_read_back(row: CorpusRow) -> None:
    xml = row.file.read_bytes()
    source = read_invoice(xml, source=row.path)
    profile = source.detected.profile if source.detected else None
    assert profile is not None
    pdf = embed_facturx(render_invoice_pdf(source.invoice), xml)

    found = extract_invoice_xml(pdf)
    assert found.xml == xml.removeprefix(b"\xef\xbb\xbf")
    assert found.filename == ("xrechnung.xml" if profile is Profile.XRECHNUNG else "factur-x.xml")
    assert found.relationship == "Data"
    assert found.pdfa == "3B"
    assert level_matches(found.xmp_conformance_level, profile)
    back = read_invoice(pdf, source=row.path)
    assert back.invoice == source.invoice
    assert not [w for w in back.warnings if w.code == "pdf.level-mismatch"]

    logging.disable(logging.WARNING)  # the library logs every file it opens
    try:
        name, theirs = facturx.get_xml_from_pdf(pdf, check_xsd=True)  # XSD of the detected level
    finally:
        logging.disable(logging.NOTSET)
    assert name == found.filename
    assert theirs == xml
    level = facturx.get_level(etree.fromstring(theirs))
    # The library knows no XRECHNUNG level: it reads an XRechnung BT-24 as its EN 16931 base.
    assert level == (Profile.EN16931.value if profile is Profile.XRECHNUNG else profile.value)
