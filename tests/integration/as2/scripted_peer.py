"""An AS2 receiver that misbehaves on purpose, over real HTTP on loopback.

Why a scripted peer: a correct implementation (ours, django-pyas2, openssl)
never returns a wrong MIC, an HTTP 500, a 200 without the MDN it was asked
for, or hangs past the sender's timeout. This server reads each message with
the real library (:func:`process_message`, as beta) and then answers what the
path asks for:

``/good`` the real signed MDN · ``/wrong-mic`` a signed MDN with another MIC ·
``/negative`` a signed ``processed/error`` MDN · ``/unsigned`` an unsigned MDN ·
``/forged`` an MDN signed by mallory · ``/500`` HTTP 500 · ``/empty`` 200 and no
body · ``/slow`` no answer for 5 s.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    DigestAlgorithm,
    Disposition,
    Mic,
    Parties,
    build_mdn,
    process_message,
)
from tests.integration.as2.gateways import Keys


class ScriptedPeer:
    """Beta's AS2 identity behind a scripted HTTP server; ``url`` + a path from the module docstring."""

    def __init__(self, keys: Keys) -> None:
        beta = As2Identity("beta", keys.beta.cert, keys.beta.key)
        mallory = As2Identity("beta", keys.mallory.cert, keys.mallory.key)
        parties = Parties(As2Partner("alpha", keys.alpha.cert), beta)
        self.requests: list[str] = []
        self.transfer_encodings: list[str | None] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                peer.requests.append(self.path)
                peer.transfer_encodings.append(self.headers.get("Transfer-Encoding"))
                body = self._body()
                if self.path == "/500":
                    self._answer(500, (), b"Internal Server Error")
                    return
                if self.path == "/empty":
                    self._answer(200, (), b"")
                    return
                if self.path == "/slow":
                    time.sleep(5)
                    self._answer(200, (), b"")
                    return
                result = process_message(list(self.headers.items()), body, lookup=lambda f, t: parties)
                assert result.mdn is not None and result.message_id is not None
                mdn = result.mdn
                if self.path != "/good":
                    mdn = build_mdn(
                        original_message_id=result.message_id,
                        reporter="beta",
                        recipient="alpha",
                        disposition=Disposition.error("unexpected-processing-error")
                        if self.path == "/negative"
                        else Disposition.processed(),
                        mic=Mic(bytes(32), DigestAlgorithm.SHA256) if self.path == "/wrong-mic" else result.mic,
                        signer=None if self.path == "/unsigned" else mallory if self.path == "/forged" else beta,
                    )
                self._answer(200, mdn.headers, mdn.body)

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length", "0")))
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip(), 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)

            def _answer(self, status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="scripted-as2", daemon=True)

    def __enter__(self) -> ScriptedPeer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
