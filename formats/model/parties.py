"""Parties of an invoice: seller, buyer, payee, tax representative, deliver-to.

EN 16931-1 groups BG-4 … BG-15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from formats.model._fast_init import fast_init
from formats.model.common import Address, Contact, Identifier

__all__ = ["Delivery", "Party", "Payee", "TaxRepresentative"]


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """The seller (BG-4) or the buyer (BG-7).

    Both groups have the same shape; BT-32 and BT-33 only exist for the seller.
    """

    name: str | None = None
    """BT-27 Seller name / BT-44 Buyer name."""
    trading_name: str | None = None
    """BT-28 Seller trading name / BT-45 Buyer trading name."""
    identifiers: tuple[Identifier, ...] = ()
    """BT-29 Seller identifier / BT-46 Buyer identifier (with scheme BT-29-1 / BT-46-1)."""
    legal_registration: Identifier | None = None
    """BT-30 Seller legal registration identifier / BT-47 Buyer legal registration (scheme BT-30-1 / BT-47-1)."""
    vat_id: str | None = None
    """BT-31 Seller VAT identifier / BT-48 Buyer VAT identifier."""
    tax_registration_id: str | None = None
    """BT-32 Seller tax registration identifier (local, scheme ``FC``)."""
    additional_legal_info: str | None = None
    """BT-33 Seller additional legal information."""
    electronic_address: Identifier | None = None
    """BT-34 Seller electronic address / BT-49 Buyer electronic address (scheme BT-34-1 / BT-49-1)."""
    address: Address | None = None
    """BG-5 Seller postal address / BG-8 Buyer postal address."""
    contact: Contact | None = None
    """BG-6 Seller contact / BG-9 Buyer contact."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Payee:
    """BG-10 Payee, when different from the seller."""

    name: str | None = None
    """BT-59 Payee name."""
    identifiers: tuple[Identifier, ...] = ()
    """BT-60 Payee identifier (scheme BT-60-1)."""
    legal_registration: Identifier | None = None
    """BT-61 Payee legal registration identifier (scheme BT-61-1)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class TaxRepresentative:
    """BG-11 Seller tax representative party."""

    name: str | None = None
    """BT-62 Seller tax representative name."""
    vat_id: str | None = None
    """BT-63 Seller tax representative VAT identifier."""
    address: Address | None = None
    """BG-12 Seller tax representative postal address."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """BG-13 Delivery information (the invoicing period BG-14 lives on the invoice)."""

    party_name: str | None = None
    """BT-70 Deliver to party name."""
    location: Identifier | None = None
    """BT-71 Deliver to location identifier (scheme BT-71-1)."""
    actual_date: date | None = None
    """BT-72 Actual delivery date."""
    address: Address | None = None
    """BG-15 Deliver to address."""
