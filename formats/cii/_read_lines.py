"""Read CII invoice lines (BG-25) and the pieces the document level shares with them.

``rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem``, bound
per EN 16931-3-3 and the CEN CII schematron 1.3.16. Allowances/charges (BG-20/21,
BG-27/28), periods (BG-14/26) and object identifiers (BT-18/128) are read here
for both levels.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from formats.cii._reading import LOCAL, ReadContext, identifier, single_child, text
from formats.cii.namespaces import RAM
from formats.model import AllowanceCharge, Identifier, InvoiceLine, Item, ItemAttribute, Period, Price
from formats.model._fast_init import builder

__all__ = [
    "read_accounting_account",
    "read_allowance_charge",
    "read_line",
    "read_object_reference",
    "read_period",
    "read_vat_type",
]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_identifier = builder(Identifier)
_new_item = builder(Item)
_new_price = builder(Price)
_new_invoice_line = builder(InvoiceLine)
_new_allowance_charge = builder(AllowanceCharge)
_new_period = builder(Period)
_new_item_attribute = builder(ItemAttribute)

_BASIS_QUANTITY = f"{{{RAM}}}BasisQuantity"


def read_vat_type(element: etree._Element) -> bool:
    """Return False when a tax element's ``ram:TypeCode`` names a tax other than VAT.

    EN 16931 only knows VAT; such a tax element is kept whole as an extension.
    """
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "TypeCode":
            return (child.text or "").strip() == "VAT"
    return True


def read_period(ctx: ReadContext, element: etree._Element, *, terms: tuple[str, str]) -> Period | None:
    """BG-14 / BG-26: ``StartDateTime`` and ``EndDateTime`` (format 102)."""
    mark = len(ctx.extensions)
    start = end = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "StartDateTime" and start is None:
            start = ctx.date(child, terms[0])
        elif name == "EndDateTime" and end is None:
            end = ctx.date(child, terms[1])
        else:
            ctx.leftover(child)
    if start is None and end is None:
        ctx.unmapped(element, mark)
        return None
    return _new_period(start=start, end=end)


def read_accounting_account(ctx: ReadContext, element: etree._Element) -> str | None:
    """BT-19 / BT-133: ``ram:ID`` of a ``ReceivableSpecifiedTradeAccountingAccount``."""
    return single_child(ctx, element, "ID", text)


def read_object_reference(ctx: ReadContext, element: etree._Element) -> Identifier | None:
    """BT-18 / BT-128: an ``AdditionalReferencedDocument`` with TypeCode 130.

    ``IssuerAssignedID`` is the identifier and ``ReferenceTypeCode`` its scheme.
    """
    mark = len(ctx.extensions)
    value: str | None = None
    scheme: str | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "IssuerAssignedID" and value is None:
            value = child.text or ""
        elif name == "ReferenceTypeCode" and scheme is None:
            scheme = child.text or ""
        elif name == "TypeCode":
            continue  # 130: the marker that brought us here
        else:
            ctx.leftover(child)
    if value is None:
        ctx.unmapped(element, mark)
        return None
    return _new_identifier(value, scheme)


def read_allowance_charge(ctx: ReadContext, element: etree._Element, *, document_level: bool) -> AllowanceCharge | None:
    """BG-20/21 (document, with VAT category BT-95/102 and rate BT-96/103) or BG-27/28 (line).

    Without a readable ``ChargeIndicator`` the element is kept whole.
    """
    mark = len(ctx.extensions)
    is_charge: bool | None = None
    values: dict[str, Any] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ChargeIndicator" and is_charge is None:
            is_charge = ctx.indicator(child)
        elif name in _ALLOWANCE_NUMBERS and _ALLOWANCE_NUMBERS[name] not in values:
            values[_ALLOWANCE_NUMBERS[name]] = ctx.number(child)
        elif name == "ReasonCode" and "reason_code" not in values:
            values["reason_code"] = child.text or ""
        elif name == "Reason" and "reason" not in values:
            values["reason"] = child.text or ""
        elif name == "CategoryTradeTax" and document_level and "vat_category" not in values:
            _category_trade_tax(ctx, child, values=values)
        else:
            ctx.leftover(child)
    if is_charge is None:
        ctx.unmapped(element, mark)
        return None
    return _new_allowance_charge(is_charge=is_charge, **values)


_ALLOWANCE_NUMBERS = {"CalculationPercent": "percentage", "BasisAmount": "base_amount", "ActualAmount": "amount"}


def _category_trade_tax(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    if not read_vat_type(element):
        ctx.leftover(element)
        return
    mark = len(ctx.extensions)
    category: str | None = None
    rate: Decimal | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "CategoryCode" and category is None:
            category = child.text or ""
        elif name == "RateApplicablePercent" and rate is None:
            rate = ctx.number(child)
        elif name != "TypeCode":
            ctx.leftover(child)
    if category is None and rate is None:
        ctx.unmapped(element, mark)
        return
    values["vat_category"] = category
    values["vat_rate"] = rate


# -- lines -------------------------------------------------------------------------------


def read_line(ctx: ReadContext, element: etree._Element) -> InvoiceLine:
    """Read one ``ram:IncludedSupplyChainTradeLineItem``."""
    values: dict[str, Any] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "AssociatedDocumentLineDocument":
            _line_document(ctx, child, values=values)
        elif name == "SpecifiedTradeProduct" and "item" not in values:
            values["item"] = _item(ctx, child)
        elif name == "SpecifiedLineTradeAgreement":
            _line_agreement(ctx, child, values=values)
        elif name == "SpecifiedLineTradeDelivery":
            _line_delivery(ctx, child, values=values)
        elif name == "SpecifiedLineTradeSettlement":
            _line_settlement(ctx, child, values=values)
        else:
            ctx.leftover(child)
    return _new_invoice_line(**values)


def _line_document(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-126 ``LineID``; BT-127 ``Content`` of the first ``IncludedNote`` (the others are leftovers)."""
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "LineID" and "id" not in values:
            values["id"] = child.text or ""
        elif name == "IncludedNote" and "note" not in values:
            note = _line_note(ctx, child)
            if note is not None:
                values["note"] = note
        else:
            ctx.leftover(child)


