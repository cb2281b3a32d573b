from __future__ import annotations

from decimal import Decimal

import pytest

from formats.xsd_decimal import parse_xsd_decimal


@pytest.mark.parametrize(
    ("text", "value"), [("10.00", "10.00"), (" 20 ", "20"), ("-0.5", "-0.5"), ("+3", "3"), (".5", "0.5")]
)
def test_xsd_decimals_keep_their_precision(text: str, value: str) -> None:
    parsed = parse_xsd_decimal(text)
    assert parsed == Decimal(value) and str(parsed) == value


@pytest.mark.parametrize("text", ["1e3", "1E3", "1_000", "NaN", "Infinity", "-inf", "١٢", "", "12,5", "abc", None])
def test_what_decimal_accepts_but_xsd_refuses(text: str | None) -> None:
    assert parse_xsd_decimal(text) is None


def test_long_texts_are_parsed_but_not_memoised() -> None:
    long = "1" * 40 + ".00"
    assert parse_xsd_decimal(long) == Decimal(long)
