"""Benchmark: AS2 messages/s, our sender → django-pyas2 beside our sender → our receiver, in one run.

Each message: a 10 kB payload built with :func:`gateway.transports.as2.build_message`
(SHA-256 RSA-2048 signature, AES-256-CBC, signed sync MDN requested), POSTed with one
keep-alive ``httpx.Client``, and the signed MDN verified with :func:`read_mdn`
(signature + MIC). Sequential: one message in flight. Receivers:

* **django-pyas2** 1.2.3 / pyas2lib 1.4.4 under gunicorn (1 sync worker) with SQLite, from
  ``.venv-peers`` (``tests/support/make_peers_venv.sh``; GPL, run as a subprocess only);
  ``--server runserver`` uses Django's dev server instead;
* **ours over HTTP**: :func:`process_message` behind the stdlib ``ThreadingHTTPServer``
  (``tests/integration/as2_interop/library_endpoint.py``), same loopback, same client;
* **ours in-process**: build + process + read MDN, no HTTP (the message layer's ceiling).

The issue's target: ours ≥ 4.5× django-pyas2's throughput. Keys are generated and the
peer started before timing; each receiver gets ``--warmup`` untimed messages first.

Usage::

    .venv/bin/python bench/as2_peer.py [--messages 100] [--size 10240] [--server gunicorn|runserver]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from gateway.transports.as2 import (  # noqa: E402
    As2Identity,
    As2Partner,
    MdnMode,
    Parties,
    build_message,
    process_message,
    read_mdn,
)
from tests.integration.as2_interop.library_endpoint import LibraryEndpoint  # noqa: E402
from tests.support.as2_pki import As2Pki, make_as2_pki  # noqa: E402
from tests.support.pyas2_peer import PartnerSpec, Pyas2Peer  # noqa: E402


def _measure(name: str, count: int, warmup: int, action: Callable[[], None]) -> float:
    for _ in range(warmup):
        action()
    durations = []
    start = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        action()
        durations.append(time.perf_counter() - t0)
    rate = count / (time.perf_counter() - start)
    print(
        f"{name:<44} {rate:8.1f} msg/s   median {statistics.median(durations) * 1000:7.2f} ms"
        f"   p95 {sorted(durations)[int(len(durations) * 0.95) - 1] * 1000:7.2f} ms",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--size", type=int, default=10 * 1024)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    args = parser.parse_args()

    pki = make_as2_pki()
    bob = As2Identity("bob", pki.bob.cert, pki.bob.key)  # us, the sender
    alice = As2Partner("alice", pki.alice.cert, mdn=MdnMode.SYNC)  # the receiver, whoever plays it
    payload = os.urandom(args.size)
    print(
        f"{args.messages} sequential messages of {args.size} bytes; SHA-256 RSA-2048 signature, AES-256-CBC,"
        f" signed sync MDN verified (signature + MIC); loopback, keep-alive; cpus={os.cpu_count()}"
    )

    def sender(url: str, client: httpx.Client) -> Callable[[], None]:
        def send() -> None:
            message = build_message(payload, sender=bob, partner=alice, content_type="application/octet-stream")
            response = client.post(url, content=message.body, headers=list(message.headers))
            response.raise_for_status()
            mdn = read_mdn(
                list(response.headers.multi_items()),
                response.content,
                partner=alice,
                original_message_id=message.message_id,
                expected_mic=message.mic,
            )
            if mdn.disposition.status != "accepted":
                raise RuntimeError(f"MDN: {mdn.disposition.header_value()}")

        return send

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pyas2-") as home, httpx.Client(timeout=60) as client:
        peer = Pyas2Peer(Path(home), as2_name="alice", identity=pki.alice, server=args.server)
        peer.set_partner(PartnerSpec("bob", pki.bob, "http://127.0.0.1:9/unused"))
        with peer:
            results["pyas2"] = _measure(
                f"our sender → django-pyas2 ({args.server}, SQLite)",
                args.messages,
                args.warmup,
                sender(peer.url, client),
            )
        with LibraryEndpoint(Parties(As2Partner("bob", pki.bob.cert), alice_identity(pki))) as endpoint:
            results["ours-http"] = _measure(
                "our sender → our receiver (library, http.server)",
                args.messages,
                args.warmup,
                sender(endpoint.url, client),
            )

    parties = Parties(As2Partner("bob", pki.bob.cert), alice_identity(pki))

    def in_process() -> None:
        message = build_message(payload, sender=bob, partner=alice, content_type="application/octet-stream")
        result = process_message(message.headers, message.body, lookup=lambda _f, _t: parties)
        assert result.mdn is not None and result.accepted
        read_mdn(
            result.mdn.headers,
            result.mdn.body,
            partner=alice,
            original_message_id=message.message_id,
            expected_mic=message.mic,
        )

    results["ours-inproc"] = _measure(
        "ours in-process (build+process+read MDN)", args.messages, args.warmup, in_process
    )
    print(
        f"ratio ours over HTTP / django-pyas2: {results['ours-http'] / results['pyas2']:.2f}×"
        f"   in-process / django-pyas2: {results['ours-inproc'] / results['pyas2']:.2f}×   (target ≥ 4.5×)"
    )


def alice_identity(pki: As2Pki) -> As2Identity:
    """Alice as the receiving organisation of our own receiver (django-pyas2's role in the first run)."""
    return As2Identity("alice", pki.alice.cert, pki.alice.key)


if __name__ == "__main__":
    main()
