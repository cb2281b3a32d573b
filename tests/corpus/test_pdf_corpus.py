"""Every PDF of the shared corpus: the embedded XML and what the PDF says about it.

The ``expected`` column of ``expected.tsv`` reads, for a hybrid PDF::

    %PDF-1.6; PDF/A-3B; attachments: a.pdf (AFRel Unspecified), factur-x.xml (AFRel Source);
    XMP level EN 16931 → XML: CII EN16931; XSD ok; …

and for a PDF without XML ``%PDF-1.4; no attachment``. Signed files carry
``**signed**`` in place of the XMP level. Everything left of ``→`` is the PDF
side, checked here; of the right side only the syntax and profile of the chosen
XML (``CII EN16931``, ``ZUGFeRD-1.0``, ``UBL-Invoice``, ``**not well-formed XML**``);
validation verdicts belong to the validation tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from formats.detection import DocumentKind, detect
from formats.errors import ParseError, UnsupportedFormat
from formats.pdf import extract_invoice_xml, level_matches
from formats.profiles import Profile
from formats.xml_safety import parse_xml
from tests.conftest import CORPUS
from tests.corpus_table import CorpusRow, rows_under

pytestmark = pytest.mark.corpus

PDF_ROWS = [row for row in rows_under("facturx-pdf/", "invalid/facturx-pdf", "plain-pdf/") if row.path.endswith(".pdf")]
NOT_WELL_FORMED = "**not well-formed XML**"
KINDS = {"CII": DocumentKind.CII, "ZUGFeRD-1.0": DocumentKind.ZUGFERD_1, "UBL-Invoice": DocumentKind.UBL_INVOICE}
_ATTACHMENT = re.compile(r"^(?P<name>.+) \(AFRel (?P<rel>\w+)\)$")


@dataclass(frozen=True)
class PdfExpectation:
    """The PDF side of one ``expected`` cell, parsed."""

    version: str
    pdfa: str | None
    attachments: frozenset[tuple[str, str | None]]
    xmp_level: str | None
    signed: bool
    xml: str | None  # e.g. "CII EN16931", "ZUGFeRD-1.0", "UBL-Invoice"; None without attachment


def parse_expected(cell: str) -> PdfExpectation:
    head, _, tail = cell.partition(" → ")
    version = pdfa = xmp_level = None
    attachments: set[tuple[str, str | None]] = set()
    signed = False
    for part in (item.strip() for item in head.split(";")):
        if part.startswith("%PDF-"):
            version = part.removeprefix("%PDF-")
        elif part.startswith("PDF/A-"):
            pdfa = part.removeprefix("PDF/A-")
        elif part.startswith("attachments: "):
            for entry in part.removeprefix("attachments: ").split(", "):
                match = _ATTACHMENT.match(entry)
                assert match, f"cannot read attachment entry {entry!r}"
                rel = match["rel"]
                attachments.add((match["name"], None if rel == "None" else rel))
        elif part.startswith("XMP level "):
            xmp_level = part.removeprefix("XMP level ")
        elif part == "**signed**":
            signed = True
        elif part != "no attachment":
            raise AssertionError(f"unknown PDF verdict part {part!r}")
    assert version, f"no %PDF- version in {cell!r}"
    xml = tail.removeprefix("XML: ").split(";")[0].strip() if tail else None
    return PdfExpectation(version, pdfa, frozenset(attachments), xmp_level, signed, xml)


def test_the_table_lists_every_corpus_pdf() -> None:
    on_disk = {
        path.relative_to(CORPUS).as_posix()
        for folder in ("facturx-pdf", "invalid/facturx-pdf", "invalid/facturx-pdf-fnfe-1.0-flagged", "plain-pdf")
        for path in (CORPUS / folder).rglob("*.pdf")
    }
    assert on_disk == {row.path for row in PDF_ROWS}


@pytest.mark.parametrize("row", [pytest.param(row, id=row.path) for row in PDF_ROWS])
def test_pdf(row: CorpusRow) -> None:
    expected = parse_expected(row.expected)
    data = row.file.read_bytes()
    if expected.xml is None:
        assert not expected.attachments
        with pytest.raises(UnsupportedFormat, match=r"no embedded invoice XML \(attachments: none\)"):
            extract_invoice_xml(data, source=row.path)
        return

    found = extract_invoice_xml(data, source=row.path)
    assert found.pdf_version == expected.version
    assert found.pdfa == expected.pdfa
    assert {(item.name, item.relationship) for item in found.attachments} == expected.attachments
    assert (found.filename, found.relationship) in expected.attachments
    assert found.filename == found.candidates[0]
    if expected.xmp_level is not None:
        assert found.xmp_conformance_level == expected.xmp_level
    assert found.signed is expected.signed
    assert not found.xml.startswith(b"\xef\xbb\xbf")

    if expected.xml.startswith(NOT_WELL_FORMED):
        with pytest.raises(ParseError):
            parse_xml(found.xml)
        return
    detected = detect(found.xml)
    syntax, _, level = expected.xml.partition(" ")
    assert detected.kind is KINDS[syntax]
    if level:
        wanted = Profile(level.lower())
        if wanted is Profile.EN16931 and detected.profile is Profile.XRECHNUNG:
            # The corpus names the Factur-X level the file was checked against
            # (XRechnung is an EN 16931 CIUS); detection names the CIUS itself.
            assert found.xmp_conformance_level == "XRECHNUNG"
        else:
            assert detected.profile is wanted
    if detected.kind is DocumentKind.CII and found.xmp_conformance_level is not None:
        assert level_matches(found.xmp_conformance_level, detected.profile)


def test_both_zugferd_generations_in_one_pdf_pick_facturx() -> None:
    found = extract_invoice_xml((CORPUS / "invalid/facturx-pdf/MustangRE-20171118_506_ZUGFeRD1and2.pdf").read_bytes())
    assert found.filename == "factur-x.xml"
    assert found.candidates == ("factur-x.xml", "ZUGFeRD-invoice.xml")
    assert detect(found.xml).kind is DocumentKind.CII


def test_bom_is_stripped() -> None:
    path = CORPUS / "facturx-pdf/edge-cases/MustangGnuaccountingBeispielRE-20201121_508_withBOM.pdf"
    found = extract_invoice_xml(path.read_bytes())
    assert found.xml.startswith(b"<?xml")


def test_signed_pdf_keeps_xmp_rewritten_with_another_prefix() -> None:
    # pyHanko rewrote fx: as ns0: (research §2): properties are matched by namespace.
    found = extract_invoice_xml((CORPUS / "facturx-pdf/pades-signed/EN16931_Einfach.pades-bb.pdf").read_bytes())
    assert found.signed
    assert found.xmp_conformance_level == "EN 16931"
    assert found.xmp_document_filename == "factur-x.xml"
    assert found.pdfa == "3B"


def test_odoo_ubl_without_afrelationship_is_found_in_the_name_tree() -> None:
    found = extract_invoice_xml((CORPUS / "plain-pdf/invoice2data/AzureInterior.pdf").read_bytes())
    assert found.filename == "UBL-Invoice-2.1.xml"
    assert found.relationship is None
    assert not found.attachments[0].in_af
    assert found.pdfa is None


GROUND_TRUTH = sorted((CORPUS / "plain-pdf/stripped-facturx").glob("*.groundtruth.xml"))


@pytest.mark.parametrize("truth", GROUND_TRUTH, ids=lambda path: path.name)
def test_extraction_is_verbatim(truth: Path) -> None:
    """The stripped-PDF ground truths were extracted verbatim (BOM and all) from the originals."""
    stem = truth.name.removesuffix(".groundtruth.xml")
    (original,) = (CORPUS / "facturx-pdf").rglob(f"{stem}.pdf")
    assert extract_invoice_xml(original.read_bytes()).xml == truth.read_bytes().removeprefix(b"\xef\xbb\xbf")
