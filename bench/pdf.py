"""Benchmark: Factur-X XML extraction rate over the corpus hybrid PDFs, beside the peer.

Prints extractions/s, in the same run and on the same files, for:

* ``aiguillage extract_invoice_xml``: PDF bytes → pikepdf/qpdf → attachments,
  name priority, capped stream decoding, XMP read with the hardened parser;
* ``factur-x get_xml_from_pdf``: akretion's library (pypdf), ``check_xsd=False``.

Both are timed on the PDFs both read, and the XML each returns is compared.

Then Factur-X generation/s on the same inputs (one fixed visual drawn by
``render_invoice_pdf``, each corpus Factur-X CII), in the same run:

* ``aiguillage embed_facturx``: pikepdf, XMP edited in place, OutputIntent kept;
* ``factur-x generate_from_binary``: ``check_xsd=False``, level given.

Usage::

    .venv/bin/python bench/pdf.py [--corpus ../shared/corpus] [--seconds 2]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from formats.detection import detect  # noqa: E402
from formats.errors import FormatError  # noqa: E402
from formats.pdf import extract_invoice_xml  # noqa: E402
from formats.pdf.facturx_writer import embed_facturx  # noqa: E402
from formats.pdf.visual import render_invoice_pdf  # noqa: E402
from formats.profiles import FACTURX_PROFILES  # noqa: E402
from formats.reading import read_invoice  # noqa: E402

FOLDERS = ("facturx-pdf", "invalid/facturx-pdf", "invalid/facturx-pdf-fnfe-1.0-flagged")


def _rate(
    label: str, docs: list[bytes], work: Callable[[bytes], object], seconds: float, unit: str = "extractions/s"
) -> float:
    for data in docs[:3]:
        work(data)  # warm-up
    samples = []
    for _ in range(5):
        count = 0
        start = time.perf_counter()
        deadline = start + seconds / 5
        while time.perf_counter() < deadline:
            for data in docs:
                work(data)
            count += len(docs)
        samples.append(count / (time.perf_counter() - start))
    rate = statistics.median(samples)
    print(f"  {label:<38} {rate:>9,.0f} {unit}   (median of 5, {len(docs)} files)")
    return rate


def _ours(data: bytes) -> bytes:
    return extract_invoice_xml(data).xml


def _peer(data: bytes) -> bytes:
    from facturx import get_xml_from_pdf

    _name, xml = get_xml_from_pdf(io.BytesIO(data), check_xsd=False)
    if not isinstance(xml, bytes):  # (None, None) when nothing is found, False when not well-formed
        raise ValueError("no XML returned")
    return xml


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # factur-x logs every file it opens

    paths = sorted(path for folder in FOLDERS for path in (args.corpus / folder).rglob("*.pdf"))
    files = {path: path.read_bytes() for path in paths}
    both, agree = [], 0
    for path, data in files.items():
        try:
            ours = _ours(data)
        except FormatError as exc:
            print(f"  ours refuses {path.name}: {exc.one_line()}")
            continue
        try:
            theirs = _peer(data)
        except Exception as exc:  # noqa: BLE001 - the peer raises bare Exception subclasses of its own
            print(f"  factur-x refuses {path.name}: {type(exc).__name__}: {exc}")
            continue
        both.append(data)
        if ours == theirs.removeprefix(b"\xef\xbb\xbf"):
            agree += 1
        else:
            print(f"  different XML from {path.name}")
    print(f"corpus: {len(files)} hybrid PDFs from {args.corpus}; both read {len(both)}, same XML in {agree}\n")

    ours_rate = _rate("aiguillage extract_invoice_xml", both, _ours, args.seconds)
    peer_rate = _rate("factur-x get_xml_from_pdf (peer)", both, _peer, args.seconds)
    print(f"\nComparison\n  extraction is {ours_rate / peer_rate:.1f}× the factur-x rate")
    _generation(args.corpus, args.seconds)


def _generation(corpus: Path, seconds: float) -> None:
    from facturx import generate_from_binary

    xmls = [
        data
        for path in sorted((corpus / "cii").rglob("*.xml"))
        if detect(data := path.read_bytes()).profile in FACTURX_PROFILES
    ]
    visual = render_invoice_pdf(read_invoice(xmls[0]).invoice)
    levels = {xml: str(detect(xml).profile) for xml in xmls}
    print(f"\nGeneration: {len(xmls)} Factur-X CII files into one {len(visual):,}-byte visual")
    ours = _rate("aiguillage embed_facturx", xmls, lambda xml: embed_facturx(visual, xml), seconds, "PDFs/s")
    peer = _rate(
        "factur-x generate_from_binary (peer)",
        xmls,
        lambda xml: generate_from_binary(visual, xml, check_xsd=False, level=levels[xml], flavor="factur-x"),
        seconds,
        "PDFs/s",
    )
    print(f"  generation is {ours / peer:.1f}× the factur-x rate")


if __name__ == "__main__":
    main()
