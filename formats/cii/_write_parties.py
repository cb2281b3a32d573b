"""Write the EN 16931 party groups as CII ``ram:TradePartyType`` elements.

Children follow the D16B sequence of ``TradePartyType``: ID*, GlobalID*, Name,
RoleCode, Description, SpecifiedLegalOrganization, DefinedTradeContact,
PostalTradeAddress, URIUniversalCommunication, SpecifiedTaxRegistration*.
Identifiers without a scheme are written as ``ram:ID``, those with one as
``ram:GlobalID`` (all IDs precede all GlobalIDs). A party, address or contact
with no data is not written.
"""

from __future__ import annotations

from collections.abc import Sequence

from formats.cii._writing import Out
from formats.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative
from formats.model._fast_init import default_test

__all__ = ["write_address", "write_delivery_party", "write_party", "write_payee", "write_tax_representative"]

# Empty groups are skipped: a field-by-field test costs less than comparing with Party() & co.
_is_empty_party = default_test(Party)
_is_empty_payee = default_test(Payee)
_is_empty_address = default_test(Address)
_is_empty_contact = default_test(Contact)


def write_party(out: Out, name: str, *, party: Party | None) -> None:
    """BG-4 seller (``ram:SellerTradeParty``) / BG-7 buyer (``ram:BuyerTradeParty``)."""
    if party is None or _is_empty_party(party):
        return
    out.open(name)
    _identifiers(out, party.identifiers)
    out.leaf("ram:Name", party.name)
    if party.additional_legal_info is not None:
        out.leaf("ram:Description", party.additional_legal_info)
    _legal_organization(out, party.legal_registration, trading_name=party.trading_name)
    _contact(out, party.contact)
    write_address(out, party.address)
    if party.electronic_address is not None:
        out.open("ram:URIUniversalCommunication")
        out.identifier("ram:URIID", party.electronic_address)
        out.close("ram:URIUniversalCommunication")
    _tax_registration(out, "FC", value=party.tax_registration_id)
    _tax_registration(out, "VA", value=party.vat_id)
    out.close(name)


def write_payee(out: Out, payee: Payee | None) -> None:
    """BG-10 payee: BT-60 identifiers, BT-59 name, BT-61 legal registration."""
    if payee is None or _is_empty_payee(payee):
        return
    out.open("ram:PayeeTradeParty")
    _identifiers(out, payee.identifiers)
    out.leaf("ram:Name", payee.name)
    _legal_organization(out, payee.legal_registration, trading_name=None)
    out.close("ram:PayeeTradeParty")


def write_tax_representative(out: Out, party: TaxRepresentative | None) -> None:
    """BG-11: BT-62 name, BG-12 address, BT-63 VAT identifier."""
    if party is None or party == TaxRepresentative():
        return
    out.open("ram:SellerTaxRepresentativeTradeParty")
    out.leaf("ram:Name", party.name)
    write_address(out, party.address)
    _tax_registration(out, "VA", value=party.vat_id)
    out.close("ram:SellerTaxRepresentativeTradeParty")


def write_delivery_party(out: Out, delivery: Delivery | None) -> None:
    """BG-13 deliver-to party: BT-71 location, BT-70 name, BG-15 address."""
    if delivery is None or (delivery.location is None and delivery.party_name is None and delivery.address is None):
        return
    out.open("ram:ShipToTradeParty")
    if delivery.location is not None:
        _identifiers(out, (delivery.location,))
    out.leaf("ram:Name", delivery.party_name)
    write_address(out, delivery.address)
    out.close("ram:ShipToTradeParty")


def write_address(out: Out, address: Address | None) -> None:
    """BG-5/8/12/15 in the ``TradeAddressType`` sequence."""
    if address is None or _is_empty_address(address):
        return
    out.open("ram:PostalTradeAddress")
    out.leaf("ram:PostcodeCode", address.post_code)
    out.leaf("ram:LineOne", address.line1)
    if address.line2 is not None:
        out.leaf("ram:LineTwo", address.line2)
    if address.line3 is not None:
        out.leaf("ram:LineThree", address.line3)
    out.leaf("ram:CityName", address.city)
    out.leaf("ram:CountryID", address.country_code)
    if address.country_subdivision is not None:
        out.leaf("ram:CountrySubDivisionName", address.country_subdivision)
    out.close("ram:PostalTradeAddress")


def _identifiers(out: Out, identifiers: Sequence[Identifier]) -> None:
    for value in identifiers:
        if value.scheme is None:
            out.leaf("ram:ID", value.value)
    for value in identifiers:
        if value.scheme is not None:
            out.identifier("ram:GlobalID", value)


def _legal_organization(out: Out, registration: Identifier | None, *, trading_name: str | None) -> None:
    if registration is None and trading_name is None:
        return
    out.open("ram:SpecifiedLegalOrganization")
    out.identifier("ram:ID", registration)
    out.leaf("ram:TradingBusinessName", trading_name)
    out.close("ram:SpecifiedLegalOrganization")


def _contact(out: Out, contact: Contact | None) -> None:
    """BG-6 / BG-9 in the ``TradeContactType`` sequence."""
    if contact is None or _is_empty_contact(contact):
        return
    out.open("ram:DefinedTradeContact")
    out.leaf("ram:PersonName", contact.name)
    out.wrapped("ram:TelephoneUniversalCommunication", "ram:CompleteNumber", value=contact.telephone)
    out.wrapped("ram:EmailURIUniversalCommunication", "ram:URIID", value=contact.email)
    out.close("ram:DefinedTradeContact")


def _tax_registration(out: Out, scheme: str, *, value: str | None) -> None:
    if value is None:
        return
    out.open("ram:SpecifiedTaxRegistration")
    out.leaf("ram:ID", value, attribute="schemeID", code=scheme)
    out.close("ram:SpecifiedTaxRegistration")
