"""httpx exceptions → Chorus errors, at the one place the client calls httpx (STYLE.md §10).

Anything that says the platform was not reached, or dropped the exchange, is
transient: the outbox retries it. Anything that says *our* request is wrong
(bad URL, unsupported scheme, too many redirects) is permanent: a retry would
fail the same way. The table is ordered most specific first; the unit tests
check that every exception class httpx exports finds an entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import httpx

from chorus.errors import ChorusError, ChorusProtocolError, ChorusTransientError

__all__ = ["HTTPX_ERROR_MAP", "chorus_error_class", "map_httpx_errors"]

HTTPX_ERROR_MAP: Final[tuple[tuple[type[Exception], type[ChorusError]], ...]] = (
    (httpx.TimeoutException, ChorusTransientError),  # connect/read/write/pool timeouts
    (httpx.NetworkError, ChorusTransientError),  # connect, read, write, close errors
    (httpx.RemoteProtocolError, ChorusTransientError),  # the peer broke HTTP mid-way (restart, proxy)
    (httpx.ProxyError, ChorusTransientError),
    (httpx.LocalProtocolError, ChorusProtocolError),  # we built an invalid request
    (httpx.UnsupportedProtocol, ChorusProtocolError),
    (httpx.DecodingError, ChorusProtocolError),
    (httpx.TooManyRedirects, ChorusProtocolError),
    (httpx.HTTPStatusError, ChorusProtocolError),  # not raised: statuses are read, not raised
    (httpx.TransportError, ChorusTransientError),  # any other transport failure
    (httpx.HTTPError, ChorusProtocolError),
    (httpx.InvalidURL, ChorusProtocolError),
    (httpx.CookieConflict, ChorusProtocolError),
    (httpx.StreamError, ChorusProtocolError),
)
"""httpx exception class → our class; the first entry the exception is an instance of wins."""


def chorus_error_class(exc: BaseException) -> type[ChorusError] | None:
    """Return the Chorus error class an httpx exception maps to, or ``None`` for a non-httpx exception."""
    for source, target in HTTPX_ERROR_MAP:
        if isinstance(exc, source):
            return target
    return None


@contextmanager
def map_httpx_errors(what: str) -> Iterator[None]:
    """Raise the mapped :class:`ChorusError` (``from`` the original) for httpx exceptions in the block.

    :param what: the call, for the message (``PISTE token``, an operation path).
    """
    try:
        yield
    except Exception as exc:
        target = chorus_error_class(exc)
        if target is None:
            raise
        # The exception text names host and port, never credentials (they travel in headers and body).
        raise target(f"{what}: {type(exc).__name__}: {exc}") from exc
