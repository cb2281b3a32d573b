"""Reading a hybrid PDF: the model, the original PDF as the visual, and the XMP level check."""

from __future__ import annotations

from pathlib import Path

from formats.pdf import embed_facturx, render_invoice_pdf
from formats.profiles import Profile
from formats.reading import read_invoice


def test_pdf_reads_to_the_model_and_keeps_the_pdf(corpus_dir: Path) -> None:
    pdf = (corpus_dir / "facturx-pdf/akretion/invoice_EN16931.pdf").read_bytes()
    result = read_invoice(pdf)
    assert result.visual == pdf
    assert result.detected is not None and result.detected.profile is Profile.EN16931
    assert result.invoice.number == "F20260023"
    assert not [w for w in result.warnings if w.code == "pdf.level-mismatch"]


def test_an_xmp_level_that_contradicts_bt24_is_flagged(corpus_dir: Path) -> None:
    xml = (corpus_dir / "cii/facturx-profiles/factur-x-en16931.xml").read_bytes()
    invoice = read_invoice(xml).invoice
    mislabelled = embed_facturx(render_invoice_pdf(invoice), xml, profile=Profile.BASIC)
    [warning] = [w for w in read_invoice(mislabelled).warnings if w.code == "pdf.level-mismatch"]
    assert warning.term == "BT-24" and "'BASIC'" in warning.message and "EN 16931" in warning.message


def test_xml_input_has_no_visual(corpus_dir: Path) -> None:
    assert read_invoice((corpus_dir / "cii/cen/CII_example1.xml").read_bytes()).visual is None
