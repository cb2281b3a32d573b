"""``xsd:decimal`` text → :class:`~decimal.Decimal`, as every syntax reader needs it.

:class:`~decimal.Decimal` accepts more than ``xsd:decimal`` does: exponents,
``_`` digit separators, non-ASCII digits, NaN and Infinity. Those are refused
here; surrounding whitespace is accepted by both. The source precision is kept
(``"10.00"`` stays ``Decimal("10.00")``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["memoised_decimal", "parse_xsd_decimal"]

#: Texts longer than this are not memoised (amounts are short; hostile input is not).
_MEMO_TEXT_MAX = 32
#: Entries at most: amounts such as "0.00" or "20" recur within and across invoices,
#: and a bound keeps hostile input from growing the memo.
_MEMO_SIZE = 4096

# Only valid texts are kept, so a hit is always the right answer. Decimals are
# immutable, so the memoised values are safe to share (across threads too).
_MEMO: dict[str | None, Decimal] = {}

memoised_decimal = _MEMO.get
"""``memoised_decimal(text)``: the Decimal of a text parsed before, else None.

A C-level dict lookup: hot readers try it before :func:`parse_xsd_decimal` and
so skip a Python call for most amounts.
"""


def _parse(text: str) -> Decimal | None:
    if not text.isascii() or any(mark in text for mark in "eE_nN"):  # exponent, separator, NaN, Inf
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_xsd_decimal(text: str | None) -> Decimal | None:
    """Return the Decimal an ``xsd:decimal`` text denotes, or ``None`` when it is not one."""
    value = _MEMO.get(text)
    if value is not None or text is None:
        return value
    value = _parse(text)
    if value is not None and len(text) <= _MEMO_TEXT_MAX and len(_MEMO) < _MEMO_SIZE:
        _MEMO[text] = value
    return value
