"""Benchmark: AS2 message layer throughput for a 20 KB payload, one process, one core.

* build: payload entity + sign (SHA-256, RSA-2048) + encrypt (AES-256-CBC, PKCS#1 v1.5),
  i.e. :func:`gateway.transports.as2.build_message` with the default partner profile;
* process: decrypt + verify + MIC + signed MDN, i.e. :func:`process_message`;
* read MDN: verify the signed MDN and compare the MIC (:func:`read_mdn`).

Each phase runs for ``--seconds`` (default 5) after a short warm-up; prints msg/s and
the median latency. Keys are generated at start (not timed).

``--http`` measures the whole exchange over loopback instead: our ``as2`` channel
(:class:`~gateway.transports.as2.channel.As2Transport`, one keep-alive connection)
sends to a receiving gateway's ``POST /as2`` served by uvicorn in another process
(its own SQLite store; each message committed as an invoice before the answer),
10 kB payloads by default, signed + encrypted, signed synchronous MDN verified.

Usage::

    .venv/bin/python bench/as2.py [--seconds 5] [--size 20480]
    .venv/bin/python bench/as2.py --http [--seconds 10] [--size 10240]
"""

from __future__ import annotations

import argparse
import logging
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


def _serve(home: Path, port: int) -> None:
    """Serve the receiving gateway's API on ``port`` until killed (the ``--serve`` child process)."""
    import uvicorn

    from gateway.api import create_app
    from gateway.app import Gateway

    logging.basicConfig(level=logging.WARNING)
    uvicorn.run(create_app(Gateway.at(home)), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _parallel(channel: dict[str, object], root: Path, seconds: float, size: int, concurrency: int) -> None:
    """Send from ``concurrency`` threads, each with its own channel (connection); print the total rate."""
    import threading

    from gateway.transports.as2.channel import As2Transport
    from gateway.transports.base import Envelope, Outcome

    counts = [0] * concurrency
    stop = time.monotonic() + seconds

    def sender(index: int) -> None:
        with As2Transport.from_config(channel, where="bench", base=root) as transport:
            while time.monotonic() < stop:
                n = f"{index:04d}{counts[index]:028x}"
                envelope = Envelope(n, n, "i", "beta", "x.bin", os.urandom(size), "application/octet-stream", "x")
                result = transport.send(envelope)
                assert result.outcome is Outcome.DELIVERED, result.detail
                counts[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=sender, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = sum(counts) / (time.monotonic() - started)
    print(f"{'HTTP, ' + str(concurrency) + ' senders':<28} {rate:8.1f} msg/s")


def _http(seconds: float, size: int, concurrency: int = 1) -> None:
    import socket
    import subprocess
    import tempfile

    import yaml
    from sqlalchemy import func, select

    from gateway.store import open_engine
    from gateway.store.models import InvoiceRow
    from gateway.transports.as2.channel import As2Transport
    from gateway.transports.base import Envelope, Outcome
    from tests.support.as2_pki import write_party

    pki = make_as2_pki()
    root = Path(tempfile.mkdtemp(prefix="as2-bench-"))
    sender, receiver = write_party(pki.alice, root / "keys", "alpha"), write_party(pki.bob, root / "keys", "beta")
    home = root / "beta"
    (home / "partners").mkdir(parents=True)
    (home / "gateway.yaml").write_text("validation: {layers: [xsd]}\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mirror = {
        "type": "as2", "url": "http://127.0.0.1:9/as2", "as2-from": "beta", "as2-to": "alpha",
        "key-file": str(receiver.key), "certificate-file": str(receiver.cert),
        "partner-certificate-file": str(sender.cert),
    }  # fmt: skip
    profile = {"name": "Alpha", "identifiers": {"siren": "552100554"}, "channels": [mirror]}
    (home / "partners" / "alpha.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(home), str(port)])
    try:
        channel = {
            "url": f"http://127.0.0.1:{port}/as2", "as2-from": "alpha", "as2-to": "beta",
            "key-file": str(sender.key), "certificate-file": str(sender.cert),
            "partner-certificate-file": str(receiver.cert),
        }  # fmt: skip
        with As2Transport.from_config(channel, where="bench", base=root) as transport:
            counter = iter(range(10**9))

            def send() -> object:
                n = next(counter)
                envelope = Envelope(
                    f"{n:032x}", str(n), "i", "beta", f"{n}.bin", os.urandom(size), "application/octet-stream", "x"
                )
                result = transport.send(envelope)
                assert result.outcome is Outcome.DELIVERED and result.ack is not None, result.detail
                return result

            deadline = time.monotonic() + 30
            while True:
                try:
                    send()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            print(f"payload {size} bytes over loopback; sign SHA-256 RSA-2048, AES-256-CBC, signed sync MDN verified")
            _run("HTTP send -> endpoint -> MDN", seconds, send)
        if concurrency > 1:
            _parallel(channel, root, seconds, size, concurrency)
        engine = open_engine(f"sqlite+pysqlite:///{home / 'gateway.db'}")
        with engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(InvoiceRow))
        engine.dispose()
        print(f"receiver stored {stored} invoices (one per message)")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=None, help="payload bytes (default 20480; 10240 with --http)")
    parser.add_argument("--http", action="store_true", help="whole exchange over loopback (sender -> uvicorn endpoint)")
    parser.add_argument("--concurrency", type=int, default=4, help="with --http: also measure N parallel senders")
    parser.add_argument("--serve", nargs=2, metavar=("HOME", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(Path(args.serve[0]), int(args.serve[1]))
        return
    if args.http:
        _http(args.seconds, args.size or 10 * 1024, args.concurrency)
        return
    args.size = args.size or 20 * 1024
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
