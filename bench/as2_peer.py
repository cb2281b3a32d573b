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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import yaml  # noqa: E402

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
from tests.support.as2_pki import As2Pki, make_as2_pki, write_party  # noqa: E402
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
        with _gateway_receiver(pki, Path(home)) as url:
            results["ours-gateway"] = _measure(
                "our sender → our gateway (POST /as2, stored)", args.messages, args.warmup, sender(url, client)
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
        f"ratio, same work (each receiver stores the message): our gateway / django-pyas2: "
        f"{results['ours-gateway'] / results['pyas2']:.2f}× (target ≥ 4.5×)"
    )
    print(
        "ratio, message layer only: our library over HTTP / django-pyas2: "
        f"{results['ours-http'] / results['pyas2']:.2f}×"
        f"   in-process / django-pyas2: {results['ours-inproc'] / results['pyas2']:.2f}×"
    )


@contextmanager
def _gateway_receiver(pki: As2Pki, root: Path) -> Iterator[str]:
    """Serve a gateway playing alice (its own SQLite store) in a child process, as django-pyas2 is served."""
    keys = root / "keys"
    alice, bob = write_party(pki.alice, keys, "alice"), write_party(pki.bob, keys, "bob")
    home = root / "alice-gateway"
    (home / "partners").mkdir(parents=True)
    (home / "gateway.yaml").write_text("validation: {layers: []}\n", encoding="utf-8")
    channel = {
        "type": "as2", "url": "http://127.0.0.1:9/unused", "as2-from": "alice", "as2-to": "bob",
        "key-file": str(alice.key), "certificate-file": str(alice.cert), "partner-certificate-file": str(bob.cert),
    }  # fmt: skip
    profile = {"name": "Bob", "identifiers": {"siren": "552100554"}, "channels": [channel]}
    (home / "partners" / "bob.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "bench" / "as2.py"), "--serve", str(home), str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/as2"
    finally:
        server.terminate()
        server.wait(10)


def alice_identity(pki: As2Pki) -> As2Identity:
    """Alice as the receiving organisation of our own receiver (django-pyas2's role in the first run)."""
    return As2Identity("alice", pki.alice.cert, pki.alice.key)


if __name__ == "__main__":
    main()
