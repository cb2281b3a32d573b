"""Write UBL invoice lines (BG-25 … BG-32) in the InvoiceLine / CreditNoteLine XSD sequence."""

from __future__ import annotations

from decimal import Decimal

from formats.model import InvoiceLine, Item, Price
from formats.ubl._write_common import (
    write_allowance_charge,
    write_identifier,
    write_period,
    write_tax_category,
)
from formats.ubl._xml_text import XmlText, attribute

__all__ = ["write_line"]


def _item(out: XmlText, item: Item | None, line: InvoiceLine) -> None:
    """Write ``cac:Item`` (mandatory in an InvoiceLine; always written)."""
    out.start("cac:Item")
    if item is not None:
        if item.description is not None:
            out.opt("cbc:Description", item.description)
        out.opt("cbc:Name", item.name)
        if item.buyer_id is not None:
            out.wrapped("cac:BuyersItemIdentification", "cbc:ID", item.buyer_id)
        if item.seller_id is not None:
            out.wrapped("cac:SellersItemIdentification", "cbc:ID", item.seller_id)
        standard = item.standard_id
        if standard is not None:
            scheme = "" if standard.scheme is None else attribute("schemeID", standard.scheme)
            out.wrapped("cac:StandardItemIdentification", "cbc:ID", standard.value, scheme)
        if item.origin_country is not None:
            out.wrapped("cac:OriginCountry", "cbc:IdentificationCode", item.origin_country)
        for classification in item.classifications:
            attributes = "" if classification.scheme is None else attribute("listID", classification.scheme)
            if classification.scheme_version is not None:
                attributes += attribute("listVersionID", classification.scheme_version)
            out.wrapped("cac:CommodityClassification", "cbc:ItemClassificationCode", classification.value, attributes)
    if line.vat_category is not None or line.vat_rate is not None:
        write_tax_category(out, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    if item is not None:
        for property_ in item.attributes:
            out.start("cac:AdditionalItemProperty")
            out.leaf("cbc:Name", property_.name)
            out.leaf("cbc:Value", property_.value)
            out.end("cac:AdditionalItemProperty")
    out.end("cac:Item")


def _price(out: XmlText, price: Price, currency: str) -> None:
    out.start("cac:Price")
    out.number("cbc:PriceAmount", price.net_price, currency)
    if price.base_quantity is not None:
        unit = "" if price.base_quantity_unit is None else attribute("unitCode", price.base_quantity_unit)
        out.number("cbc:BaseQuantity", price.base_quantity, unit)
    if price.discount is not None or price.gross_price is not None:
        discount = price.discount
        gross = price.gross_price
        if discount is None and gross is not None:
            # cbc:Amount is mandatory: BT-147 is by definition BT-148 - BT-146 (the writer warns).
            discount = Decimal(0) if price.net_price is None else gross - price.net_price
        out.start("cac:AllowanceCharge")
        out.leaf("cbc:ChargeIndicator", "false")
        out.number("cbc:Amount", discount, currency)
        out.number("cbc:BaseAmount", price.gross_price, currency)
        out.end("cac:AllowanceCharge")
    out.end("cac:Price")


def write_line(out: XmlText, line: InvoiceLine, currency: str, *, credit_note: bool) -> None:
    """Write one ``cac:InvoiceLine`` or ``cac:CreditNoteLine``.

    :param currency: the prepared ``currencyID`` attribute (BT-5).
    """
    tag = "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine"
    out.start(tag)
    out.opt("cbc:ID", line.id)
    if line.note is not None:
        out.opt("cbc:Note", line.note)
    if line.quantity is not None:
        unit = "" if line.unit_code is None else attribute("unitCode", line.unit_code)
        out.number("cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity", line.quantity, unit)
    out.number("cbc:LineExtensionAmount", line.net_amount, currency)
    if line.accounting_reference is not None:
        out.opt("cbc:AccountingCost", line.accounting_reference)
    write_period(out, line.period)
    if line.order_line_reference is not None:
        out.wrapped("cac:OrderLineReference", "cbc:LineID", line.order_line_reference)
    if line.object_identifier is not None:
        out.start("cac:DocumentReference")
        write_identifier(out, "cbc:ID", line.object_identifier)
        out.leaf("cbc:DocumentTypeCode", "130")
        out.end("cac:DocumentReference")
    for allowance_charge in line.allowances_charges:
        write_allowance_charge(out, allowance_charge, currency)
    _item(out, line.item, line)
    if line.price is not None:
        _price(out, line.price, currency)
    out.end(tag)
