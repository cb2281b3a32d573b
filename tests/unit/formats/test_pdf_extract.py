"""Hostile and odd PDFs, built here at test time (no binary fixtures).

Each refusal must be the right :mod:`formats.errors` class, quick, and must not
exhaust memory: the bomb tests measure the peak allocation with tracemalloc.
C code cannot be interrupted by a Python timeout, so speed is asserted on the
elapsed time instead.
"""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pikepdf
import pytest

from formats.errors import InputTooLarge, ParseError, UnsupportedFormat
from formats.pdf import extract_invoice_xml, level_matches, profile_for_level, read_xmp
from formats.profiles import Profile

CII = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
)
MB = 1024 * 1024


@contextmanager
def quick(seconds: float = 3.0) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s"


def embed(
    pdf: pikepdf.Pdf,
    name: str,
    data: bytes,
    *,
    relationship: str | None = "Data",
    in_af: bool = True,
    declared_size: int | None = None,
    flate: bool = False,
) -> None:
    """Attach ``data`` as ``name`` (``flate``: ``data`` is already zlib-compressed)."""
    stream = pikepdf.Stream(pdf, b"")
    stream.write(data, filter=pikepdf.Name.FlateDecode if flate else None)
    stream.Type = pikepdf.Name.EmbeddedFile
    stream.Subtype = pikepdf.Name("/text/xml")
    stream.Params = pikepdf.Dictionary(Size=len(data) if declared_size is None else declared_size)
    spec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec,
        F=pikepdf.String(name),
        UF=pikepdf.String(name),
        EF=pikepdf.Dictionary(F=stream, UF=stream),
    )
    if relationship:
        spec.AFRelationship = pikepdf.Name("/" + relationship)
    spec = pdf.make_indirect(spec)
    if in_af:
        if "/AF" not in pdf.Root:
            pdf.Root.AF = pikepdf.Array()
        pdf.Root.AF.append(spec)
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array()))
    pdf.Root.Names.EmbeddedFiles.Names.extend([pikepdf.String(name), spec])


def build(fill: Callable[[pikepdf.Pdf], None], **save: object) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    fill(pdf)
    out = io.BytesIO()
    if "encryption" not in save:  # qpdf cannot combine the two
        # Keep streams as written: qpdf would otherwise decode (and re-encode) the bombs.
        save["stream_decode_level"] = pikepdf.StreamDecodeLevel.none
    # fix_metadata_version would parse (and so inflate) the XMP bomb while saving.
    pdf.save(out, fix_metadata_version=False, **save)  # type: ignore[arg-type]
    return out.getvalue()


