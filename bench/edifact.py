"""Benchmark: EDIFACT interchanges parsed and written per second, beside pydifact.

Prints messages/s, in the same run and on the same interchanges (the corpus's
CEN INVOIC examples and pydifact samples that pydifact itself reads), for:

* ``aiguillage parse``: bytes → :class:`Interchange` (lenient, envelope checked);
* ``aiguillage write``: the parsed messages → bytes (escaping, counts, UNZ);
* ``pydifact parse``: ``Interchange.from_str`` on the decoded text (the peer).

Target (issue #5): at least 2 000 INVOIC messages/s parsed. Left out: the
CEN examples with a UNO package (pydifact 0.2.3 cannot read them) and
pydifact's ``order.edi`` (no UNZ: we refuse it as truncated).

Usage::

    .venv/bin/python bench/edifact.py [--corpus ../shared/corpus] [--seconds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from formats.edifact.segments import Interchange  # noqa: E402
from formats.edifact.syntax import parse_interchange, write_interchange  # noqa: E402


def _pass_seconds(docs: list[object], work: Callable[[object], object]) -> float:
    """CPU seconds for one pass (process time: what other tenants do not inflate)."""
    start = time.process_time()
    for doc in docs:
        work(doc)
    return time.process_time() - start


def _compare(
    inputs: dict[str, tuple[list[object], Callable[[object], object], int]], seconds: float
) -> dict[str, float]:
    """Time the workers in interleaved passes and return the median messages/s of each."""
    for docs, work, _ in inputs.values():
        _pass_seconds(docs[:3], work)  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in inputs}
    deadline = time.perf_counter() + seconds * len(inputs)
    while time.perf_counter() < deadline or min(len(v) for v in samples.values()) < 5:
        for name, (docs, work, messages) in inputs.items():
            samples[name].append(messages / _pass_seconds(docs, work))
    return {name: statistics.median(values) for name, values in samples.items()}


def _write(interchange: object) -> bytes:
    assert isinstance(interchange, Interchange)
    return write_interchange(
        interchange.messages,
        sender=interchange.sender,
        recipient=interchange.recipient,
        control_reference=interchange.control_reference,
        syntax_id=interchange.syntax_id,
        prepared=("20260101", "1200"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per worker")
    parser.add_argument("--repeat", type=int, default=10, help="each interchange appears this many times per pass")
    args = parser.parse_args()

    warnings.simplefilter("ignore")  # pydifact warns about its missing directory files on every segment
    from pydifact.segmentcollection import Interchange as PydifactInterchange

    files = sorted((args.corpus / "edifact" / "cen").glob("*.edi")) + sorted(
        (args.corpus / "edifact" / "pydifact").glob("*.edi")
    )
    usable: list[bytes] = []
    for path in files:
        data = path.read_bytes()
        try:
            parse_interchange(data)
            PydifactInterchange.from_str(data.decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - pydifact fails on UNO packages with assorted errors; skip those files
            continue
        usable.append(data)
    raw: list[object] = list(usable) * args.repeat
    texts: list[object] = [d.decode("utf-8", "replace") for d in usable] * args.repeat
    parsed: list[object] = [parse_interchange(d) for d in usable] * args.repeat
    messages = sum(len(parse_interchange(d).messages) for d in usable) * args.repeat
    print(f"corpus: {len(usable)} of {len(files)} interchanges (pydifact reads these), x{args.repeat} per pass")

    def ours(doc: object) -> object:
        assert isinstance(doc, bytes)
        return parse_interchange(doc)

    def peer(doc: object) -> object:
        assert isinstance(doc, str)
        return PydifactInterchange.from_str(doc)

    invoic = [d for d in usable if b"INVOIC" in d]
    invoic_raw: list[object] = list(invoic) * args.repeat
    invoic_messages = sum(len(parse_interchange(d).messages) for d in invoic) * args.repeat
    rates = _compare(
        {
            "aiguillage parse": (raw, ours, messages),
            "aiguillage write": (parsed, _write, messages),
            "pydifact parse": (texts, peer, messages),
            "aiguillage parse INVOIC": (invoic_raw, ours, invoic_messages),
        },
        args.seconds,
    )
    print(f"\n  {'worker':<22} {'messages/s':>12}")
    for name, rate in rates.items():
        print(f"  {name:<22} {rate:>12,.0f}")
    print(f"\n  parse is {rates['aiguillage parse'] / rates['pydifact parse']:.1f}× pydifact on the same files")
    print(f"  CEN INVOIC only ({len(invoic)} files): {rates['aiguillage parse INVOIC']:,.0f} msg/s (target ≥ 2 000)")
    print("reproduce: .venv/bin/python bench/edifact.py --seconds 2")


if __name__ == "__main__":
    main()
