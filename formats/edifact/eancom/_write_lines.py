"""Invoice lines (BG-25) → EANCOM D96A SG25 groups; allowances and charges → SG15 / SG38 groups."""

from __future__ import annotations

from decimal import Decimal

from formats.conversion import ConversionWarning
from formats.edifact.eancom._build import dtm, moa, not_representable, rff, seg, tax
from formats.edifact.eancom.profile import EancomProfile
from formats.edifact.invoic_cen._codes import GTIN_SCHEME, GTIN_TYPE, format_date, format_decimal
from formats.edifact.segments import Segment
from formats.model import AllowanceCharge, InvoiceLine, Period, Price

__all__ = ["write_allowance_charge", "write_line", "write_period"]


def write_period(period: Period | None, profile: EancomProfile) -> list[Segment]:
    """Return BG-14 / BG-26 as ``DTM+263`` (format 718) or ``DTM+167`` + ``DTM+168``, per the profile.

    Format 718 needs both ends; a half-open period falls back to 167 / 168.
    """
    if period is None:
        return []
    if profile.invoicing_period == "263" and period.start is not None and period.end is not None:
        return [seg("DTM", ("263", f"{format_date(period.start)}-{format_date(period.end)}", "718"))]
    return dtm("167", period.start) + dtm("168", period.end)


def write_allowance_charge(entry: AllowanceCharge, profile: EancomProfile) -> list[Segment]:
    """Return one ALC group: ``ALC`` (reason code in C552 5189 or C214 7161, text in C214 7160), PCD, MOA, TAX."""
    kind = "C" if entry.is_charge else "A"
    allowance_code = None if entry.is_charge else entry.reason_code
    charge_code = entry.reason_code if entry.is_charge else None
    out = [seg("ALC", kind, (None, allowance_code), None, None, (charge_code, None, None, entry.reason))]
    if entry.percentage is not None:
        out.append(seg("PCD", ("2" if entry.is_charge else "1", format_decimal(entry.percentage))))
    if profile.allowance_amount == "8":
        out += moa("8", entry.amount)
    else:
        out += moa("23" if entry.is_charge else "204", entry.amount)
    out += moa("25", entry.base_amount)
    if entry.vat_category or entry.vat_rate is not None:
        out.append(tax(entry.vat_category, entry.vat_rate))
    return out


def write_line(
    line: InvoiceLine, profile: EancomProfile, order: str | None, warnings: list[ConversionWarning]
) -> list[Segment]:
    """Return the segments of one SG25 group, in INVOIC D96A order.

    :param order: BT-13, written beside the order line reference (RFF+ON 1154) as EANCOM expects.
    """
    item = line.item
    where = f"line {line.id}"
    standard = item.standard_id if item else None
    gtin = None
    if standard is not None:
        # C212 7143 is a UNTDID 7143 code: the GTIN scheme has one (SRV), other ICD schemes do not.
        gtin = (standard.value, GTIN_TYPE if standard.scheme == GTIN_SCHEME else "ZZZ")
        if standard.scheme not in (GTIN_SCHEME, None):
            warnings.append(not_representable("BT-157-1", f"{where}: scheme {standard.scheme} has no 7143 code"))
    out = [seg("LIN", line.id, None, gtin)]
    if item is not None:
        for ident, kind in ((item.seller_id, "SA"), (item.buyer_id, "IN")):
            if ident:
                out.append(seg("PIA", "1", (ident, kind)))
        for classification in item.classifications:
            out.append(seg("PIA", "1", (classification.value, classification.scheme)))
            if classification.scheme_version:
                warnings.append(not_representable("BT-158-2", f"{where}: PIA has no list version; not written"))
        # D96A C273: 7009, 1131, 3055, then the text in 7008.
        for kind, text in (("F", item.name), ("A", item.description)):
            if text:
                out.append(seg("IMD", kind, None, (None, None, None, text)))
    if line.quantity is not None or line.unit_code:
        quantity = format_decimal(line.quantity) if line.quantity is not None else None
        out.append(seg("QTY", ("47", quantity, line.unit_code)))
    if item is not None and item.origin_country:
        out.append(seg("ALI", item.origin_country))
    out += write_period(line.period, profile)
    if line.note:
        out.append(seg("FTX", "ACB", None, None, (line.note,)))
    out += moa("203", line.net_amount)
    out += _price(line, profile, warnings)
    if line.order_line_reference:
        out += rff("ON", order, line.order_line_reference)
    if line.vat_category or line.vat_rate is not None:
        if profile.line_vat:
            out.append(tax(line.vat_category, line.vat_rate))
        else:
            for term in ("BT-151", "BT-152"):
                warnings.append(not_representable(term, f"{where}: the profile {profile.name} sends no line VAT"))
    for entry in line.allowances_charges:
        out += write_allowance_charge(entry, profile)
    return out


def _price(line: InvoiceLine, profile: EancomProfile, warnings: list[ConversionWarning]) -> list[Segment]:
    price: Price | None = line.price
    if price is None:
        return []
    out: list[Segment] = []
    base_quantity = format_decimal(price.base_quantity) if price.base_quantity is not None else None
    base = (base_quantity, price.base_quantity_unit)
    amounts: tuple[tuple[str, Decimal | None, str], ...] = (
        ("AAA", price.net_price, "BT-146"),
        ("AAB", price.gross_price, "BT-148"),
    )
    for kind, amount, term in amounts:
        if amount is None:
            continue
        if kind not in profile.prices:
            warnings.append(not_representable(term, f"line {line.id}: the profile {profile.name} sends no PRI {kind}"))
            continue
        out.append(seg("PRI", (kind, format_decimal(amount), None, None, *base)))
    if not out and (price.base_quantity is not None or price.base_quantity_unit):
        out.append(seg("PRI", (profile.prices[0], None, None, None, *base)))
    if price.discount is not None:
        warnings.append(not_representable("BT-147", f"line {line.id}: EANCOM has no item price discount"))
    return out