def _line_note(ctx: ReadContext, element: etree._Element) -> str | None:
    """BT-127: ``ram:Content`` of the line's first ``IncludedNote``."""
    return single_child(ctx, element, "Content", text)


def _item(ctx: ReadContext, element: etree._Element) -> Item | None:
    """BG-31 item information and BG-32 attributes."""
    mark = len(ctx.extensions)
    values: dict[str, Any] = {}
    attributes: list[ItemAttribute] = []
    classifications: list[Identifier] = []
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "GlobalID" and "standard_id" not in values:
            values["standard_id"] = identifier(child)
        elif name == "SellerAssignedID" and "seller_id" not in values:
            values["seller_id"] = child.text or ""
        elif name == "BuyerAssignedID" and "buyer_id" not in values:
            values["buyer_id"] = child.text or ""
        elif name == "Name" and "name" not in values:
            values["name"] = child.text or ""
        elif name == "Description" and "description" not in values:
            values["description"] = child.text or ""
        elif name == "ApplicableProductCharacteristic":
            attribute = _item_attribute(ctx, child)
            if attribute is not None:
                attributes.append(attribute)
        elif name == "DesignatedProductClassification":
            classification = single_child(ctx, child, "ClassCode", _class_code)
            if classification is not None:
                classifications.append(classification)
        elif name == "OriginTradeCountry" and "origin_country" not in values:
            country = single_child(ctx, child, "ID", text)
            if country is not None:
                values["origin_country"] = country
        else:
            ctx.leftover(child)
    if not values and not attributes and not classifications:
        ctx.unmapped(element, mark)
        return None
    return _new_item(attributes=tuple(attributes), classifications=tuple(classifications), **values)


