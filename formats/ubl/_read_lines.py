"""Read UBL invoice lines (BG-25 … BG-32): ``cac:InvoiceLine`` or ``cac:CreditNoteLine``."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from formats.model import AllowanceCharge, Identifier, InvoiceLine, Item, ItemAttribute, Period, Price
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl._read_common import (
    ReadContext,
    read_allowance_charge,
    read_boolean,
    read_decimal,
    read_identifier,
    read_period,
    read_tax_category,
    single,
)

__all__ = ["read_line"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_identifier = builder(Identifier)
_new_item = builder(Item)
_new_price = builder(Price)
_new_invoice_line = builder(InvoiceLine)
_new_item_attribute = builder(ItemAttribute)


def _object_identifier(ctx: ReadContext, element: etree._Element) -> Identifier | None:
    """Read a line ``cac:DocumentReference`` as BT-128, or keep it whole.

    BT-128 is the reference typed ``130``; a reference without type code (CEN
    example 5) can mean nothing else and is read as BT-128 too. The writer always
    emits the ``130`` marker.
    """
    ident: etree._Element | None = None
    type_code: str | None = None
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_ID and ident is None:
            ident = child
        elif tag == t.CBC_DOCUMENT_TYPE_CODE and type_code is None:
            type_code = (child.text or "").strip()
    if ident is None or type_code not in (None, "130"):
        ctx.leftover(element)
        return None
    for child in element[:]:
        if child is not ident and child.tag != t.CBC_DOCUMENT_TYPE_CODE:
            ctx.leftover(child)
    return read_identifier(ident)


def _price(ctx: ReadContext, element: etree._Element) -> Price:
    net_price: Decimal | None = None
    base_quantity: Decimal | None = None
    base_quantity_unit: str | None = None
    discount: Decimal | None = None
    gross_price: Decimal | None = None
    seen_allowance = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_PRICE_AMOUNT and net_price is None:
            net_price = read_decimal(child)
        elif tag == t.CBC_BASE_QUANTITY and base_quantity is None:
            base_quantity = read_decimal(child)
            base_quantity_unit = child.get("unitCode")
        elif tag == t.CAC_ALLOWANCE_CHARGE and not seen_allowance and _is_price_discount(child):
            # BG-29 holds one price discount (BT-147) on a gross price (BT-148).
            seen_allowance = True
            seen_indicator = False
            for grandchild in child[:]:
                gtag = grandchild.tag
                if gtag == t.CBC_AMOUNT and discount is None:
                    discount = read_decimal(grandchild)
                elif gtag == t.CBC_BASE_AMOUNT and gross_price is None:
                    gross_price = read_decimal(grandchild)
                elif gtag == t.CBC_CHARGE_INDICATOR and not seen_indicator:
                    seen_indicator = True
                else:
                    ctx.leftover(grandchild)
        else:
            ctx.leftover(child)
    return _new_price(
        net_price=net_price,
        discount=discount,
        gross_price=gross_price,
        base_quantity=base_quantity,
        base_quantity_unit=base_quantity_unit,
    )


def _is_price_discount(allowance_charge: etree._Element) -> bool:
    """Tell whether a price AllowanceCharge is an allowance with an amount (else it is kept whole)."""
    charge = False
    amounts = False
    for child in allowance_charge[:]:
        tag = child.tag
        if tag == t.CBC_CHARGE_INDICATOR:
            charge = read_boolean(child)
        elif tag in (t.CBC_AMOUNT, t.CBC_BASE_AMOUNT):
            amounts = True
    return amounts and not charge


def _item(ctx: ReadContext, element: etree._Element) -> tuple[Item | None, str | None, Decimal | None]:
    """Read ``cac:Item``: (BG-31 item or None when it holds no item term, BT-151, BT-152)."""
    fields: dict[str, str] = {}
    standard_id: Identifier | None = None
    classifications: list[Identifier] = []
    attributes: list[ItemAttribute] = []
    vat_category: str | None = None
    vat_rate: Decimal | None = None
    seen_category = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_NAME and "name" not in fields:
            fields["name"] = child.text or ""
        elif tag == t.CBC_DESCRIPTION and "description" not in fields:
            fields["description"] = child.text or ""
        elif tag == t.CAC_CLASSIFIED_TAX_CATEGORY and not seen_category:
            values = read_tax_category(ctx, child)
            if values is None:
                ctx.leftover(child)  # another tax than VAT: no business term
            else:
                seen_category = True
                vat_category, vat_rate, _, _ = values
        elif tag == t.CAC_SELLERS_ITEM_IDENTIFICATION and "seller_id" not in fields:
            ident = single(ctx, child, t.CBC_ID)
            if ident is not None:
                fields["seller_id"] = ident.text or ""
        elif tag == t.CAC_BUYERS_ITEM_IDENTIFICATION and "buyer_id" not in fields:
            ident = single(ctx, child, t.CBC_ID)
            if ident is not None:
                fields["buyer_id"] = ident.text or ""
        elif tag == t.CAC_STANDARD_ITEM_IDENTIFICATION and standard_id is None:
            ident = single(ctx, child, t.CBC_ID)
            if ident is not None:
                standard_id = read_identifier(ident)
        elif tag == t.CAC_ORIGIN_COUNTRY and "origin_country" not in fields:
            code = single(ctx, child, t.CBC_IDENTIFICATION_CODE)
            if code is not None:
                fields["origin_country"] = code.text or ""
        elif tag == t.CAC_COMMODITY_CLASSIFICATION:
            code = single(ctx, child, t.CBC_ITEM_CLASSIFICATION_CODE)
            if code is not None:
                classifications.append(_new_identifier(code.text or "", code.get("listID"), code.get("listVersionID")))
        elif tag == t.CAC_ADDITIONAL_ITEM_PROPERTY:
            attribute = _attribute(ctx, child)
            if attribute is not None:
                attributes.append(attribute)
        else:
            ctx.leftover(child)
    if not (fields or standard_id or classifications or attributes):
        return None, vat_category, vat_rate
    item = _new_item(
        standard_id=standard_id,
        classifications=tuple(classifications),
        attributes=tuple(attributes),
        **fields,
    )
    return item, vat_category, vat_rate


def _attribute(ctx: ReadContext, element: etree._Element) -> ItemAttribute | None:
    """Read BG-32 (name and value); a property without both is kept whole."""
    name: etree._Element | None = None
    value: etree._Element | None = None
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_NAME and name is None:
            name = child
        elif tag == t.CBC_VALUE and value is None:
            value = child
    if name is None or value is None:
        ctx.leftover(element)
        return None
    for child in element[:]:
        if child is not name and child is not value:
            ctx.leftover(child)
    return _new_item_attribute(name=name.text or "", value=value.text or "")


def read_line(ctx: ReadContext, element: etree._Element) -> InvoiceLine:
    """Read one ``cac:InvoiceLine`` / ``cac:CreditNoteLine`` (BG-25)."""
    line_id: str | None = None
    note: str | None = None
    quantity: Decimal | None = None
    unit_code: str | None = None
    net_amount: Decimal | None = None
    accounting_reference: str | None = None
    period: Period | None = None
    order_line_reference: str | None = None
    object_identifier: Identifier | None = None
    seen_object = False
    allowances_charges: list[AllowanceCharge] = []
    item: Item | None = None
    vat_category: str | None = None
    vat_rate: Decimal | None = None
    seen_item = False
    price: Price | None = None
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_ID and line_id is None:
            line_id = child.text or ""
        elif tag in (t.CBC_INVOICED_QUANTITY, t.CBC_CREDITED_QUANTITY) and quantity is None:
            quantity = read_decimal(child)
            unit_code = child.get("unitCode")
        elif tag == t.CBC_LINE_EXTENSION_AMOUNT and net_amount is None:
            net_amount = read_decimal(child)
        elif tag == t.CAC_ITEM and not seen_item:
            seen_item = True
            item, vat_category, vat_rate = _item(ctx, child)
        elif tag == t.CAC_PRICE and price is None:
            price = _price(ctx, child)
        elif tag == t.CBC_NOTE and note is None:
            note = child.text or ""
        elif tag == t.CAC_ALLOWANCE_CHARGE:
            allowances_charges.append(read_allowance_charge(ctx, child, document_level=False))
        elif tag == t.CBC_ACCOUNTING_COST and accounting_reference is None:
            accounting_reference = child.text or ""
        elif tag == t.CAC_INVOICE_PERIOD and period is None:
            period, _ = read_period(ctx, child, document_level=False)
        elif tag == t.CAC_ORDER_LINE_REFERENCE and order_line_reference is None:
            reference = single(ctx, child, t.CBC_LINE_ID)
            if reference is not None:
                order_line_reference = reference.text or ""
        elif tag == t.CAC_DOCUMENT_REFERENCE and not seen_object:
            object_identifier = _object_identifier(ctx, child)
            seen_object = object_identifier is not None
        else:
            ctx.leftover(child)
    return _new_invoice_line(
        id=line_id,
        note=note,
        object_identifier=object_identifier,
        quantity=quantity,
        unit_code=unit_code,
        net_amount=net_amount,
        order_line_reference=order_line_reference,
        accounting_reference=accounting_reference,
        period=period,
        allowances_charges=tuple(allowances_charges),
        price=price,
        vat_category=vat_category,
        vat_rate=vat_rate,
        item=item,
    )
