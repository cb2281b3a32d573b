"""The model as JSON-ready data: Decimal as strings, dates ISO 8601, binaries base64.

Amounts stay strings so that no JSON consumer turns them into floats.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from formats.model.invoice import Invoice

__all__ = ["invoice_to_dict"]


def invoice_to_dict(invoice: Invoice, *, omit_empty: bool = True) -> dict[str, Any]:
    """Return the invoice as plain JSON-compatible data.

    :param omit_empty: leave out ``None`` fields and empty lists.
    """
    value = _plain(invoice, omit_empty)
    assert isinstance(value, dict)
    return value


def _plain(value: Any, omit_empty: bool) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            item = _plain(getattr(value, field.name), omit_empty)
            if omit_empty and (item is None or item == [] or item == {}):
                continue
            out[field.name] = item
        return out
    if isinstance(value, tuple | list):
        return [_plain(item, omit_empty) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