def zeros_deflated(size: int) -> bytes:
    """``size`` zero bytes, zlib-compressed piecewise (~1 KB per MB)."""
    packer = zlib.compressobj(9)
    chunk = bytes(MB)
    parts = [packer.compress(chunk) for _ in range(size // MB)]
    parts.append(packer.flush())
    return b"".join(parts)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand (object 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


# --- ordinary cases ----------------------------------------------------------------


def test_a_minimal_facturx_is_read() -> None:
    data = build(lambda pdf: embed(pdf, "factur-x.xml", CII))
    found = extract_invoice_xml(data)
    assert (found.xml, found.filename, found.relationship) == (CII, "factur-x.xml", "Data")
    assert found.attachments[0].size == len(CII)
    assert found.attachments[0].mime_type == "text/xml"
    assert found.attachments[0].in_af
    assert not found.signed
    assert found.xmp_conformance_level is None
    assert found.pdfa is None


def test_priority_picks_facturx_over_other_candidates() -> None:
    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "notes.xml", b"<notes/>")
        embed(pdf, "ZUGFeRD-invoice.xml", b"<legacy/>", relationship="Alternative")
        embed(pdf, "factur-x.xml", CII)
        embed(pdf, "zugferd-invoice.xml", b"<zf2/>")

    found = extract_invoice_xml(build(fill))
    assert found.filename == "factur-x.xml"
    assert found.xml == CII
    assert found.candidates == ("factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml", "notes.xml")


def test_a_non_standard_xml_in_the_name_tree_only_is_a_candidate() -> None:
    found = extract_invoice_xml(
        build(lambda pdf: embed(pdf, "UBL-Invoice-2.1.xml", b"<x/>", relationship=None, in_af=False))
    )
    assert (found.filename, found.relationship, found.attachments[0].in_af) == ("UBL-Invoice-2.1.xml", None, False)


def test_bom_is_stripped() -> None:
    found = extract_invoice_xml(build(lambda pdf: embed(pdf, "factur-x.xml", b"\xef\xbb\xbf" + CII)))
    assert found.xml == CII


def test_flate_compressed_xml_is_decoded() -> None:
    found = extract_invoice_xml(build(lambda pdf: embed(pdf, "factur-x.xml", zlib.compress(CII), flate=True)))
    assert found.xml == CII


def test_no_xml_lists_the_attachments() -> None:
    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "photo.png", b"\x89PNG")
        embed(pdf, "terms.pdf", b"%PDF-1.4")

    with pytest.raises(UnsupportedFormat, match=r"no embedded invoice XML \(attachments: photo\.png, terms\.pdf\)"):
        extract_invoice_xml(build(fill))


def test_no_attachment_at_all() -> None:
    with pytest.raises(UnsupportedFormat, match=r"attachments: none"):
        extract_invoice_xml(build(lambda pdf: None), source="in/plain.pdf")


def test_xmp_is_read_in_element_and_attribute_form() -> None:
    element_form = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part>
        <pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
      <rdf:Description xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
        <fx:ConformanceLevel>BASIC WL</fx:ConformanceLevel><fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
        <fx:DocumentType>INVOICE</fx:DocumentType><fx:Version>1.0</fx:Version></rdf:Description>
    </rdf:RDF></x:xmpmeta>"""
    attribute_form = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" pdfaid:part="3" pdfaid:conformance="U"
        xmlns:zf="urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#" zf:ConformanceLevel="COMFORT"
        zf:DocumentFileName="ZUGFeRD-invoice.xml" zf:DocumentType="INVOICE" zf:Version="1.0"/>
    </rdf:RDF></x:xmpmeta>"""
    first, second = read_xmp(element_form), read_xmp(attribute_form)
    assert (first.conformance_level, first.document_file_name, first.document_type, first.version, first.pdfa) == (
        "BASIC WL",
        "factur-x.xml",
        "INVOICE",
        "1.0",
        "3B",
    )
    assert (second.conformance_level, second.document_file_name, second.pdfa) == (
        "COMFORT",
        "ZUGFeRD-invoice.xml",
        "3U",
    )


def test_broken_xmp_does_not_hide_the_invoice() -> None:
    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "factur-x.xml", CII)
        pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta unclosed")

    found = extract_invoice_xml(build(fill))
    assert found.xml == CII
    assert found.xmp_conformance_level is None


def test_signature_field_with_value_means_signed() -> None:
    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "factur-x.xml", CII)
        signature = pikepdf.Dictionary(Type=pikepdf.Name.Sig, ByteRange=pikepdf.Array([0, 10, 20, 30]))
        field = pikepdf.Dictionary(FT=pikepdf.Name.Sig, T=pikepdf.String("Sig1"), V=signature)
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([pdf.make_indirect(field)]), SigFlags=3)

    assert extract_invoice_xml(build(fill)).signed


@pytest.mark.parametrize(
    ("level", "profile", "matches"),
    [
        ("MINIMUM", Profile.MINIMUM, True),
        ("BASIC WL", Profile.BASIC_WL, True),
        ("BASIC", Profile.BASIC, True),
        ("EN 16931", Profile.EN16931, True),
        ("EXTENDED", Profile.EXTENDED, True),
        ("EXTENDED", Profile.EXTENDED_CTC_FR, True),
        ("XRECHNUNG", Profile.XRECHNUNG, True),
        ("BASIC", Profile.BASIC_WL, False),
        ("EN 16931", Profile.XRECHNUNG, False),
        ("COMFORT", Profile.EN16931, False),
        (None, Profile.EN16931, False),
        ("EN 16931", None, False),
    ],
)
def test_level_matches(level: str | None, profile: Profile | None, matches: bool) -> None:
    assert level_matches(level, profile) is matches


