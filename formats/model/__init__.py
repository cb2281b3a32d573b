"""The canonical EN 16931 semantic model (frozen dataclasses, Decimal amounts)."""

from formats.model.common import Address, Contact, Identifier
from formats.model.extension import ExtensionElement
from formats.model.invoice import (
    CREDIT_NOTE_TYPE_CODES,
    Attachment,
    CreditTransfer,
    Invoice,
    Note,
    PaymentCard,
    PaymentMeans,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from formats.model.lines import AllowanceCharge, InvoiceLine, Item, ItemAttribute, Period, Price
from formats.model.parties import Delivery, Party, Payee, TaxRepresentative

__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "ExtensionElement",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemAttribute",
    "Note",
    "Party",
    "Payee",
    "PaymentCard",
    "PaymentMeans",
    "Period",
    "PrecedingInvoice",
    "Price",
    "TaxRepresentative",
    "Totals",
    "VatBreakdown",
]
