"""Benchmark: AS2 message layer throughput for a 20 KB payload, one process, one core.

* build: payload entity + sign (SHA-256, RSA-2048) + encrypt (AES-256-CBC, PKCS#1 v1.5),
  i.e. :func:`gateway.transports.as2.build_message` with the default partner profile;
* process: decrypt + verify + MIC + signed MDN, i.e. :func:`process_message`;
* read MDN: verify the signed MDN and compare the MIC (:func:`read_mdn`).

Each phase runs for ``--seconds`` (default 5) after a short warm-up; prints msg/s and
the median latency. Keys are generated at start (not timed).

Usage::

    .venv/bin/python bench/as2.py [--seconds 5] [--size 20480]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.transports.as2 import (  # noqa: E402
    As2Identity,
    As2Partner,
    Parties,
    build_message,
    process_message,
    read_mdn,
)
from tests.support.as2_pki import make_as2_pki  # noqa: E402


def _run(name: str, seconds: float, action: Callable[[], object]) -> None:
    for _ in range(3):
        action()
    durations = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        action()
        durations.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    print(f"{name:<28} {len(durations) / elapsed:8.1f} msg/s   median {statistics.median(durations) * 1000:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=20 * 1024)
    args = parser.parse_args()
    pki = make_as2_pki()
    alice = As2Identity("alice", pki.alice.cert, pki.alice.key)
    bob = As2Identity("bob", pki.bob.cert, pki.bob.key)
    bob_at_alice = As2Partner("bob", pki.bob.cert)
    parties = Parties(As2Partner("alice", pki.alice.cert), bob)
    payload = os.urandom(args.size)
    print(f"payload {args.size} bytes; sign SHA-256 RSA-2048, AES-256-CBC, signed sync MDN")

    def build() -> object:
        return build_message(payload, sender=alice, partner=bob_at_alice, content_type="application/EDIFACT")

    sample = build_message(payload, sender=alice, partner=bob_at_alice, content_type="application/EDIFACT")

    def process() -> object:
        result = process_message(sample.headers, sample.body, lookup=lambda _f, _t: parties)
        assert result.accepted
        return result

    answer = process()
    assert answer.mdn is not None

    def check_mdn() -> object:
        return read_mdn(
            answer.mdn.headers,  # type: ignore[union-attr]
            answer.mdn.body,  # type: ignore[union-attr]
            partner=bob_at_alice,
            original_message_id=sample.message_id,
            expected_mic=sample.mic,
        )

    _run("build (sign+encrypt)", args.seconds, build)
    _run("process (decrypt+verify+MDN)", args.seconds, process)
    _run("read MDN (verify+MIC)", args.seconds, check_mdn)


if __name__ == "__main__":
    main()
