"""A minimal AS2 receiver built only from our message layer, behind the stdlib ``http.server``.

It lets the interop tests check :func:`gateway.transports.as2.process_message`
against django-pyas2 independently of the gateway's own endpoint: ``POST /``
takes a message and answers with the MDN it asked for (sync in the response,
async POSTed to ``Receipt-Delivery-Option`` after the response); ``POST /mdn``
collects asynchronous MDNs for messages we sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx

from gateway.transports.as2 import InboundResult, Parties, process_message
from gateway.transports.as2.mime import Header

__all__ = ["LibraryEndpoint", "ReceivedMdn"]


@dataclass(frozen=True)
class ReceivedMdn:
    """An asynchronous MDN as POSTed to ``/mdn``."""

    headers: tuple[Header, ...]
    body: bytes


@dataclass
class _State:
    results: list[InboundResult] = field(default_factory=list)
    raw: list[tuple[tuple[Header, ...], bytes]] = field(default_factory=list)
    mdns: list[ReceivedMdn] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)


class LibraryEndpoint:
    """Our receiving side for ``parties`` on 127.0.0.1, an ephemeral port."""

    def __init__(self, parties: Parties) -> None:
        self.parties = parties
        self.state = _State()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                # django-pyas2 posts with requests and data=bytes: always Content-Length.
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = tuple((name, value) for name, value in self.headers.items())
                if self.path.rstrip("/") == "/mdn":
                    endpoint._add_mdn(ReceivedMdn(headers, body))
                    self._answer(200, (("Content-Type", "text/plain"),), b"MDN received")
                    return
                result = endpoint._receive(headers, body)
                if result.mdn is not None and result.async_mdn_url is None:
                    self._answer(200, result.mdn.headers, result.mdn.body)
                    return
                self._answer(200, (("Content-Type", "text/plain"),), b"AS2 message received")
                if result.mdn is not None and result.async_mdn_url is not None:
                    # After the response, as RFC 4130 §7.3 describes.
                    endpoint._post_async_mdn(result)

            def _answer(self, status: int, headers: tuple[Header, ...], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                # Quiet: pytest shows failures with the assertions, not an access log.
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"as2-endpoint:{self.port}", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def mdn_url(self) -> str:
        """Where partners POST asynchronous MDNs for our messages."""
        return f"http://127.0.0.1:{self.port}/mdn"

    def _is_duplicate(self, as2_from: str, message_id: str) -> bool:
        with self.state.lock:
            key = (as2_from, message_id)
            if key in self.state.seen:
                return True
            self.state.seen.add(key)
            return False

    def _receive(self, headers: tuple[Header, ...], body: bytes) -> InboundResult:
        result = process_message(headers, body, lookup=self._lookup, is_duplicate=self._is_duplicate)
        with self.state.changed:
            self.state.raw.append((headers, body))
            self.state.results.append(result)
            self.state.changed.notify_all()
        return result

    def _post_async_mdn(self, result: InboundResult) -> None:
        assert result.mdn is not None and result.async_mdn_url is not None
        try:
            response = httpx.post(
                result.async_mdn_url, content=result.mdn.body, headers=list(result.mdn.headers), timeout=30
            )
            if response.status_code != 200:
                self.state.errors.append(f"async MDN POST answered {response.status_code}: {response.text[:200]}")
        except httpx.HTTPError as exc:
            self.state.errors.append(f"async MDN POST failed: {exc!r}")

    def _lookup(self, as2_from: str, as2_to: str) -> Parties | None:
        if as2_from == self.parties.partner.as2_name and as2_to == self.parties.identity.as2_name:
            return self.parties
        return None

    def _add_mdn(self, mdn: ReceivedMdn) -> None:
        with self.state.changed:
            self.state.mdns.append(mdn)
            self.state.changed.notify_all()

    def wait_results(self, count: int, timeout: float = 30.0) -> list[InboundResult]:
        """Wait until ``count`` messages have been processed; return them all."""
        with self.state.changed:
            if not self.state.changed.wait_for(lambda: len(self.state.results) >= count, timeout):
                raise AssertionError(f"expected {count} AS2 messages, got {len(self.state.results)}")
            return list(self.state.results)

    def wait_mdns(self, count: int, timeout: float = 30.0) -> list[ReceivedMdn]:
        """Wait until ``count`` asynchronous MDNs have arrived; return them all."""
        with self.state.changed:
            if not self.state.changed.wait_for(lambda: len(self.state.mdns) >= count, timeout):
                raise AssertionError(f"expected {count} async MDNs, got {len(self.state.mdns)}")
            return list(self.state.mdns)

    def start(self) -> LibraryEndpoint:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def __enter__(self) -> LibraryEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