def _item_attribute(ctx: ReadContext, element: etree._Element) -> ItemAttribute | None:
    """BG-32: ``Description`` BT-160 and ``Value`` BT-161, both needed."""
    mark = len(ctx.extensions)
    attribute_name: str | None = None
    value: str | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "Description" and attribute_name is None:
            attribute_name = child.text or ""
        elif name == "Value" and value is None:
            value = child.text or ""
        else:
            ctx.leftover(child)
    if attribute_name is None or value is None:
        ctx.unmapped(element, mark)
        return None
    return _new_item_attribute(name=attribute_name, value=value)


def _class_code(element: etree._Element) -> Identifier:
    """BT-158 ``ClassCode`` with ``@listID`` (BT-158-1) and ``@listVersionID`` (BT-158-2)."""
    return _new_identifier(text(element), element.get("listID"), element.get("listVersionID"))


def _line_agreement(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-132 order line reference and BG-29 price details."""
    mark = len(ctx.extensions)
    price: dict[str, Any] = {}
    found = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "BuyerOrderReferencedDocument" and "order_line_reference" not in values:
            reference = _order_line(ctx, child)
            if reference is not None:
                values["order_line_reference"] = reference
                found = True
        elif name == "GrossPriceProductTradePrice" and "gross_price" not in price:
            _gross_price(ctx, child, price=price, net_basis=_net_basis(child))
        elif name == "NetPriceProductTradePrice" and "net_price" not in price:
            _net_price(ctx, child, price=price)
        else:
            ctx.leftover(child)
    if price:
        values["price"] = _new_price(**price)
    elif not found:
        ctx.unmapped(element, mark)


def _order_line(ctx: ReadContext, element: etree._Element) -> str | None:
    """BT-132: ``ram:LineID`` of the ``BuyerOrderReferencedDocument``."""
    return single_child(ctx, element, "LineID", text)


def _gross_price(
    ctx: ReadContext, element: etree._Element, *, price: dict[str, Any], net_basis: etree._Element | None
) -> None:
    """BT-148 gross price and BT-147 discount (the first allowance).

    The CEN binding puts BT-149/150 on the net price and also accepts it on the
    gross price. A gross base quantity is BT-149 when the net price has none, a
    copy of it when equal (both cases are written on the net price only), and a
    leftover when it differs.
    """
    mark = len(ctx.extensions)
    found = False
    previous: str | None = None
    dropped_after: str | None = None
    dropped = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ChargeAmount" and "gross_price" not in price:
            price["gross_price"] = ctx.number(child)
            found = True
        elif name == "BasisQuantity" and not dropped and _same_quantity(child, net_basis):
            if net_basis is None:
                price["base_quantity"] = ctx.number(child)
                price["base_quantity_unit"] = child.get("unitCode")
                found = True
            dropped, dropped_after = True, previous
        elif name == "AppliedTradeAllowanceCharge" and "discount" not in price:
            discount = _price_discount(ctx, child)
            if discount is not None:
                price["discount"] = discount
                found = True
        else:
            ctx.leftover(child)
        if name:
            previous = f"ram:{name}"
    if not found:
        ctx.unmapped(element, mark)
    elif dropped:
        ctx.reroute(mark, element, dropped="ram:BasisQuantity", after=dropped_after)


def _net_basis(gross: etree._Element) -> etree._Element | None:
    """The ``BasisQuantity`` of the net price that follows ``gross``, if any."""
    sibling = gross.getnext()
    while sibling is not None and LOCAL[sibling.tag] != "NetPriceProductTradePrice":
        sibling = sibling.getnext()
    if sibling is not None:
        for child in sibling[:]:
            if child.tag == _BASIS_QUANTITY:
                return child
    return None


def _same_quantity(gross: etree._Element, net: etree._Element | None) -> bool:
    """True when ``net`` is absent, or holds the same quantity and unit as ``gross``."""
    if net is None:
        return True
    if gross.get("unitCode") != net.get("unitCode"):
        return False
    gross_text = (gross.text or "").strip()
    net_text = (net.text or "").strip()
    if gross_text == net_text:
        return True
    try:
        return Decimal(gross_text) == Decimal(net_text)
    except ArithmeticError:
        return False


def _price_discount(ctx: ReadContext, element: etree._Element) -> Decimal | None:
    """BT-147: an ``AppliedTradeAllowanceCharge`` that is an allowance with an ``ActualAmount``."""
    mark = len(ctx.extensions)
    is_charge: bool | None = None
    amount: Decimal | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ChargeIndicator" and is_charge is None:
            is_charge = ctx.indicator(child)
        elif name == "ActualAmount" and amount is None:
            amount = ctx.number(child)
        else:
            ctx.leftover(child)
    if is_charge is not False or amount is None:
        ctx.unmapped(element, mark)
        return None
    return amount


def _net_price(ctx: ReadContext, element: etree._Element, *, price: dict[str, Any]) -> None:
    """BT-146 net price and BT-149/150 base quantity."""
    mark = len(ctx.extensions)
    found = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ChargeAmount" and "net_price" not in price:
            price["net_price"] = ctx.number(child)
            found = True
        elif name == "BasisQuantity" and "base_quantity" not in price:
            price["base_quantity"] = ctx.number(child)
            price["base_quantity_unit"] = child.get("unitCode")
            found = True
        else:
            ctx.leftover(child)
    if not found:
        ctx.unmapped(element, mark)


def _line_delivery(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BT-129 invoiced quantity and BT-130 its unit."""
    mark = len(ctx.extensions)
    found = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "BilledQuantity" and not found:
            values["quantity"] = ctx.number(child)
            values["unit_code"] = child.get("unitCode")
            found = True
        else:
            ctx.leftover(child)
    if not found:
        ctx.unmapped(element, mark)


def _line_settlement(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    """BG-30 VAT, BG-26 period, BG-27/28, BT-131 net amount, BT-128 object id, BT-133 accounting ref."""
    charges: list[AllowanceCharge] = []
    tax_seen = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ApplicableTradeTax" and not tax_seen:
            tax_seen = _line_tax(ctx, child, values=values)
        elif name == "BillingSpecifiedPeriod" and "period" not in values:
            period = read_period(ctx, child, terms=("BT-134", "BT-135"))
            if period is not None:
                values["period"] = period
        elif name == "SpecifiedTradeAllowanceCharge":
            charge = read_allowance_charge(ctx, child, document_level=False)
            if charge is not None:
                charges.append(charge)
        elif name == "SpecifiedTradeSettlementLineMonetarySummation" and "net_amount" not in values:
            _line_total(ctx, child, values=values)
        elif (
            name == "AdditionalReferencedDocument" and "object_identifier" not in values and _type_code(child) == "130"
        ):
            reference = read_object_reference(ctx, child)
            if reference is not None:
                values["object_identifier"] = reference
        elif name == "ReceivableSpecifiedTradeAccountingAccount" and "accounting_reference" not in values:
            account = read_accounting_account(ctx, child)
            if account is not None:
                values["accounting_reference"] = account
        else:
            ctx.leftover(child)
    if charges:
        values["allowances_charges"] = tuple(charges)


def _type_code(element: etree._Element) -> str | None:
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "TypeCode":
            return (child.text or "").strip()
    return None


def _line_tax(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> bool:
    """BT-151 category and BT-152 rate of the first line ``ApplicableTradeTax``; True when mapped.

    A tax other than VAT, or one with neither term, is kept whole.
    """
    mark = len(ctx.extensions)
    category: str | None = None
    rate: Decimal | None = None
    vat = True
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "CategoryCode" and category is None:
            category = child.text or ""
        elif name == "RateApplicablePercent" and rate is None:
            rate = ctx.number(child)
        elif name == "TypeCode":
            vat = (child.text or "").strip() == "VAT"
        else:
            ctx.leftover(child)
    if not vat or (category is None and rate is None):
        ctx.unmapped(element, mark)
        return False
    if category is not None:
        values["vat_category"] = category
    if rate is not None:
        values["vat_rate"] = rate
    return True


def _line_total(ctx: ReadContext, element: etree._Element, *, values: dict[str, Any]) -> None:
    mark = len(ctx.extensions)
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "LineTotalAmount" and "net_amount" not in values:
            values["net_amount"] = ctx.number(child)
        else:
            ctx.leftover(child)
    if "net_amount" not in values:
        ctx.unmapped(element, mark)
