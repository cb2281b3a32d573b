"""``xsd:decimal`` text → :class:`~decimal.Decimal`, as every syntax reader needs it.

:class:`~decimal.Decimal` accepts more than ``xsd:decimal`` does: exponents,
``_`` digit separators, non-ASCII digits, NaN and Infinity. Those are refused
here; surrounding whitespace is accepted by both. The source precision is kept
(``"10.00"`` stays ``Decimal("10.00")``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["parse_xsd_decimal"]

#: Texts longer than this are not memoised (amounts are short; hostile input is not).
_MEMO_TEXT_MAX = 32


@lru_cache(maxsize=4096)  # amounts such as "0.00" or "20" recur within and across invoices
def _parse(text: str) -> Decimal | None:
    if not text.isascii() or any(mark in text for mark in "eE_nN"):  # exponent, separator, NaN, Inf
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_xsd_decimal(text: str | None) -> Decimal | None:
    """Return the Decimal an ``xsd:decimal`` text denotes, or ``None`` when it is not one.

    Decimals are immutable, so the memoised values are safe to share.
    """
    if text is None:
        return None
    return _parse(text) if len(text) <= _MEMO_TEXT_MAX else _parse.__wrapped__(text)
