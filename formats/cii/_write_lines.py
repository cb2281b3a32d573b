"""Write invoice lines (BG-25) and the pieces shared with the document level.

Each function follows the D16B XSD sequence of the type it writes; an optional
container the model has no data for is not written (some CII types forbid an
empty element, e.g. ``TradePriceType`` needs a ``ChargeAmount``).
"""

from __future__ import annotations

from formats.cii._writing import Out
from formats.model import AllowanceCharge, Identifier, InvoiceLine, Item, Period, Price
from formats.model._fast_init import default_test

__all__ = ["write_allowance_charge", "write_line", "write_object_reference", "write_period"]

# Empty groups are skipped: a field-by-field test costs less than comparing with Item() / Price().
_is_empty_item = default_test(Item)
_is_empty_price = default_test(Price)


def write_period(out: Out, period: Period | None) -> None:
    """BG-14 / BG-26 as ``ram:BillingSpecifiedPeriod``."""
    if period is None or (period.start is None and period.end is None):
        return
    out.open("ram:BillingSpecifiedPeriod")
    out.date("ram:StartDateTime", period.start)
    out.date("ram:EndDateTime", period.end)
    out.close("ram:BillingSpecifiedPeriod")


def write_allowance_charge(out: Out, charge: AllowanceCharge, *, document_level: bool) -> None:
    """BG-20/21 or BG-27/28 as ``ram:SpecifiedTradeAllowanceCharge``."""
    out.open("ram:SpecifiedTradeAllowanceCharge")
    out.indicator("ram:ChargeIndicator", charge.is_charge)
    out.number("ram:CalculationPercent", charge.percentage)
    out.number("ram:BasisAmount", charge.base_amount)
    out.number("ram:ActualAmount", charge.amount)
    out.leaf("ram:ReasonCode", charge.reason_code)
    out.leaf("ram:Reason", charge.reason)
    if charge.vat_category is not None or charge.vat_rate is not None:
        if document_level:
            out.open("ram:CategoryTradeTax")
            out.leaf("ram:TypeCode", "VAT")
            out.leaf("ram:CategoryCode", charge.vat_category)
            out.number("ram:RateApplicablePercent", charge.vat_rate)
            out.close("ram:CategoryTradeTax")
        else:
            out.warn(
                "cii.not-representable",
                "BT-95",
                "a line allowance/charge carries a VAT category or rate, which EN 16931 only defines at "
                "document level (BT-95/96, BT-102/103); it is not written",
            )
    out.close("ram:SpecifiedTradeAllowanceCharge")


def write_object_reference(out: Out, reference: Identifier | None) -> None:
    """BT-18 / BT-128 as an ``AdditionalReferencedDocument`` with TypeCode 130."""
    if reference is None:
        return
    out.open("ram:AdditionalReferencedDocument")
    out.leaf("ram:IssuerAssignedID", reference.value)
    out.leaf("ram:TypeCode", "130")
    out.leaf("ram:ReferenceTypeCode", reference.scheme)
    out.close("ram:AdditionalReferencedDocument")


def write_line(out: Out, line: InvoiceLine) -> None:
    """Write one ``ram:IncludedSupplyChainTradeLineItem``."""
    out.open("ram:IncludedSupplyChainTradeLineItem")
    out.open("ram:AssociatedDocumentLineDocument")
    out.leaf("ram:LineID", line.id)
    if line.note is not None:
        out.wrapped("ram:IncludedNote", "ram:Content", value=line.note)
    out.close("ram:AssociatedDocumentLineDocument")
    _item(out, line.item)
    _agreement(out, line)
    if line.quantity is not None:
        out.open("ram:SpecifiedLineTradeDelivery")
        out.number("ram:BilledQuantity", line.quantity, attribute="unitCode", code=line.unit_code)
        out.close("ram:SpecifiedLineTradeDelivery")
    _settlement(out, line)
    out.close("ram:IncludedSupplyChainTradeLineItem")


