"""Benchmark: SFTP sends per second over one connection, 3 KB documents, against a real local sshd.

Starts OpenSSH ``sshd`` on 127.0.0.1 (as the tests do, tests/support/sshd.py),
builds an ``sftp`` channel pinned to its host key, and sends documents for
``--seconds`` through :class:`gateway.transports.sftp.SftpTransport`: each is an
upload of ``<name>.part``, a size check and a ``posix-rename``. The first send
(connection set-up) is timed apart.

Usage::

    .venv/bin/python bench/sftp.py [--seconds 10] [--size 3072]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# The sshd helper lives with the tests; the repository root is not on the path of a script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.transports import Envelope, Outcome
from gateway.transports.sftp import SftpTransport
from tests.support.sshd import SshdServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", type=int, default=3072)
    args = parser.parse_args()
    content = b"<Invoice>" + b"x" * max(0, args.size - 19) + b"</Invoice>"
    with tempfile.TemporaryDirectory() as tmp:
        server = SshdServer(Path(tmp))
        server.start()
        try:
            remote = server.new_dir("bench")
            params = server.channel_params(remote)
            with SftpTransport.from_config(params, where="bench", base=Path(tmp)) as transport:

                def send(i: int) -> None:
                    envelope = Envelope(f"m{i:07d}", "d", "i", "p", "F.xml", content, "application/xml", "ubl")
                    result = transport.send(envelope)
                    if result.outcome is not Outcome.DELIVERED:
                        raise SystemExit(f"send {i} failed: {result.detail}")

                started = time.perf_counter()
                send(0)
                first = time.perf_counter() - started
                count, started = 0, time.perf_counter()
                while time.perf_counter() - started < args.seconds:
                    count += 1
                    send(count)
                elapsed = time.perf_counter() - started
                connections = transport.session.connections
        finally:
            server.close()
    print(f"first send (connect + upload): {first * 1000:.0f} ms")
    print(f"{count} sends of {len(content)} bytes in {elapsed:.1f} s over {connections} connection(s)")
    print(f"{count / elapsed:.0f} files/s, {elapsed / count * 1000:.2f} ms per file")


if __name__ == "__main__":
    main()
