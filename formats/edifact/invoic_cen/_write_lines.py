"""Invoice lines (BG-25) → SG27 groups; allowances and charges → SG16 / SG40 groups."""

from __future__ import annotations

from decimal import Decimal

from formats.conversion import ConversionWarning
from formats.edifact.invoic_cen._codes import GTIN_SCHEME, GTIN_TYPE, format_date, format_decimal, format_rate
from formats.edifact.iso20625.names import build_segment
from formats.edifact.segments import Segment
from formats.model import AllowanceCharge, InvoiceLine, Price

__all__ = ["write_allowance_charge", "write_line"]


def _number(number: Decimal | None) -> str | None:
    return format_decimal(number) if number is not None else None


def _moa(code: str, number: Decimal | None) -> list[Segment]:
    if number is None:
        return []
    return [build_segment("MOA", {"C_C516": {"D_5025": code, "D_5004": format_decimal(number)}})]


def write_allowance_charge(entry: AllowanceCharge, *, line: bool) -> list[Segment]:
    """Return one SG16 (document) or SG40 (line) group: ALC, PCD, MOA, and TAX at document level."""
    code = entry.reason_code
    alc: dict[str, object] = {
        "D_5463": "C" if entry.is_charge else "A",
        "C_C552": {"D_1230": entry.reason, "D_5189": None if entry.is_charge else code},
    }
    if entry.is_charge:
        alc["C_C214"] = {"D_7161": code}
    out = [build_segment("ALC", alc)]  # type: ignore[arg-type]
    if entry.percentage is not None:
        kind = "2" if entry.is_charge else "1"
        out.append(build_segment("PCD", {"C_C501": {"D_5245": kind, "D_5482": format_decimal(entry.percentage)}}))
    out += _moa("23" if entry.is_charge else "204", entry.amount)
    out += _moa("25", entry.base_amount)
    if not line and (entry.vat_category or entry.vat_rate is not None):
        out.append(_tax(entry.vat_category, entry.vat_rate))
    return out


def _tax(category: str | None, rate: Decimal | None) -> Segment:
    return build_segment(
        "TAX",
        {
            "D_5283": "7",
            "C_C241": {"D_5153": "VAT"},
            "C_C243": {"D_5278": format_rate(rate) if rate is not None else None},
            "D_5305": category,
        },
    )


def write_line(line: InvoiceLine, warnings: list[ConversionWarning]) -> list[Segment]:
    """Return the segments of one SG27 group, in INVOIC D14B order."""
    item = line.item
    standard = item.standard_id if item else None
    lin: dict[str, object] = {"D_1082": line.id}
    if standard is not None:
        # C212 7143 is a UNTDID 7143 code: the GTIN scheme has one (SRV), other ICD schemes do not.
        lin["C_C212"] = {"D_7140": standard.value, "D_7143": GTIN_TYPE if standard.scheme == GTIN_SCHEME else "ZZZ"}
        if standard.scheme not in (GTIN_SCHEME, None):
            warnings.append(_warning("BT-157-1", f"line {line.id}: scheme {standard.scheme} has no UNTDID 7143 code"))
    out = [build_segment("LIN", lin)]  # type: ignore[arg-type]
    if item is not None:
        for ident, kind in ((item.seller_id, "SA"), (item.buyer_id, "IN")):
            if ident:
                out.append(build_segment("PIA", {"D_4347": "5", "C_C212": {"D_7140": ident, "D_7143": kind}}))
        for classification in item.classifications:
            out.append(
                build_segment(
                    "PIA", {"D_4347": "1", "C_C212": {"D_7140": classification.value, "D_7143": classification.scheme}}
                )
            )
            if classification.scheme_version:
                warnings.append(_warning("BT-158-2", f"line {line.id}: PIA has no list version; not written"))
        for kind, text in (("F", item.name), ("A", item.description)):
            if text:
                out.append(build_segment("IMD", {"D_7077": kind, "C_C273": {"D_7008": text}}))
    if line.quantity is not None or line.unit_code:
        quantity = {"D_6063": "47", "D_6060": _number(line.quantity), "D_6411": line.unit_code}
        out.append(build_segment("QTY", {"C_C186": quantity}))
    if item is not None and item.origin_country:
        out.append(build_segment("ALI", {"D_3239": item.origin_country}))
    if line.period is not None:
        for code, day in (("167", line.period.start), ("168", line.period.end)):
            if day is not None:
                out.append(
                    build_segment("DTM", {"C_C507": {"D_2005": code, "D_2380": format_date(day), "D_2379": "102"}})
                )
    if line.note:
        out.append(build_segment("FTX", {"D_4451": "ACB", "C_C108": _chunks(line.note)}))
    for attribute in item.attributes if item else ():
        texts = {"D_4440": attribute.name, "D_4440_2": attribute.value}
        out.append(build_segment("FTX", {"D_4451": "ACF", "C_C108": texts}))
    out += _moa("203", line.net_amount)
    out += _price(line.price)
    if line.object_identifier is not None:
        out += [build_segment("RFF", {"C_C506": {"D_1153": "AVE", "D_1154": line.object_identifier.value}})]
        if line.object_identifier.scheme:
            warnings.append(_warning("BT-128-1", f"line {line.id}: RFF+AVE has no scheme; not written"))
    if line.order_line_reference:
        out.append(build_segment("RFF", {"C_C506": {"D_1153": "ON", "D_1156": line.order_line_reference}}))
    if line.accounting_reference:
        out.append(build_segment("RFF", {"C_C506": {"D_1153": "AWQ", "D_1154": line.accounting_reference}}))
    if line.vat_category or line.vat_rate is not None:
        out.append(_tax(line.vat_category, line.vat_rate))
    for entry in line.allowances_charges:
        out += write_allowance_charge(entry, line=True)
        if entry.vat_category or entry.vat_rate is not None:
            warnings.append(_warning("BT-95", f"line {line.id}: a line allowance or charge has no VAT in SG40"))
    if line.price is not None and line.price.discount is not None:
        out.append(build_segment("ALC", {"D_5463": "A"}))
        out += _moa("509", line.price.discount)
    return out


def _price(price: Price | None) -> list[Segment]:
    if price is None:
        return []
    out: list[Segment] = []
    base = {"D_5284": _number(price.base_quantity), "D_6411": price.base_quantity_unit}
    for kind, amount in (("AAA", price.net_price), ("AAB", price.gross_price)):
        if amount is not None:
            out.append(build_segment("PRI", {"C_C509": {"D_5125": kind, "D_5118": format_decimal(amount), **base}}))
    if not out and (price.base_quantity is not None or price.base_quantity_unit):
        out.append(build_segment("PRI", {"C_C509": {"D_5125": "AAA", **base}}))
    return out


def _chunks(text: str) -> dict[str, str | None]:
    # C108 holds five 4440 components of 512 characters each.
    names = ("D_4440", "D_4440_2", "D_4440_3", "D_4440_4", "D_4440_5")
    pieces = [text[i : i + 512] for i in range(0, len(text), 512)] or [""]
    if len(pieces) > len(names):
        pieces = [*pieces[: len(names) - 1], "".join(pieces[len(names) - 1 :])]
    return dict(zip(names, pieces, strict=False))


def _warning(term: str, message: str) -> ConversionWarning:
    return ConversionWarning(code="edifact-cen.not-representable", term=term, message=message)
