"""Invoice lines and the pieces shared with the document level.

EN 16931-1 groups BG-20/21 (shape reused by BG-27/28), BG-25 … BG-32, BG-14/26.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from formats.model._fast_init import fast_init
from formats.model.common import Identifier

__all__ = ["AllowanceCharge", "InvoiceLine", "Item", "ItemAttribute", "Period", "Price"]


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """BG-14 Invoicing period (document) or BG-26 Invoice line period."""

    start: date | None = None
    """BT-73 / BT-134 Period start date."""
    end: date | None = None
    """BT-74 / BT-135 Period end date."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class AllowanceCharge:
    """An allowance or a charge, at document level (BG-20/BG-21) or line level (BG-27/BG-28).

    Allowances and charges share one list so that the source order survives a
    same-syntax round trip; :attr:`is_charge` tells them apart.
    """

    is_charge: bool
    """False for an allowance (BG-20/BG-27), True for a charge (BG-21/BG-28)."""
    amount: Decimal | None = None
    """BT-92 / BT-99 / BT-136 / BT-141 Amount."""
    base_amount: Decimal | None = None
    """BT-93 / BT-100 / BT-137 / BT-142 Base amount."""
    percentage: Decimal | None = None
    """BT-94 / BT-101 / BT-138 / BT-143 Percentage."""
    reason: str | None = None
    """BT-97 / BT-104 / BT-139 / BT-144 Reason."""
    reason_code: str | None = None
    """BT-98 / BT-105 / BT-140 / BT-145 Reason code (UNTDID 5189 allowances, 7161 charges)."""
    vat_category: str | None = None
    """BT-95 / BT-102 VAT category code (document level only)."""
    vat_rate: Decimal | None = None
    """BT-96 / BT-103 VAT rate (document level only)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Price:
    """BG-29 Price details."""

    net_price: Decimal | None = None
    """BT-146 Item net price."""
    discount: Decimal | None = None
    """BT-147 Item price discount."""
    gross_price: Decimal | None = None
    """BT-148 Item gross price."""
    base_quantity: Decimal | None = None
    """BT-149 Item price base quantity."""
    base_quantity_unit: str | None = None
    """BT-150 Item price base quantity unit of measure code."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class ItemAttribute:
    """BG-32 Item attribute."""

    name: str
    """BT-160 Item attribute name."""
    value: str
    """BT-161 Item attribute value."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """BG-31 Item information."""

    name: str | None = None
    """BT-153 Item name."""
    description: str | None = None
    """BT-154 Item description."""
    seller_id: str | None = None
    """BT-155 Item Seller's identifier."""
    buyer_id: str | None = None
    """BT-156 Item Buyer's identifier."""
    standard_id: Identifier | None = None
    """BT-157 Item standard identifier (scheme BT-157-1, e.g. 0160 GTIN)."""
    classifications: tuple[Identifier, ...] = ()
    """BT-158 Item classification identifier (list BT-158-1, list version BT-158-2)."""
    origin_country: str | None = None
    """BT-159 Item country of origin."""
    attributes: tuple[ItemAttribute, ...] = ()
    """BG-32 Item attributes."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """BG-25 Invoice line."""

    id: str | None = None
    """BT-126 Invoice line identifier."""
    note: str | None = None
    """BT-127 Invoice line note."""
    object_identifier: Identifier | None = None
    """BT-128 Invoice line object identifier (scheme BT-128-1)."""
    quantity: Decimal | None = None
    """BT-129 Invoiced quantity."""
    unit_code: str | None = None
    """BT-130 Invoiced quantity unit of measure code (UN/ECE Rec 20/21)."""
    net_amount: Decimal | None = None
    """BT-131 Invoice line net amount."""
    order_line_reference: str | None = None
    """BT-132 Referenced purchase order line reference."""
    accounting_reference: str | None = None
    """BT-133 Invoice line Buyer accounting reference."""
    period: Period | None = None
    """BG-26 Invoice line period."""
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    """BG-27 Invoice line allowances and BG-28 Invoice line charges, in source order."""
    price: Price | None = None
    """BG-29 Price details."""
    vat_category: str | None = None
    """BT-151 Invoiced item VAT category code (BG-30)."""
    vat_rate: Decimal | None = None
    """BT-152 Invoiced item VAT rate (BG-30)."""
    item: Item | None = None
    """BG-31 Item information."""

    @property
    def allowances(self) -> tuple[AllowanceCharge, ...]:
        """BG-27 Invoice line allowances."""
        return tuple(ac for ac in self.allowances_charges if not ac.is_charge)

    @property
    def charges(self) -> tuple[AllowanceCharge, ...]:
        """BG-28 Invoice line charges."""
        return tuple(ac for ac in self.allowances_charges if ac.is_charge)
