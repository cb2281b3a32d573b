"""EANCOM D96A SG25 (LIN … SG38 ALC) and SG15 (document ALC) → invoice lines and allowances/charges."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from formats.conversion import ConversionWarning
from formats.edifact.eancom._sections import Group, Line, unmapped
from formats.edifact.invoic_cen._codes import GTIN_SCHEME, parse_date, parse_decimal
from formats.edifact.segments import Segment
from formats.model import AllowanceCharge, Identifier, InvoiceLine, Item, Period, Price

__all__ = ["read_allowance_charge", "read_line", "read_period"]

#: UNTDID 7143 codes that name a GTIN (EAN-13 ``EN`` in older EANCOM files).
_GTIN_TYPES = frozenset({"SRV", "EN"})


def read_period(dates: Iterable[Segment], where: str) -> Period | None:
    """Read BG-14 / BG-26 from ``DTM+263`` (format 718 ``CCYYMMDD-CCYYMMDD``) or ``DTM+167`` / ``DTM+168``."""
    start = end = None
    for dtm in dates:
        code, text, form = dtm.element(0, 0), dtm.element(0, 1), dtm.element(0, 2)
        if code == "263" and text and form == "718":
            first, _, last = text.partition("-")
            start, end = parse_date(first, "102", f"{where} DTM 263"), parse_date(last, "102", f"{where} DTM 263")
        elif code == "167" and text:
            start = parse_date(text, form, f"{where} DTM 167")
        elif code == "168" and text:
            end = parse_date(text, form, f"{where} DTM 168")
    return Period(start=start, end=end) if start or end else None


def _tax(segment: Segment, where: str) -> tuple[str | None, Decimal | None]:
    rate = segment.element(4, 3)
    return segment.element(5) or None, parse_decimal(rate, f"{where} TAX 5278") if rate else None


def read_allowance_charge(group: Group) -> AllowanceCharge:
    """Map one ALC group (SG15 document, SG38 line) to an allowance or charge.

    Reason codes are read from C552 5189 and C214 7161 (EANCOM puts both kinds in
    7161), the reason text from C214 7160 or, as the CEN binding writes it, C552 1230.
    """
    alc = group[0]
    is_charge = alc.element(0) == "C"
    amount = base = percentage = None
    category: str | None = None
    rate: Decimal | None = None
    for segment in group[1:]:
        if segment.tag == "MOA":
            code, number = segment.element(0, 0), segment.element(0, 1)
            if code in ("8", "204", "23", "131") and amount is None:
                amount = parse_decimal(number, f"ALC MOA {code}")
            elif code == "25":
                base = parse_decimal(number, "ALC MOA 25")
        elif segment.tag == "PCD" and segment.element(0, 1):
            percentage = parse_decimal(segment.element(0, 1), "ALC PCD")
        elif segment.tag == "TAX":
            category, rate = _tax(segment, "ALC")
    code = alc.element(1, 1) or alc.element(4, 0)
    reason = " ".join(part for part in (alc.element(4, 3), alc.element(4, 4)) if part) or alc.element(1, 0)
    return AllowanceCharge(
        is_charge=is_charge,
        amount=amount,
        base_amount=base,
        percentage=percentage,
        reason=reason or None,
        reason_code=code or None,
        vat_category=category,
        vat_rate=rate,
    )


def read_line(line: Line, warnings: list[ConversionWarning]) -> InvoiceLine:
    """Map one SG25 group to an invoice line (BG-25)."""
    lin = line.segments[0]
    where = f"line {lin.element(0)}" if lin.element(0) else f"line at segment {lin.position}"
    standard: Identifier | None = None
    ids: dict[str, str] = {}
    if lin.element(2, 0):
        kind = lin.element(2, 1)
        if kind in ("SA", "IN", "BP"):
            # Older subsets put the seller's or buyer's article number in LIN itself.
            ids["IN" if kind == "BP" else kind] = lin.element(2, 0)
        else:
            standard = Identifier(lin.element(2, 0), GTIN_SCHEME if kind in _GTIN_TYPES else kind or None)
    classifications: list[Identifier] = []
    names: dict[str, str] = {}
    notes: list[str] = []
    fields: dict[str, object] = {}
    price: dict[str, Decimal | str | None] = {}
    for segment in line.segments[1:]:
        tag = segment.tag
        if tag == "PIA":
            for index in range(1, len(segment.elements)):
                ident, kind = segment.element(index, 0), segment.element(index, 1)
                if kind in ("SA", "IN") or (kind == "BP" and "IN" not in ids):
                    ids.setdefault("IN" if kind == "BP" else kind, ident)
                elif kind in _GTIN_TYPES and standard is None and segment.element(0) == "5":
                    # PIA+5 (product identification) with a GTIN stands in for LIN C212; PIA+1 is a classification.
                    standard = Identifier(ident, GTIN_SCHEME)
                elif ident:
                    classifications.append(Identifier(ident, kind or None))
        elif tag == "IMD":
            text = segment.element(2, 3) + segment.element(2, 4)
            names.setdefault(segment.element(0), text)
        elif tag == "QTY":
            if segment.element(0, 0) == "47":
                quantity = segment.element(0, 1)
                fields["quantity"] = parse_decimal(quantity, f"{where} QTY") if quantity else None
                fields["unit_code"] = segment.element(0, 2) or None
        elif tag == "ALI" and segment.element(0):
            fields["origin"] = segment.element(0)
        elif tag == "FTX":
            notes.append("".join(segment.elements[3]) if len(segment.elements) > 3 else "")
        elif tag == "MOA" and segment.element(0, 0) == "203":
            fields["net_amount"] = parse_decimal(segment.element(0, 1), f"{where} MOA 203")
        elif tag == "PRI":
            _price(segment, price, where)
        elif tag == "RFF" and segment.element(0, 0) == "ON" and segment.element(0, 2):
            fields["order_line"] = segment.element(0, 2)
        elif tag == "TAX":
            fields["vat_category"], fields["vat_rate"] = _tax(segment, where)
        elif tag not in ("DTM", "MOA"):
            what = f"{where}: {tag}+{segment.element(0, 0)}" if tag in ("RFF", "NAD") else f"{where}: {tag}"
            warnings.append(ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped(what)))
    if "quantity" not in fields and any(s.tag == "QTY" for s in line.segments):
        kinds = ", ".join(s.element(0, 0) for s in line.segments if s.tag == "QTY")
        message = f"{where}: QTY {kinds} is no invoiced quantity (QTY+47); not read"
        warnings.append(ConversionWarning(code="edifact-eancom.unmapped", term="BT-129", message=message))
    item = Item(
        name=names.get("F") or names.get("E") or None,
        description=names.get("A") or None,
        seller_id=ids.get("SA") or None,
        buyer_id=ids.get("IN") or None,
        standard_id=standard,
        classifications=tuple(classifications),
        origin_country=str(fields["origin"]) if "origin" in fields else None,
    )
    return InvoiceLine(
        id=lin.element(0) or None,
        note="\n".join(notes) if notes else None,
        quantity=fields.get("quantity"),  # type: ignore[arg-type]
        unit_code=fields.get("unit_code"),  # type: ignore[arg-type]
        net_amount=fields.get("net_amount"),  # type: ignore[arg-type]
        order_line_reference=fields.get("order_line"),  # type: ignore[arg-type]
        period=read_period((s for s in line.segments if s.tag == "DTM"), where),
        allowances_charges=tuple(read_allowance_charge(group) for group in line.allowances),
        price=_built_price(price),
        vat_category=fields.get("vat_category"),  # type: ignore[arg-type]
        vat_rate=fields.get("vat_rate"),  # type: ignore[arg-type]
        item=item,
    )


def _price(pri: Segment, out: dict[str, Decimal | str | None], where: str) -> None:
    kind, amount = pri.element(0, 0), pri.element(0, 1)
    if amount and kind in ("AAA", "AAB"):
        out[kind] = parse_decimal(amount, f"{where} PRI {kind}")
    if pri.element(0, 4) and "base" not in out:
        out["base"] = parse_decimal(pri.element(0, 4), f"{where} PRI 5284")
        out["unit"] = pri.element(0, 5) or None


def _built_price(found: dict[str, Decimal | str | None]) -> Price | None:
    if not found:
        return None
    net, gross, base, unit = (found.get(key) for key in ("AAA", "AAB", "base", "unit"))
    return Price(
        net_price=net if isinstance(net, Decimal) else None,
        gross_price=gross if isinstance(gross, Decimal) else None,
        base_quantity=base if isinstance(base, Decimal) else None,
        base_quantity_unit=unit if isinstance(unit, str) else None,
    )
