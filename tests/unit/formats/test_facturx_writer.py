"""Factur-X writing: XMP, /AF, OutputIntent, fonts, refusals, and the rendering target."""

from __future__ import annotations

import io
import re

import pikepdf
import pikepdf.pdfa
import pytest

from formats.errors import NotRepresentable, UnsupportedFormat
from formats.model import Invoice
from formats.pdf import extract_invoice_xml
from formats.pdf.facturx_writer import FACTURX_NAMESPACE, embed_facturx
from formats.pdf.visual import format_amount, render_invoice_pdf
from formats.profiles import Profile
from formats.reading import read_invoice
from formats.rendering import render_invoice
from tests.conftest import CORPUS

EN16931 = CORPUS / "cii/zugferd-xml-rechnung/EN16931_Einfach.cii.xml"
BASICWL = CORPUS / "cii/facturx-profiles/factur-x-basicwl.xml"


@pytest.fixture(scope="module")
def invoice() -> Invoice:
    return read_invoice(EN16931.read_bytes()).invoice


@pytest.fixture(scope="module")
def visual(invoice: Invoice) -> bytes:
    return render_invoice_pdf(invoice)


@pytest.fixture(scope="module")
def hybrid(visual: bytes) -> bytes:
    return embed_facturx(visual, EN16931.read_bytes())


def _xmp(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")


def test_xmp_declares_the_fx_extension_schema_with_explicit_prefixes(hybrid: bytes) -> None:
    xmp = _xmp(hybrid)
    assert f'xmlns:fx="{FACTURX_NAMESPACE}"' in xmp
    assert "<pdfaSchema:prefix>fx</pdfaSchema:prefix>" in xmp
    assert f"<pdfaSchema:namespaceURI>{FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>" in xmp
    for prop in ("DocumentFileName", "DocumentType", "Version", "ConformanceLevel"):
        assert f"<pdfaProperty:name>{prop}</pdfaProperty:name>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert "<fx:DocumentType>INVOICE</fx:DocumentType>" in xmp
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "ns0:" not in xmp
    assert "<dc:title" in xmp  # the visual's own properties are kept


def test_catalog_af_and_embedded_file(hybrid: bytes) -> None:
    with pikepdf.open(io.BytesIO(hybrid)) as doc:
        (spec,) = doc.Root.AF
        assert spec.AFRelationship == pikepdf.Name.Data
        assert str(spec.UF) == "factur-x.xml"
        stream = spec.EF.F
        assert stream.Subtype == pikepdf.Name("/text/xml")
        assert int(stream.Params.Size) == len(EN16931.read_bytes())
        assert "/CheckSum" in stream.Params and "/ModDate" in stream.Params
        assert "factur-x.xml" in pikepdf.NameTree(doc.Root.Names.EmbeddedFiles)


def test_output_intent_is_present(visual: bytes, hybrid: bytes) -> None:
    for pdf in (visual, hybrid):
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            (intent,) = doc.Root.OutputIntents
            assert intent.S == pikepdf.Name.GTS_PDFA1
            assert int(intent.DestOutputProfile.N) == 3


def test_every_font_is_embedded(visual: bytes) -> None:
    fonts = 0
    with pikepdf.open(io.BytesIO(visual)) as doc:
        for page in doc.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts")
                target = descendants[0] if descendants is not None else font
                descriptor = target.FontDescriptor
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), str(font.BaseFont)
                fonts += 1
    assert fonts >= 2


def test_visual_passes_pikepdf_pdfa3b_allowlist(visual: bytes) -> None:
    # pikepdf's validator knows no embedded files nor extension schemas, so only the visual is checked.
    with pikepdf.open(io.BytesIO(visual)) as doc:
        report = pikepdf.pdfa.check(doc, "3b")
    assert report.findings == []


def test_relationship_and_profile_are_configurable(visual: bytes) -> None:
    pdf = embed_facturx(visual, EN16931.read_bytes(), relationship="Alternative", profile=Profile.EN16931)
    assert extract_invoice_xml(pdf).relationship == "Alternative"
    with pytest.raises(ValueError, match="relationship"):
        embed_facturx(visual, EN16931.read_bytes(), relationship="Supplement")


def test_basic_wl_level(visual: bytes) -> None:
    found = extract_invoice_xml(embed_facturx(visual, BASICWL.read_bytes()))
    assert found.xmp_conformance_level == "BASIC WL"


def test_re_embedding_replaces_the_invoice(hybrid: bytes) -> None:
    again = embed_facturx(hybrid, BASICWL.read_bytes())
    found = extract_invoice_xml(again)
    assert found.xml == BASICWL.read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert [a.name for a in found.attachments] == ["factur-x.xml"]
    xmp = _xmp(again)
    assert xmp.count("<fx:ConformanceLevel>") == 1 and "BASIC WL" in xmp
    assert xmp.count("<pdfaSchema:prefix>fx</pdfaSchema:prefix>") == 1


def test_extended_ctc_fr_is_refused(visual: bytes) -> None:
    xml = re.sub(
        rb"<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
        b"<ram:ID>urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr</ram:ID>",
        EN16931.read_bytes(),
    )
    with pytest.raises(NotRepresentable, match=r"EXTENDED-CTC-FR.*not a Factur-X level"):
        embed_facturx(visual, xml)


def test_ubl_is_refused(visual: bytes) -> None:
    ubl = next((CORPUS / "ubl/peppol").glob("*.xml")).read_bytes()
    with pytest.raises(UnsupportedFormat, match="CII only"):
        embed_facturx(visual, ubl)


def test_render_target_facturx_reuses_a_given_visual(invoice: Invoice, hybrid: bytes) -> None:
    result = render_invoice(invoice, "facturx", visual=hybrid)
    assert read_invoice(result.data).invoice == invoice
    with pytest.raises(ValueError, match="only used by the facturx target"):
        render_invoice(invoice, "cii", visual=hybrid)


def test_multi_page_visual(invoice: Invoice) -> None:
    many = render_invoice_pdf(invoice.__class__(**{**_fields(invoice), "lines": invoice.lines * 60}))
    with pikepdf.open(io.BytesIO(many)) as doc:
        assert len(doc.pages) > 1


def _fields(invoice: Invoice) -> dict[str, object]:
    return {name: getattr(invoice, name) for name in invoice.__dataclass_fields__}


def test_format_amount() -> None:
    from decimal import Decimal

    assert format_amount(Decimal("1234.5"), "EUR") == "1\u00a0234,50\u00a0€"
    assert format_amount(Decimal("-0.125"), "USD") == "-0,125\u00a0$"
    assert format_amount(None, "EUR") == ""