def _item(out: Out, item: Item | None) -> None:
    """BG-31 / BG-32 in the ``TradeProductType`` sequence."""
    if item is None or _is_empty_item(item):
        return
    out.open("ram:SpecifiedTradeProduct")
    if item.standard_id is not None:
        out.identifier("ram:GlobalID", item.standard_id)
    if item.seller_id is not None:
        out.leaf("ram:SellerAssignedID", item.seller_id)
    if item.buyer_id is not None:
        out.leaf("ram:BuyerAssignedID", item.buyer_id)
    out.leaf("ram:Name", item.name)
    if item.description is not None:
        out.leaf("ram:Description", item.description)
    for attribute in item.attributes:
        out.open("ram:ApplicableProductCharacteristic")
        out.leaf("ram:Description", attribute.name)
        out.leaf("ram:Value", attribute.value)
        out.close("ram:ApplicableProductCharacteristic")
    for classification in item.classifications:
        out.open("ram:DesignatedProductClassification")
        out.coded(
            "ram:ClassCode",
            classification.value,
            listID=classification.scheme,
            listVersionID=classification.scheme_version,
        )
        out.close("ram:DesignatedProductClassification")
    if item.origin_country is not None:
        out.wrapped("ram:OriginTradeCountry", "ram:ID", value=item.origin_country)
    out.close("ram:SpecifiedTradeProduct")


def _agreement(out: Out, line: InvoiceLine) -> None:
    price = None if _is_empty_price(line.price) else line.price
    if line.order_line_reference is None and price is None:
        return
    out.open("ram:SpecifiedLineTradeAgreement")
    if line.order_line_reference is not None:
        out.wrapped("ram:BuyerOrderReferencedDocument", "ram:LineID", value=line.order_line_reference)
    if price is not None:
        _price(out, price, line_id=line.id)
    out.close("ram:SpecifiedLineTradeAgreement")


def _price(out: Out, price: Price, *, line_id: str | None) -> None:
    """BG-29. BT-149/150 go on the net price (on the gross price only when there is no net price)."""
    basis_on_gross = price.net_price is None and price.gross_price is not None
    if price.gross_price is not None:
        out.open("ram:GrossPriceProductTradePrice")
        out.number("ram:ChargeAmount", price.gross_price)
        if basis_on_gross:
            out.number("ram:BasisQuantity", price.base_quantity, attribute="unitCode", code=price.base_quantity_unit)
        if price.discount is not None:
            out.open("ram:AppliedTradeAllowanceCharge")
            out.indicator("ram:ChargeIndicator", False)
            out.number("ram:ActualAmount", price.discount)
            out.close("ram:AppliedTradeAllowanceCharge")
        out.close("ram:GrossPriceProductTradePrice")
    elif price.discount is not None:
        out.warn(
            "cii.not-representable",
            "BT-147",
            f"line {line_id}: an item price discount without a gross price (BT-148) has no place in CII; "
            "it is not written",
        )
    if price.net_price is not None:
        out.open("ram:NetPriceProductTradePrice")
        out.number("ram:ChargeAmount", price.net_price)
        out.number("ram:BasisQuantity", price.base_quantity, attribute="unitCode", code=price.base_quantity_unit)
        out.close("ram:NetPriceProductTradePrice")
    elif not basis_on_gross and price.base_quantity is not None:
        out.warn(
            "cii.not-representable",
            "BT-149",
            f"line {line_id}: an item price base quantity without a net or gross price has no place in CII; "
            "it is not written",
        )


def _settlement(out: Out, line: InvoiceLine) -> None:
    """``SpecifiedLineTradeSettlement`` (mandatory, always written)."""
    out.open("ram:SpecifiedLineTradeSettlement")
    if line.vat_category is not None or line.vat_rate is not None:
        out.open("ram:ApplicableTradeTax")
        out.leaf("ram:TypeCode", "VAT")
        out.leaf("ram:CategoryCode", line.vat_category)
        out.number("ram:RateApplicablePercent", line.vat_rate)
        out.close("ram:ApplicableTradeTax")
    write_period(out, line.period)
    for charge in line.allowances_charges:
        write_allowance_charge(out, charge, document_level=False)
    if line.net_amount is not None:
        out.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
        out.number("ram:LineTotalAmount", line.net_amount)
        out.close("ram:SpecifiedTradeSettlementLineMonetarySummation")
    write_object_reference(out, line.object_identifier)
    if line.accounting_reference is not None:
        out.wrapped("ram:ReceivableSpecifiedTradeAccountingAccount", "ram:ID", value=line.accounting_reference)
    out.close("ram:SpecifiedLineTradeSettlement")
