"""Our own AIG-* checks: one valid and one invalid value each, always warnings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from formats.model import Address, Delivery, Identifier, Invoice, InvoiceLine, Item, Party, TaxRepresentative
from formats.validation.findings import Flag
from formats.validation.native import native_checks


def _seller(**fields: object) -> Invoice:
    return Invoice(currency="EUR", seller=Party(name="S", **fields))  # type: ignore[arg-type]


def _aig(invoice: Invoice) -> list[tuple[str, str | None, str]]:
    found = native_checks(invoice, "ubl")
    assert all(f.flag is Flag.WARNING for f in found if f.rule.startswith("AIG-"))
    return [(f.rule, f.location, f.message) for f in found if f.rule.startswith("AIG-")]


def test_siren() -> None:
    assert _aig(_seller(legal_registration=Identifier("732829320", "0002"))) == []
    assert _aig(_seller(legal_registration=Identifier("732829321", "0002"))) == [
        ("AIG-SIREN", "seller.legal_registration", "BT-30 ('732829321', scheme 0002) is not a valid SIREN")
    ]


def test_siret_on_the_buyer() -> None:
    ok = Invoice(buyer=Party(legal_registration=Identifier("73282932000074", "0009")))
    bad = Invoice(buyer=Party(legal_registration=Identifier("73282932000075", "0009")))
    assert _aig(ok) == []
    assert _aig(bad) == [
        ("AIG-SIRET", "buyer.legal_registration", "BT-47 ('73282932000075', scheme 0009) is not a valid SIRET")
    ]


def test_other_schemes_are_not_checked() -> None:
    assert _aig(_seller(legal_registration=Identifier("123", "0088"))) == []
    assert _aig(_seller(legal_registration=Identifier("123"))) == []


@pytest.mark.parametrize("value", ["FR40303265045", "EL094259216", "DE136695976"])
def test_valid_eu_vat(value: str) -> None:
    assert _aig(_seller(vat_id=value)) == []


def test_invalid_eu_vat() -> None:
    assert _aig(_seller(vat_id="FR00303265045")) == [
        ("AIG-VAT", "seller.vat_id", "BT-31 ('FR00303265045') is not a valid FR VAT number")
    ]
    representative = Invoice(tax_representative=TaxRepresentative(vat_id="DE000000000"))
    assert [r for r, _, _ in _aig(representative)] == ["AIG-VAT"]


@pytest.mark.parametrize("value", ["GB123", "CH-not-checked", "NO999999999MVA", "US12"])
def test_non_eu_vat_prefixes_are_not_checked(value: str) -> None:
    assert _aig(_seller(vat_id=value)) == []


@pytest.mark.parametrize("code", ["FR", "DE", "XI", "1A"])
def test_valid_countries(code: str) -> None:
    assert _aig(_seller(address=Address(country_code=code))) == []


def test_invalid_countries() -> None:
    invoice = Invoice(
        seller=Party(address=Address(country_code="ZZ")),
        delivery=Delivery(address=Address(country_code="fr")),
        lines=(InvoiceLine(net_amount=Decimal(1), item=Item(origin_country="UK")),),
    )
    assert _aig(invoice) == [
        ("AIG-COUNTRY", "seller.address.country_code", "BT-40 ('ZZ') is not an ISO 3166-1 alpha-2 country code"),
        ("AIG-COUNTRY", "delivery.address.country_code", "BT-80 ('fr') is not an ISO 3166-1 alpha-2 country code"),
        ("AIG-COUNTRY", "lines[0].item.origin_country", "BT-159 ('UK') is not an ISO 3166-1 alpha-2 country code"),
    ]


@pytest.mark.parametrize("code", ["EUR", "USD", "CNH"])
def test_valid_currencies(code: str) -> None:
    assert _aig(Invoice(currency=code, tax_currency=code)) == []


def test_invalid_currencies() -> None:
    assert _aig(Invoice(currency="EURO", tax_currency="XXY")) == [
        ("AIG-CURRENCY", "currency", "BT-5 ('EURO') is not an ISO 4217 currency code"),
        ("AIG-CURRENCY", "tax_currency", "BT-6 ('XXY') is not an ISO 4217 currency code"),
    ]


def test_own_checks_never_make_a_document_invalid() -> None:
    invoice = Invoice(currency="EURO", seller=Party(vat_id="FR00303265045", address=Address(country_code="ZZ")))
    assert not any(f.flag is Flag.FATAL for f in native_checks(invoice, "cii"))