def test_level_spelling_variants() -> None:
    assert profile_for_level("basic-wl") is Profile.BASIC_WL
    assert profile_for_level("EN16931") is Profile.EN16931
    assert profile_for_level("COMFORT") is None


# --- refusals ----------------------------------------------------------------------


def test_encrypted_pdf_is_refused() -> None:
    data = build(
        lambda pdf: embed(pdf, "factur-x.xml", CII),
        encryption=pikepdf.Encryption(user="secret", owner="owner-secret"),
    )
    with quick(), pytest.raises(UnsupportedFormat, match="encrypted PDF: a password is needed"):
        extract_invoice_xml(data, source="in/locked.pdf")


def test_owner_password_only_is_readable() -> None:
    """No user password means anyone may open it (PDF/A forbids it, but the XML is intact)."""
    data = build(lambda pdf: embed(pdf, "factur-x.xml", CII), encryption=pikepdf.Encryption(user="", owner="owner"))
    assert extract_invoice_xml(data).xml == CII


@pytest.mark.parametrize(
    "data", [b"", b"<Invoice/>", b"PK\x03\x04 zip", b"garbage" * 100], ids=["empty", "xml", "zip", "garbage"]
)
def test_not_a_pdf(data: bytes) -> None:
    with pytest.raises(ParseError, match="not a PDF"):
        extract_invoice_xml(data)


def test_pdf_header_followed_by_garbage() -> None:
    with quick(), pytest.raises(ParseError, match="damaged PDF: unable to find trailer"):
        extract_invoice_xml(b"%PDF-1.7\n" + b"\x00garbage " * 5000, source="in/bad.pdf")


