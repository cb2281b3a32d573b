"""Edge mapping for the ``soap`` channel (STYLE.md §10): zeep and requests exceptions → what the outbox does.

A SOAP Fault is the peer's answer, not a failure of ours: the channel decides,
per its ``on-fault`` key, whether it is a rejection or a permanent error. An
HTTP error is transient on 5xx, 408 and 429 (the peer may come back) and
permanent otherwise (401: wrong credentials; 404: wrong endpoint). A dropped
connection or a timeout is transient. What says our configuration does not fit
the WSDL (unknown operation, a field the message does not have, a WSDL that
cannot be read) is permanent. A garbled answer is transient: proxies in front of
SOAP services answer HTML error pages while the service restarts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Final

import requests.exceptions as rx
import zeep.exceptions as zx

from gateway.errors import PermanentTransportError, TransientTransportError

__all__ = ["ERROR_TABLE", "ErrorKind", "SoapFaultError", "classify", "map_soap_errors"]


class ErrorKind(StrEnum):
    """What an exception means for the delivery."""

    FAULT = "fault"
    """The service answered a SOAP Fault (the channel's ``on-fault`` decides)."""
    HTTP = "http"
    """An HTTP error status; transient or permanent by status."""
    TRANSIENT = "transient"
    PERMANENT = "permanent"


ERROR_TABLE: Final[tuple[tuple[type[BaseException], ErrorKind], ...]] = (
    (zx.Fault, ErrorKind.FAULT),
    (zx.TransportError, ErrorKind.HTTP),
    # The request we built does not fit the WSDL, or the WSDL is unusable: a human must fix the configuration.
    (zx.ValidationError, ErrorKind.PERMANENT),
    (zx.LookupError, ErrorKind.PERMANENT),
    (zx.NamespaceError, ErrorKind.PERMANENT),
    (zx.WsdlSyntaxError, ErrorKind.PERMANENT),
    (zx.IncompleteOperation, ErrorKind.PERMANENT),
    (zx.DTDForbidden, ErrorKind.PERMANENT),
    (zx.EntitiesForbidden, ErrorKind.PERMANENT),
    (zx.ExternalReferenceForbidden, ErrorKind.PERMANENT),
    (zx.SignatureVerificationFailed, ErrorKind.PERMANENT),
    # The answer could not be read.
    (zx.XMLParseError, ErrorKind.TRANSIENT),
    (zx.XMLSyntaxError, ErrorKind.TRANSIENT),
    (zx.UnexpectedElementError, ErrorKind.TRANSIENT),
    (zx.IncompleteMessage, ErrorKind.TRANSIENT),
    (zx.Error, ErrorKind.PERMANENT),
    # requests: the network, most specific first.
    (rx.ConnectTimeout, ErrorKind.TRANSIENT),
    (rx.ReadTimeout, ErrorKind.TRANSIENT),
    (rx.Timeout, ErrorKind.TRANSIENT),
    (rx.SSLError, ErrorKind.PERMANENT),
    (rx.ProxyError, ErrorKind.TRANSIENT),
    (rx.ConnectionError, ErrorKind.TRANSIENT),
    (rx.ChunkedEncodingError, ErrorKind.TRANSIENT),
    (rx.ContentDecodingError, ErrorKind.TRANSIENT),
    (rx.RetryError, ErrorKind.TRANSIENT),
    (rx.HTTPError, ErrorKind.HTTP),
    (rx.TooManyRedirects, ErrorKind.PERMANENT),
    (rx.MissingSchema, ErrorKind.PERMANENT),
    (rx.InvalidSchema, ErrorKind.PERMANENT),
    (rx.InvalidProxyURL, ErrorKind.PERMANENT),
    (rx.InvalidURL, ErrorKind.PERMANENT),
    (rx.InvalidHeader, ErrorKind.PERMANENT),
    (rx.JSONDecodeError, ErrorKind.PERMANENT),
    (rx.InvalidJSONError, ErrorKind.PERMANENT),
    (rx.StreamConsumedError, ErrorKind.PERMANENT),
    (rx.UnrewindableBodyError, ErrorKind.PERMANENT),
    (rx.URLRequired, ErrorKind.PERMANENT),
    (rx.RequestException, ErrorKind.TRANSIENT),
    # A WSDL file that cannot be read.
    (OSError, ErrorKind.PERMANENT),
)
"""Exception class → kind, most specific first (the first ``isinstance`` match wins)."""

_TRANSIENT_STATUSES: Final = frozenset({408, 429})


class SoapFaultError(PermanentTransportError):
    """The service answered a SOAP Fault; ``fault_code`` is its ``faultcode``."""

    code = "transport.soap-fault"

    def __init__(self, message: str, *, fault_code: str | None) -> None:
        super().__init__(message)
        self.fault_code = fault_code


def classify(exc: BaseException) -> ErrorKind | None:
    """Return the kind of ``exc``, or ``None`` if the table does not know it."""
    return next((kind for cls, kind in ERROR_TABLE if isinstance(exc, cls)), None)


def _http_status(exc: BaseException) -> int | None:
    if isinstance(exc, zx.TransportError):
        return int(exc.status_code) if exc.status_code else None
    response = getattr(exc, "response", None)  # requests.HTTPError carries the response
    return int(response.status_code) if response is not None else None


@contextmanager
def map_soap_errors(doing: str) -> Iterator[None]:
    """Raise our transport error, ``from`` the original, for a zeep/requests/OS error inside the block.

    :param doing: what the block does (``call submitInvoice on https://…``); starts the message.
    :raises SoapFaultError: the service answered a Fault.
    :raises TransientTransportError: a failure a later attempt may overcome.
    :raises PermanentTransportError: configuration, WSDL, credentials or an HTTP 4xx.
    """
    try:
        yield
    except (zx.Error, rx.RequestException, OSError) as exc:
        kind = classify(exc)
        if kind is ErrorKind.FAULT:
            assert isinstance(exc, zx.Fault)
            raise SoapFaultError(f"{doing}: SOAP Fault {exc.code}: {exc.message}", fault_code=exc.code) from exc
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        if kind is ErrorKind.HTTP:
            status = _http_status(exc)
            message = f"{doing}: HTTP {status}" + (": check username and password" if status in (401, 403) else "")
            if status is None or status >= 500 or status in _TRANSIENT_STATUSES:
                raise TransientTransportError(message) from exc
            raise PermanentTransportError(message) from exc
        if kind is ErrorKind.TRANSIENT:
            raise TransientTransportError(f"{doing}: {text}") from exc
        raise PermanentTransportError(f"{doing}: {text}") from exc
