"""Turn matched text into typed values: numbers in French, German or English notation, dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

__all__ = ["LOCALES", "parse_date", "parse_number"]

#: Decimal separator and accepted thousands separators per locale.
#: French ``1 234,56`` (space, no-break space, narrow no-break space), German ``1.234,56``, English ``1,234.56``.
LOCALES: dict[str, tuple[str, str]] = {
    "fr": (",", " \u00a0\u202f."),
    "de": (",", ".\u00a0 '"),
    "en": (".", ", \u00a0"),
}

# Currency marks that may sit next to a captured number.
_CURRENCY = re.compile(r"^(?:[€$£]|EUR|USD|GBP|CHF)\s*|\s*(?:[€$£%]|EUR|USD|GBP|CHF)$")


def parse_number(raw: str, *, decimal_separator: str = ".", thousands: str = ",\u00a0 ") -> Decimal:
    """Parse ``raw`` as a number written with the given separators.

    ``parse_number("1 234,56", decimal_separator=",", thousands=" ")`` is ``Decimal("1234.56")``.
    A leading or trailing currency sign or ``%`` is ignored; a minus may lead or
    trail (``-20,48`` or ``20,48-``).

    :raises ValueError: the text is not a number in that notation.
    """
    text = raw.strip()
    previous = None
    while previous != text:
        previous = text
        text = _CURRENCY.sub("", text).strip()
    negative = False
    if text.startswith(("-", "\u2212")):
        negative, text = True, text[1:].strip()
    elif text.endswith("-"):
        negative, text = True, text[:-1].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    whole, _, fraction = text.rpartition(decimal_separator) if decimal_separator in text else (text, "", "")
    if not whole and fraction:
        whole, fraction = "0", fraction
    groups = re.split("[" + re.escape(thousands) + "]", whole) if thousands else [whole]
    if not all(part.isdigit() for part in groups) or (fraction and not fraction.isdigit()):
        raise ValueError(f"{raw!r} is not a number with decimal separator {decimal_separator!r}")
    if len(groups) > 1 and any(len(part) != 3 for part in groups[1:]):
        raise ValueError(f"{raw!r}: digit groups must have three digits")
    try:
        value = Decimal("".join(groups) + (f".{fraction}" if fraction else ""))
    except InvalidOperation as exc:  # pragma: no cover - isdigit checks above make this unreachable
        raise ValueError(f"{raw!r} is not a number") from exc
    return -value if negative else value


def parse_date(raw: str, formats: tuple[str, ...]) -> date:
    """Parse ``raw`` with the first of ``formats`` (``strptime`` codes) that fits.

    :raises ValueError: no format fits.
    """
    text = " ".join(raw.split())
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{raw!r} matches none of the date formats {', '.join(formats)}")
