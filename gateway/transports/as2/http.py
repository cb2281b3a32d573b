"""AS2 over HTTP (RFC 4130 §5): POST one message or MDN, with httpx errors mapped at this edge.

Both the channel (messages, and the async MDNs we owe) and the tests use
:func:`post_as2`. The body goes with a Content-Length unless the partner's
``chunked`` quirk asks for ``Transfer-Encoding: chunked`` (OpenAS2's default;
WSGI receivers read it as an empty body, so it is off by default).

Anything that says the partner was not reached, or dropped the exchange, is
transient; anything that says our request cannot work (bad URL, unsupported
scheme) is permanent. The unit tests check every httpx exception class is mapped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

import httpx

from gateway.errors import PermanentTransportError, TransientTransportError, TransportError
from gateway.transports.as2.mime import Header

__all__ = ["HTTPX_ERROR_MAP", "As2Response", "map_httpx_errors", "post_as2", "transport_error_class"]

HTTPX_ERROR_MAP: Final[tuple[tuple[type[Exception], type[TransportError]], ...]] = (
    (httpx.TimeoutException, TransientTransportError),
    (httpx.NetworkError, TransientTransportError),
    (httpx.RemoteProtocolError, TransientTransportError),
    (httpx.ProxyError, TransientTransportError),
    (httpx.LocalProtocolError, PermanentTransportError),
    (httpx.UnsupportedProtocol, PermanentTransportError),
    (httpx.DecodingError, TransientTransportError),
    (httpx.TooManyRedirects, PermanentTransportError),
    (httpx.HTTPStatusError, PermanentTransportError),  # not raised: statuses are read, not raised
    (httpx.TransportError, TransientTransportError),
    (httpx.HTTPError, TransientTransportError),
    (httpx.InvalidURL, PermanentTransportError),
    (httpx.CookieConflict, PermanentTransportError),
    (httpx.StreamError, PermanentTransportError),
)
"""httpx exception class → our class; the first entry the exception is an instance of wins."""

#: HTTP statuses after which the same request may succeed later.
TRANSIENT_STATUSES: Final = frozenset({408, 425, 429})


class As2Response:
    """What the partner answered: status, headers (original case), body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: tuple[Header, ...], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def transport_error_class(exc: BaseException) -> type[TransportError] | None:
    """Return our error class for an httpx exception, ``None`` for any other exception."""
    for source, target in HTTPX_ERROR_MAP:
        if isinstance(exc, source):
            return target
    return None


@contextmanager
def map_httpx_errors(what: str) -> Iterator[None]:
    """Raise the mapped transport error (``from`` the original) for an httpx exception in the block.

    :param what: the exchange, for the message (``POST https://as2.acme.example/as2``).
    """
    try:
        yield
    except Exception as exc:
        target = transport_error_class(exc)
        if target is None:
            raise
        # httpx messages name host and port; AS2 carries no credentials in the request.
        raise target(f"{what}: {type(exc).__name__}: {exc}") from exc


def post_as2(
    client: httpx.Client,
    url: str,
    headers: Sequence[Header],
    body: bytes,
    *,
    chunked: bool = False,
    read_timeout: float | None = None,
    max_answer_bytes: int = 10 * 1024 * 1024,
) -> As2Response:
    """POST an AS2 message or MDN and return the answer.

    :param read_timeout: overrides the client's read timeout (the sync MDN wait).
    :param max_answer_bytes: the answer (an MDN) is read up to this size; more is refused.
    :raises TransientTransportError: not reached, timed out, connection dropped.
    :raises PermanentTransportError: the URL or request cannot work; an oversized answer.
    """
    # Our header values never need folding, and httpx refuses CR/LF in them anyway.
    send_headers = [(name, " ".join(value.split())) for name, value in headers]
    content: bytes | Iterator[bytes] = iter([body]) if chunked else body
    timeout = client.timeout
    if read_timeout is not None:
        timeout = httpx.Timeout(
            connect=client.timeout.connect, read=read_timeout, write=client.timeout.write, pool=client.timeout.pool
        )
    with (
        map_httpx_errors(f"POST {url}"),
        client.stream("POST", url, headers=send_headers, content=content, timeout=timeout) as response,
    ):
        chunks = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_answer_bytes:
                raise PermanentTransportError(f"POST {url}: the answer exceeds {max_answer_bytes} bytes")
            chunks.append(chunk)
        answer_headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
        return As2Response(response.status_code, answer_headers, b"".join(chunks))
