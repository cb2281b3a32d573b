"""Benchmark: Factur-X XML extraction rate over the corpus hybrid PDFs, beside the peer.

Prints extractions/s, in the same run and on the same files, for:

* ``aiguillage extract_invoice_xml``: PDF bytes → pikepdf/qpdf → attachments,
  name priority, capped stream decoding, XMP read with the hardened parser;
* ``factur-x get_xml_from_pdf``: akretion's library (pypdf), ``check_xsd=False``.

Both are timed on the PDFs both read, and the XML each returns is compared.
Generation (writing Factur-X PDFs) comes with a later issue and is not measured.

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

from formats.errors import FormatError  # noqa: E402
from formats.pdf import extract_invoice_xml  # noqa: E402

FOLDERS = ("facturx-pdf", "invalid/facturx-pdf", "invalid/facturx-pdf-fnfe-1.0-flagged")


def _rate(label: str, docs: list[bytes], work: Callable[[bytes], object], seconds: float) -> float:
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
    print(f"  {label:<38} {rate:>9,.0f} extractions/s   (median of 5, {len(docs)} files)")
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
    print("  generation (writing Factur-X PDFs) comes with a later issue: not measured here")


if __name__ == "__main__":
    main()
