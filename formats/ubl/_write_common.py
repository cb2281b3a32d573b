"""Writing helpers shared by the UBL writer modules: values and small groups, in XSD order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from formats.model import Address, AllowanceCharge, Identifier, Period
from formats.ubl._xml_text import XmlText, attribute

__all__ = [
    "number",
    "write_address",
    "write_allowance_charge",
    "write_amount",
    "write_date",
    "write_identifier",
    "write_period",
    "write_tax_category",
]


def number(value: Decimal) -> str:
    """Return a decimal in plain notation, with the precision it carries (never an exponent)."""
    return format(value, "f")


def write_amount(out: XmlText, tag: str, value: Decimal | None, currency: str) -> None:
    """Write an amount when present; ``currency`` is the prepared ``currencyID`` attribute."""
    out.number(tag, value, currency)


def write_date(out: XmlText, tag: str, value: date | None) -> None:
    """Write an ISO date when present."""
    if value is not None:
        out.leaf(tag, value.isoformat())


def write_identifier(out: XmlText, tag: str, value: Identifier | None, scheme: str = "schemeID") -> None:
    """Write an identifier with its scheme attribute when present."""
    if value is not None:
        out.leaf(tag, value.value, "" if value.scheme is None else attribute(scheme, value.scheme))


def write_address(out: XmlText, tag: str, address: Address | None) -> None:
    """Write a PostalAddress / Address (AddressType sequence)."""
    if address is None:
        return
    out.start(tag)
    out.opt("cbc:StreetName", address.line1)
    if address.line2 is not None:
        out.opt("cbc:AdditionalStreetName", address.line2)
    out.opt("cbc:CityName", address.city)
    out.opt("cbc:PostalZone", address.post_code)
    if address.country_subdivision is not None:
        out.opt("cbc:CountrySubentity", address.country_subdivision)
    if address.line3 is not None:
        out.wrapped("cac:AddressLine", "cbc:Line", address.line3)
    if address.country_code is not None:
        out.wrapped("cac:Country", "cbc:IdentificationCode", address.country_code)
    out.end(tag)


def write_period(out: XmlText, period: Period | None, description_code: str | None = None) -> None:
    """Write ``cac:InvoicePeriod`` (BG-14 with BT-8, or BG-26)."""
    if period is None and description_code is None:
        return
    out.start("cac:InvoicePeriod")
    if period is not None:
        write_date(out, "cbc:StartDate", period.start)
        write_date(out, "cbc:EndDate", period.end)
    out.opt("cbc:DescriptionCode", description_code)
    out.end("cac:InvoicePeriod")


def write_tax_category(
    out: XmlText,
    tag: str,
    category: str | None,
    rate: Decimal | None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    """Write a (Classified)TaxCategory in the VAT scheme (TaxCategoryType sequence)."""
    out.start(tag)
    out.opt("cbc:ID", category)
    if rate is not None:
        out.number("cbc:Percent", rate)
    if reason_code is not None:
        out.opt("cbc:TaxExemptionReasonCode", reason_code)
    if reason is not None:
        out.opt("cbc:TaxExemptionReason", reason)
    out.wrapped("cac:TaxScheme", "cbc:ID", "VAT")
    out.end(tag)


def write_allowance_charge(out: XmlText, value: AllowanceCharge, currency: str) -> None:
    """Write ``cac:AllowanceCharge`` (BG-20/21 with their VAT category, or BG-27/28)."""
    out.start("cac:AllowanceCharge")
    out.leaf("cbc:ChargeIndicator", "true" if value.is_charge else "false")
    out.opt("cbc:AllowanceChargeReasonCode", value.reason_code)
    out.opt("cbc:AllowanceChargeReason", value.reason)
    if value.percentage is not None:
        out.number("cbc:MultiplierFactorNumeric", value.percentage)
    out.number("cbc:Amount", value.amount, currency)
    out.number("cbc:BaseAmount", value.base_amount, currency)
    if value.vat_category is not None or value.vat_rate is not None:
        write_tax_category(out, "cac:TaxCategory", value.vat_category, value.vat_rate)
    out.end("cac:AllowanceCharge")
