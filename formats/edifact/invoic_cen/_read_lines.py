"""SG27 (LIN … SG40 ALC) and SG16 (document ALC) → invoice lines and allowances/charges."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from formats.conversion import ConversionWarning
from formats.edifact.invoic_cen._codes import GTIN_SCHEME, GTIN_TYPE, parse_date, parse_decimal
from formats.edifact.iso20625 import Group
from formats.edifact.iso20625.names import value
from formats.edifact.segments import Segment
from formats.model import AllowanceCharge, Identifier, InvoiceLine, Item, ItemAttribute, Period, Price

__all__ = ["read_allowance_charge", "read_line"]


def read_allowance_charge(group: Group, *, line: bool) -> AllowanceCharge | Decimal:
    """Map one ALC group (SG16 document, SG40 line) to an allowance or charge.

    A line ``ALC+A`` whose only amount is MOA 509 is the item price discount
    (BT-147), returned as a bare :class:`~decimal.Decimal`.
    """
    alc = group.head
    is_charge = value(alc, "D_5463") == "C"
    percentage_group, amount_group, tax_group = ("G_SG42", "G_SG43", "") if line else ("G_SG19", "G_SG20", "G_SG22")
    amount: Decimal | None = None
    base: Decimal | None = None
    discount: Decimal | None = None
    for sub in group.groups(amount_group):
        moa = sub.head
        code, number = value(moa, "C_C516", "D_5025"), value(moa, "C_C516", "D_5004")
        if code in ("204", "23"):
            amount = parse_decimal(number, f"ALC MOA {code}")
        elif code == "25":
            base = parse_decimal(number, "ALC MOA 25")
        elif code == "509":
            discount = parse_decimal(number, "ALC MOA 509")
    if line and discount is not None and amount is None and not is_charge:
        return discount
    percentage: Decimal | None = None
    for sub in group.groups(percentage_group):
        text = value(sub.head, "C_C501", "D_5482")
        if text:
            percentage = parse_decimal(text, "ALC PCD")
    category: str | None = None
    rate: Decimal | None = None
    for sub in group.groups(tax_group) if tax_group else ():
        category = value(sub.head, "D_5305") or None
        rate_text = value(sub.head, "C_C243", "D_5278")
        rate = parse_decimal(rate_text, "ALC TAX 5278") if rate_text else None
    reason_code = value(alc, "C_C214", "D_7161") if is_charge else value(alc, "C_C552", "D_5189")
    return AllowanceCharge(
        is_charge=is_charge,
        amount=amount,
        base_amount=base,
        percentage=percentage,
        reason=value(alc, "C_C552", "D_1230") or None,
        reason_code=reason_code or None,
        vat_category=category,
        vat_rate=rate,
    )


def read_line(group: Group, warnings: list[ConversionWarning]) -> InvoiceLine:
    """Map one SG27 group to an invoice line (BG-25)."""
    lin = group.head
    standard: Identifier | None = None
    gtin = value(lin, "C_C212", "D_7140")
    if gtin:
        kind = value(lin, "C_C212", "D_7143")
        standard = Identifier(gtin, GTIN_SCHEME if kind == GTIN_TYPE else kind or None)
    item_fields: dict[str, str | None] = {"seller_id": None, "buyer_id": None}
    classifications: list[Identifier] = []
    for pia in group.segments("PIA"):
        ident, kind = value(pia, "C_C212", "D_7140"), value(pia, "C_C212", "D_7143")
        if value(pia, "D_4347") == "1":
            classifications.append(Identifier(ident, kind or None))
        elif kind == "SA":
            item_fields["seller_id"] = ident
        elif kind == "IN":
            item_fields["buyer_id"] = ident
    names = {value(imd, "D_7077"): value(imd, "C_C273", "D_7008") for imd in group.segments("IMD")}
    notes: list[str] = []
    attributes: list[ItemAttribute] = []
    for ftx in group.segments("FTX"):
        if value(ftx, "D_4451") == "ACF":
            attributes.append(
                ItemAttribute(name=value(ftx, "C_C108", "D_4440"), value=value(ftx, "C_C108", "D_4440_2"))
            )
        else:
            notes.append(_text(ftx))
    quantity, unit = _quantity(group.segment("QTY"))
    origin = group.segment("ALI")
    item = Item(
        name=names.get("F") or None,
        description=names.get("A") or None,
        seller_id=item_fields["seller_id"],
        buyer_id=item_fields["buyer_id"],
        standard_id=standard,
        classifications=tuple(classifications),
        origin_country=value(origin, "D_3239") or None if origin else None,
        attributes=tuple(attributes),
    )
    references = {}
    order_line: str | None = None
    for sg31 in group.groups("G_SG31"):
        rff = sg31.head
        qualifier = value(rff, "C_C506", "D_1153")
        if qualifier == "ON":
            order_line = value(rff, "C_C506", "D_1156") or None
        else:
            references[qualifier] = value(rff, "C_C506", "D_1154")
    net_amount = next(
        (
            parse_decimal(value(sub.head, "C_C516", "D_5004"), "line MOA 203")
            for sub in group.groups("G_SG28")
            if value(sub.head, "C_C516", "D_5025") == "203"
        ),
        None,
    )
    allowances: list[AllowanceCharge] = []
    discount: Decimal | None = None
    for sg40 in group.groups("G_SG40"):
        found = read_allowance_charge(sg40, line=True)
        if isinstance(found, Decimal):
            discount = found
        else:
            allowances.append(found)
    category: str | None = None
    rate: Decimal | None = None
    for sg35 in group.groups("G_SG35"):
        category = value(sg35.head, "D_5305") or None
        rate_text = value(sg35.head, "C_C243", "D_5278")
        rate = parse_decimal(rate_text, "line TAX 5278") if rate_text else None
    if len(notes) > 1:
        warnings.append(
            ConversionWarning(
                code="edifact-cen.line-notes-joined",
                term="BT-127",
                message=f"line {value(lin, 'D_1082')}: {len(notes)} FTX+ACB notes joined into one BT-127",
            )
        )
    return InvoiceLine(
        id=value(lin, "D_1082") or None,
        note="\n".join(notes) if notes else None,
        object_identifier=Identifier(references["AVE"]) if references.get("AVE") else None,
        quantity=quantity,
        unit_code=unit,
        net_amount=net_amount,
        order_line_reference=order_line,
        accounting_reference=references.get("AWQ") or None,
        period=_period(group.segments("DTM")),
        allowances_charges=tuple(allowances),
        price=_price(group, discount),
        vat_category=category,
        vat_rate=rate,
        item=item,
    )


def _text(ftx: Segment) -> str:
    return "".join(value(ftx, "C_C108", f"D_4440{suffix}") for suffix in ("", "_2", "_3", "_4", "_5"))


def _quantity(qty: Segment | None) -> tuple[Decimal | None, str | None]:
    if qty is None:
        return None, None
    text = value(qty, "C_C186", "D_6060")
    return (parse_decimal(text, "QTY") if text else None), value(qty, "C_C186", "D_6411") or None


def _period(dates: Iterable[Segment]) -> Period | None:
    start = end = None
    for dtm in dates:
        code, text, form = (value(dtm, "C_C507", name) for name in ("D_2005", "D_2380", "D_2379"))
        if code == "167" and text:
            start = parse_date(text, form, "line DTM 167")
        elif code == "168" and text:
            end = parse_date(text, form, "line DTM 168")
    return Period(start=start, end=end) if start or end else None


def _price(group: Group, discount: Decimal | None) -> Price | None:
    net = gross = base = None
    unit: str | None = None
    for sg30 in group.groups("G_SG30"):
        pri = sg30.head
        kind, amount = value(pri, "C_C509", "D_5125"), value(pri, "C_C509", "D_5118")
        number = parse_decimal(amount, f"PRI {kind}") if amount else None
        if kind == "AAA":
            net = number
        elif kind == "AAB":
            gross = number
        base_text = value(pri, "C_C509", "D_5284")
        if base_text and base is None:
            base = parse_decimal(base_text, "PRI 5284")
            unit = value(pri, "C_C509", "D_6411") or None
    if net is None and gross is None and base is None and discount is None:
        return None
    return Price(net_price=net, discount=discount, gross_price=gross, base_quantity=base, base_quantity_unit=unit)
