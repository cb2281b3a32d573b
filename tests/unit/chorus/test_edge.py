"""Every httpx exception maps to a Chorus error, transient exactly when a retry may help."""

from __future__ import annotations

import inspect

import httpx
import pytest

from chorus.edge import chorus_error_class, map_httpx_errors
from chorus.errors import ChorusError, ChorusProtocolError, ChorusTransientError

HTTPX_EXCEPTIONS = sorted(
    (obj for _, obj in inspect.getmembers(httpx, inspect.isclass) if issubclass(obj, Exception)),
    key=lambda cls: cls.__name__,
)


def test_httpx_exports_exceptions() -> None:
    assert len(HTTPX_EXCEPTIONS) >= 25  # a broken introspection must not pass vacuously


@pytest.mark.parametrize("exc_class", HTTPX_EXCEPTIONS, ids=lambda cls: cls.__name__)
def test_every_httpx_exception_is_mapped(exc_class: type[Exception]) -> None:
    exc = exc_class.__new__(exc_class)
    target = chorus_error_class(exc)
    assert target is not None and issubclass(target, ChorusError)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused"), ChorusTransientError),
        (httpx.ConnectTimeout("slow"), ChorusTransientError),
        (httpx.ReadTimeout("slow"), ChorusTransientError),
        (httpx.RemoteProtocolError("peer closed"), ChorusTransientError),
        (httpx.UnsupportedProtocol("ftp"), ChorusProtocolError),
        (httpx.LocalProtocolError("bad header"), ChorusProtocolError),
        (httpx.InvalidURL("bad"), ChorusProtocolError),
        (httpx.TooManyRedirects("loop"), ChorusProtocolError),
    ],
)
def test_retry_only_what_a_retry_can_fix(exc: Exception, expected: type[ChorusError]) -> None:
    with pytest.raises(expected) as caught, map_httpx_errors("transverses/v1/consulterCR"):
        raise exc
    assert caught.value.__cause__ is exc
    assert caught.value.transient is (expected is ChorusTransientError)
    assert "transverses/v1/consulterCR" in caught.value.message


def test_other_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), map_httpx_errors("x"):
        raise KeyError("not ours")
