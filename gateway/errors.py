"""Errors raised by the gateway engine, under the root tree of :mod:`formats.errors`::

    AiguillageError
    ├── ConfigError                       (formats.errors)
    ├── RoutingError            code="routing"          the invoice cannot be routed
    │   ├── UnknownPartner      code="routing.unknown-partner"
    │   └── NoRoute             code="routing.no-route"  the partner has no usable channel/format
    ├── TransportError          code="transport"        a channel failed
    │   ├── TransientTransportError  code="transport.transient"  try again later (peer down, timeout)
    │   └── PermanentTransportError  code="transport.permanent"  retrying cannot help (auth, refused)
    ├── StoreError              code="store"            the database refused or is unreachable
    │   └── NotFound            code="store.not-found"
    ├── AuthError               code="auth"             a missing or wrong API token
    └── Refused                 code="refused"          the request does not apply now (nothing to retry…)

CLI and API map ``code`` to exit status and HTTP status in one place each
(:mod:`gateway.cli.errors`, :mod:`gateway.api.errors`).
"""

from __future__ import annotations

from formats.errors import AiguillageError

__all__ = [
    "AuthError",
    "NoRoute",
    "NotFound",
    "PermanentTransportError",
    "Refused",
    "RoutingError",
    "StoreError",
    "TransientTransportError",
    "TransportError",
    "UnknownPartner",
]


class RoutingError(AiguillageError):
    """The invoice cannot be routed to a recipient channel."""

    code = "routing"


class UnknownPartner(RoutingError):
    """No partner profile matches the invoice's buyer."""

    code = "routing.unknown-partner"


class NoRoute(RoutingError):
    """The partner exists but accepts none of the formats we can render, or has no channel."""

    code = "routing.no-route"


class TransportError(AiguillageError):
    """A channel failed to send or receive."""

    code = "transport"


class TransientTransportError(TransportError):
    """A failure that a later attempt may overcome (peer down, timeout, 5xx)."""

    code = "transport.transient"


class PermanentTransportError(TransportError):
    """A failure that no retry can fix (authentication refused, bad host key, 4xx)."""

    code = "transport.permanent"


class StoreError(AiguillageError):
    """The store could not complete an operation."""

    code = "store"


class NotFound(StoreError):
    """The requested invoice, document or delivery does not exist."""

    code = "store.not-found"


class AuthError(AiguillageError):
    """An API request without a valid token."""

    code = "auth"


class Refused(AiguillageError):
    """A well-formed request that does not apply to the current state (nothing to retry, name taken)."""

    code = "refused"