def test_truncated_pdf_is_refused_or_recovered_never_crashes() -> None:
    data = build(lambda pdf: embed(pdf, "factur-x.xml", CII))
    for cut in range(16, len(data), max(1, len(data) // 40)):
        with quick():
            try:
                found = extract_invoice_xml(data[:cut])
            except (ParseError, UnsupportedFormat):
                continue
            assert found.xml == CII


def test_corrupted_xref_is_recovered_by_reconstruction() -> None:
    data = bytearray(
        build(lambda pdf: embed(pdf, "factur-x.xml", CII), object_stream_mode=pikepdf.ObjectStreamMode.disable)
    )
    start = data.rindex(b"xref\n")
    # Overwrite every offset of the table: qpdf rebuilds it by scanning the objects.
    table = data[start:].split(b"trailer")[0]
    data[start : start + len(table)] = b"xref\n" + b"9" * (len(table) - 5)
    assert extract_invoice_xml(bytes(data)).xml == CII


def test_corrupted_xref_and_objects_is_a_parse_error() -> None:
    data = bytearray(
        build(lambda pdf: embed(pdf, "factur-x.xml", CII), object_stream_mode=pikepdf.ObjectStreamMode.disable)
    )
    for keyword in (b" obj", b"endobj", b"trailer", b"xref", b"/Root"):
        data = bytearray(bytes(data).replace(keyword, b"X" * len(keyword)))
    with quick(), pytest.raises(ParseError, match="damaged PDF"):
        extract_invoice_xml(bytes(data))


def test_declared_size_over_the_limit_is_refused_before_decoding() -> None:
    data = build(lambda pdf: embed(pdf, "factur-x.xml", CII, declared_size=200 * MB))
    with quick(), pytest.raises(InputTooLarge, match="declares 209,715,200 bytes") as caught:
        extract_invoice_xml(data, source="in/big.pdf")
    assert caught.value.path == "in/big.pdf"


@pytest.mark.parametrize("limit", [MB, None], ids=["1MB-limit", "default-limit"])
def test_decompression_bomb_is_refused_within_bounded_memory(limit: int | None) -> None:
    """200 MB of zeros deflate to ~200 KB; the stream declares a harmless size."""
    bomb = zeros_deflated(200 * MB)
    assert len(bomb) < 400 * 1024
    data = build(lambda pdf: embed(pdf, "factur-x.xml", bomb, flate=True, declared_size=1000))
    tracemalloc.start()
    try:
        with quick(), pytest.raises(InputTooLarge, match="decodes to more than the"):
            if limit is None:
                extract_invoice_xml(data)
            else:
                extract_invoice_xml(data, max_bytes=limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The bomb's own bytes are held twice (input + qpdf's copy); the inflated data never.
    assert peak < 8 * MB, f"peak {peak:,} bytes"


def test_a_large_but_honest_xml_over_the_bound_is_read() -> None:
    """Raw size × 1032 over the limit forces the piecewise count; a legitimate file passes it."""
    xml = b"<a>" + os.urandom(MB).hex().encode() + b"</a>"  # 2 MB that deflates only ~2:1
    packed = zlib.compress(xml)
    assert len(packed) * 1032 > 4 * MB
    data = build(lambda pdf: embed(pdf, "factur-x.xml", packed, flate=True, declared_size=len(xml)))
    assert extract_invoice_xml(data, max_bytes=4 * MB).xml == xml
    with pytest.raises(InputTooLarge, match="declares 2,097,159 bytes, over the 1,048,576-byte limit"):
        extract_invoice_xml(data, max_bytes=MB)
    undeclared = build(lambda pdf: embed(pdf, "factur-x.xml", packed, flate=True, declared_size=0))
    with pytest.raises(InputTooLarge, match="decodes to more than the 1,048,576-byte limit"):
        extract_invoice_xml(undeclared, max_bytes=MB)


def test_bomb_in_xmp_metadata_is_refused() -> None:
    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "factur-x.xml", CII)
        metadata = pikepdf.Stream(pdf, b"")
        metadata.write(zeros_deflated(50 * MB), filter=pikepdf.Name.FlateDecode)
        pdf.Root.Metadata = metadata

    with quick(), pytest.raises(InputTooLarge, match="XMP metadata") as caught:
        extract_invoice_xml(build(fill), max_bytes=MB, source="in/xmp-bomb.pdf")
    assert caught.value.one_line().startswith("in/xmp-bomb.pdf: XMP metadata: decodes to more than")


def test_unboundable_filter_chain_is_refused() -> None:
    """RunLength then Flate: too large to bound, and not decoded by us piecewise."""

    def fill(pdf: pikepdf.Pdf) -> None:
        embed(pdf, "factur-x.xml", CII)
        stream = pdf.Root.AF[0].EF.F
        stream.write(b"\x00" * 40_000, filter=[pikepdf.Name.RunLengthDecode, pikepdf.Name.FlateDecode])

    with quick(), pytest.raises(InputTooLarge, match="cannot bound the decoded size"):
        extract_invoice_xml(build(fill), max_bytes=MB)


def test_deeply_nested_direct_objects() -> None:
    arrays = b"[" * 10_000 + b"]" * 10_000
    with quick(), pytest.raises(ParseError, match="damaged PDF"):
        extract_invoice_xml(raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /AF " + arrays + b" >>", PAGES))


def test_deeply_nested_dictionaries_in_the_form() -> None:
    fields = b"<< /Kids [ " * 10_000 + b"] >> " * 10_000
    with quick(), pytest.raises(ParseError, match="damaged PDF"):
        extract_invoice_xml(
            raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [ " + fields + b"] >> >>", PAGES)
        )


def test_long_chains_of_indirect_objects() -> None:
    """10 000 nested name-tree nodes and a 10 000-deep field tree: read, not recursed."""
    depth = 10_000
    leaf = depth + 3  # object number of the embedded file stream
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> /AcroForm << /Fields [3 0 R] >> >>"
    nodes = [b"<< /Kids [%d 0 R] >>" % (number + 1) for number in range(3, depth + 2)]
    last = b"<< /Names [(factur-x.xml) << /EF << /F %d 0 R >> >>] >>" % leaf
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CII), CII)
    with quick():
        found = extract_invoice_xml(raw_pdf(catalog, PAGES, *nodes, last, stream))
    assert found.xml == CII
    assert not found.signed
