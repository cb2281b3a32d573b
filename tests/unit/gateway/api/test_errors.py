"""Every error the product raises has an HTTP status of its own code or a parent's (STYLE.md §10, §12)."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import formats.errors
import gateway.api.tokens
import gateway.errors
import gateway.operations
from formats.errors import AiguillageError
from gateway.api.errors import STATUS_BY_CODE, status_for

MODULES: list[ModuleType] = [formats.errors, gateway.errors, gateway.operations, gateway.api.tokens]


def _errors() -> list[type[AiguillageError]]:
    found = {
        obj
        for module in MODULES
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, AiguillageError)
    }
    return sorted(found, key=lambda cls: cls.code)


@pytest.mark.parametrize("error", _errors(), ids=lambda cls: cls.__name__)
def test_every_error_code_is_mapped_explicitly(error: type[AiguillageError]) -> None:
    # The root "error" is the only code allowed to fall back on 500; anything else must be listed.
    head = error.code.split(".")[0]
    assert error.code in STATUS_BY_CODE or head in STATUS_BY_CODE, f"{error.__name__} ({error.code}) is unmapped"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("store.not-found", 404),
        ("store", 503),
        ("auth", 401),
        ("format.too-large", 413),
        ("format.unsafe-xml", 422),
        ("operation.nothing-to-do", 409),
        ("routing.unknown-partner", 409),
        ("transport.transient", 503),
        ("transport.permanent", 502),
        ("config", 500),
        ("never.heard.of", 500),
    ],
)
def test_status_comes_from_the_most_specific_code(code: str, status: int) -> None:
    assert status_for(code) == status
