"""Write UBL parties: seller/buyer (BG-4/BG-7), payee (BG-10), tax representative (BG-11), delivery (BG-13)."""

from __future__ import annotations

from formats.model import Delivery, Identifier, Party, Payee, TaxRepresentative
from formats.ubl._write_common import write_address, write_date, write_identifier
from formats.ubl._xml_text import XmlText, attribute

__all__ = ["BT32_TAX_SCHEME", "write_delivery", "write_party", "write_payee", "write_tax_representative"]

#: TaxScheme/ID written for BT-32 (seller tax registration, outside VAT): Peppol's
#: ``TAX``, the most common value in the corpus (others seen: ``FC``, ``LOC``).
BT32_TAX_SCHEME = "TAX"


def _identification(out: XmlText, identifier: Identifier) -> None:
    scheme = "" if identifier.scheme is None else attribute("schemeID", identifier.scheme)
    out.wrapped("cac:PartyIdentification", "cbc:ID", identifier.value, scheme)


def _creditor(out: XmlText, creditor_reference: str | None) -> None:
    """Write BT-90 as the last PartyIdentification, scheme ``SEPA``."""
    if creditor_reference is not None:
        _identification(out, Identifier(creditor_reference, "SEPA"))


def _name(out: XmlText, name: str | None) -> None:
    if name is not None:
        out.wrapped("cac:PartyName", "cbc:Name", name)


def _tax_scheme(out: XmlText, company_id: str, scheme: str) -> None:
    out.start("cac:PartyTaxScheme")
    out.leaf("cbc:CompanyID", company_id)
    out.wrapped("cac:TaxScheme", "cbc:ID", scheme)
    out.end("cac:PartyTaxScheme")


def write_party(out: XmlText, party: Party | None, *, creditor_reference: str | None = None) -> None:
    """Write ``cac:Party`` of the seller or the buyer (PartyType sequence).

    :param creditor_reference: BT-90, when it goes on this party (no payee).
    """
    if party is None and creditor_reference is None:
        return
    out.start("cac:Party")
    if party is None:
        _creditor(out, creditor_reference)
        out.end("cac:Party")
        return
    write_identifier(out, "cbc:EndpointID", party.electronic_address)
    for identifier in party.identifiers:
        _identification(out, identifier)
    _creditor(out, creditor_reference)
    _name(out, party.trading_name)
    write_address(out, "cac:PostalAddress", party.address)
    if party.vat_id is not None:
        _tax_scheme(out, party.vat_id, "VAT")
    if party.tax_registration_id is not None:
        _tax_scheme(out, party.tax_registration_id, BT32_TAX_SCHEME)
    if party.name is not None or party.legal_registration is not None or party.additional_legal_info is not None:
        out.start("cac:PartyLegalEntity")
        out.opt("cbc:RegistrationName", party.name)
        write_identifier(out, "cbc:CompanyID", party.legal_registration)
        out.opt("cbc:CompanyLegalForm", party.additional_legal_info)
        out.end("cac:PartyLegalEntity")
    contact = party.contact
    if contact is not None:
        out.start("cac:Contact")
        out.opt("cbc:Name", contact.name)
        out.opt("cbc:Telephone", contact.telephone)
        out.opt("cbc:ElectronicMail", contact.email)
        out.end("cac:Contact")
    out.end("cac:Party")


def write_payee(out: XmlText, payee: Payee, *, creditor_reference: str | None) -> None:
    """Write ``cac:PayeeParty`` (BG-10), with BT-90 when given."""
    out.start("cac:PayeeParty")
    for identifier in payee.identifiers:
        _identification(out, identifier)
    _creditor(out, creditor_reference)
    _name(out, payee.name)
    if payee.legal_registration is not None:
        out.start("cac:PartyLegalEntity")
        write_identifier(out, "cbc:CompanyID", payee.legal_registration)
        out.end("cac:PartyLegalEntity")
    out.end("cac:PayeeParty")


def write_tax_representative(out: XmlText, representative: TaxRepresentative) -> None:
    """Write ``cac:TaxRepresentativeParty`` (BG-11)."""
    out.start("cac:TaxRepresentativeParty")
    _name(out, representative.name)
    write_address(out, "cac:PostalAddress", representative.address)
    if representative.vat_id is not None:
        _tax_scheme(out, representative.vat_id, "VAT")
    out.end("cac:TaxRepresentativeParty")


def write_delivery(out: XmlText, delivery: Delivery) -> None:
    """Write ``cac:Delivery`` (BG-13, BG-15)."""
    out.start("cac:Delivery")
    write_date(out, "cbc:ActualDeliveryDate", delivery.actual_date)
    if delivery.location is not None or delivery.address is not None:
        out.start("cac:DeliveryLocation")
        write_identifier(out, "cbc:ID", delivery.location)
        write_address(out, "cac:Address", delivery.address)
        out.end("cac:DeliveryLocation")
    if delivery.party_name is not None:
        out.start("cac:DeliveryParty")
        _name(out, delivery.party_name)
        out.end("cac:DeliveryParty")
    out.end("cac:Delivery")
