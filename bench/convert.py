"""Benchmark: UBL ⇄ CII conversion rate over the corpus, beside its ceiling and a peer.

Prints invoices/s, in the same run and on the same files, for:

* ``aiguillage CII→UBL`` and ``aiguillage UBL→CII``: bytes in → hardened parse →
  canonical model → other syntax → bytes out (pretty-printed, as the CLI writes);
* ``lxml parse+serialize``: the ceiling for any XML → XML step;
* ``drafthorse parse+serialize`` (CII files only): the Python peer.

Targets (issue #2): within 3× the lxml ceiling, and at least 2× drafthorse.

Usage::

    .venv/bin/python bench/convert.py [--corpus ../shared/corpus] [--seconds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from formats.errors import FormatError  # noqa: E402
from formats.reading import read_invoice  # noqa: E402
from formats.rendering import render_invoice  # noqa: E402


def _files(corpus: Path, syntax: str) -> list[bytes]:
    """Return the corpus files of ``syntax`` that convert to the other syntax.

    Left out, by design: ZUGFeRD 1.0 (refused) and MINIMUM / BASIC WL CII files,
    which carry no lines and so cannot become UBL.
    """
    target = "cii" if syntax == "ubl" else "ubl"
    out = []
    for path in sorted((corpus / syntax).rglob("*.xml")):
        data = path.read_bytes()
        try:
            render_invoice(read_invoice(data).invoice, target)
        except FormatError:
            continue
        out.append(data)
    return out


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
    print(f"  {label:<38} {rate:>9,.0f} invoices/s   (median of 5, {len(docs)} files)")
    return rate


def _lxml_roundtrip(data: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.tostring(etree.fromstring(data, parser), xml_declaration=True, encoding="UTF-8")


def _to(target: str) -> Callable[[bytes], bytes]:
    def convert(data: bytes) -> bytes:
        return render_invoice(read_invoice(data).invoice, target).data

    return convert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()

    cii = _files(args.corpus, "cii")
    ubl = _files(args.corpus, "ubl")
    print(f"corpus: {len(cii)} CII and {len(ubl)} UBL invoices from {args.corpus}\n")

    print("CII files")
    ours_cii = _rate("aiguillage CII→UBL", cii, _to("ubl"), args.seconds)
    ceiling_cii = _rate("lxml parse+serialize (ceiling)", cii, _lxml_roundtrip, args.seconds)
    peer = peer_ours = None
    try:
        from drafthorse.models.document import Document

        def drafthorse_roundtrip(data: bytes) -> bytes:
            return bytes(Document.parse(data).serialize(schema=None))

        parsable = []
        for data in cii:
            try:
                drafthorse_roundtrip(data)
            except Exception:  # noqa: BLE001 - drafthorse raises bare KeyError/TypeError on some valid files
                continue
            parsable.append(data)
        print(f"  (drafthorse reads {len(parsable)} of the {len(cii)} files; both are timed on those)")
        peer = _rate("drafthorse parse+serialize (peer)", parsable, drafthorse_roundtrip, args.seconds)
        peer_ours = _rate("aiguillage CII→UBL, same files", parsable, _to("ubl"), args.seconds)
    except ImportError:
        print("  drafthorse not installed: pip install drafthorse")

    print("\nUBL files")
    ours_ubl = _rate("aiguillage UBL→CII", ubl, _to("cii"), args.seconds)
    ceiling_ubl = _rate("lxml parse+serialize (ceiling)", ubl, _lxml_roundtrip, args.seconds)

    print("\nComparison")
    print(f"  CII→UBL is {ceiling_cii / ours_cii:.1f}× slower than the lxml ceiling (target ≤ 3×)")
    print(f"  UBL→CII is {ceiling_ubl / ours_ubl:.1f}× slower than the lxml ceiling (target ≤ 3×)")
    if peer and peer_ours:
        print(f"  CII→UBL is {peer_ours / peer:.1f}× faster than drafthorse parse+serialize (target ≥ 2×)")


if __name__ == "__main__":
    main()
