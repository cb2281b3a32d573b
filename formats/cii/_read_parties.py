"""Read CII trade parties (``ram:TradePartyType``) into the EN 16931 party groups.

One function reads every role; ``role`` decides which children are business
terms (EN 16931-3-3 binding, checked against the CEN CII schematron 1.3.16):

========  ===========================================================================
role      mapped children
========  ===========================================================================
seller    ID/GlobalID BT-29, Name BT-27, Description BT-33, legal org. BT-30/BT-28,
          contact BG-6, address BG-5, URI BT-34, tax registration VA BT-31 / FC BT-32
buyer     same minus Description and FC (BT-33 and BT-32 are seller-only terms)
payee     ID/GlobalID BT-60, Name BT-59, legal org. ID BT-61
taxrep    Name BT-62, address BG-12, tax registration VA BT-63
shipto    first ID/GlobalID BT-71, Name BT-70, address BG-15
========  ===========================================================================

Every other child is a leftover (an extension).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from formats.cii._reading import LOCAL, ReadContext, children, identifier, single_child, text
from formats.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative
from formats.model._fast_init import builder

__all__ = ["PartyFields", "read_party"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_address = builder(Address)
_new_party = builder(Party)
_new_delivery = builder(Delivery)
_new_payee = builder(Payee)
_new_tax_representative = builder(TaxRepresentative)

_IDS = {"seller", "buyer", "payee", "shipto"}
_DESCRIPTION = {"seller"}
_LEGAL = {"seller", "buyer", "payee"}
_TRADING_NAME = {"seller", "buyer"}
_CONTACT = {"seller", "buyer"}
_ADDRESS = {"seller", "buyer", "taxrep", "shipto"}
_URI = {"seller", "buyer"}
_TAX_SCHEMES = {"seller": ("VA", "FC"), "buyer": ("VA",), "taxrep": ("VA",)}


@dataclass(slots=True)
class PartyFields:
    """Everything a trade party can carry, before it becomes a role's model class."""

    identifiers: list[Identifier]
    name: str | None = None
    description: str | None = None
    legal_registration: Identifier | None = None
    trading_name: str | None = None
    contact: Contact | None = None
    address: Address | None = None
    electronic_address: Identifier | None = None
    vat_id: str | None = None
    tax_registration_id: str | None = None

    def is_empty(self) -> bool:
        return not self.identifiers and all(
            value is None
            for value in (
                self.name,
                self.description,
                self.legal_registration,
                self.trading_name,
                self.contact,
                self.address,
                self.electronic_address,
                self.vat_id,
                self.tax_registration_id,
            )
        )

    def party(self) -> Party:
        return _new_party(
            name=self.name,
            trading_name=self.trading_name,
            identifiers=tuple(self.identifiers),
            legal_registration=self.legal_registration,
            vat_id=self.vat_id,
            tax_registration_id=self.tax_registration_id,
            additional_legal_info=self.description,
            electronic_address=self.electronic_address,
            address=self.address,
            contact=self.contact,
        )

    def payee(self) -> Payee:
        return _new_payee(
            name=self.name, identifiers=tuple(self.identifiers), legal_registration=self.legal_registration
        )

    def tax_representative(self) -> TaxRepresentative:
        return _new_tax_representative(name=self.name, vat_id=self.vat_id, address=self.address)

    def delivery(self) -> Delivery:
        return _new_delivery(
            party_name=self.name,
            location=self.identifiers[0] if self.identifiers else None,
            address=self.address,
        )


def read_party(ctx: ReadContext, element: etree._Element, *, role: str) -> PartyFields | None:
    """Read one trade party; ``None`` (and the element kept whole) when nothing maps."""
    mark = len(ctx.extensions)
    fields = PartyFields(identifiers=[])
    tax_schemes = _TAX_SCHEMES.get(role, ())
    for child in element[:]:
        name = LOCAL[child.tag]
        if name in ("ID", "GlobalID") and role in _IDS and not (role == "shipto" and fields.identifiers):
            fields.identifiers.append(identifier(child))
        elif name == "Name" and fields.name is None:
            fields.name = child.text or ""
        elif name == "Description" and role in _DESCRIPTION and fields.description is None:
            fields.description = child.text or ""
        elif name == "SpecifiedLegalOrganization" and role in _LEGAL and fields.legal_registration is None:
            _legal_organization(ctx, child, fields=fields, role=role)
        elif name == "DefinedTradeContact" and role in _CONTACT and fields.contact is None:
            fields.contact = _contact(ctx, child)
        elif name == "PostalTradeAddress" and role in _ADDRESS and fields.address is None:
            fields.address = read_address(ctx, child)
        elif name == "URIUniversalCommunication" and role in _URI and fields.electronic_address is None:
            fields.electronic_address = single_child(ctx, child, "URIID", identifier)
        elif name == "SpecifiedTaxRegistration" and tax_schemes:
            _tax_registration(ctx, child, fields=fields, schemes=tax_schemes)
        else:
            ctx.leftover(child)
    if fields.is_empty():
        ctx.unmapped(element, mark)
        return None
    return fields


def _legal_organization(ctx: ReadContext, element: etree._Element, *, fields: PartyFields, role: str) -> None:
    mark = len(ctx.extensions)
    registration: Identifier | None = None
    trading_name: str | None = None
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "ID" and registration is None:
            registration = identifier(child)
        elif name == "TradingBusinessName" and role in _TRADING_NAME and trading_name is None:
            trading_name = child.text or ""
        else:
            ctx.leftover(child)
    if registration is None and trading_name is None:
        ctx.unmapped(element, mark)
        return
    fields.legal_registration = registration
    fields.trading_name = trading_name


def _contact(ctx: ReadContext, element: etree._Element) -> Contact | None:
    """BG-6 / BG-9. ``DepartmentName`` is BT-41/BT-56 when there is no ``PersonName``.

    The CEN schematron (CII-SR-465/466) counts both as "the BT-41 element" and
    allows only one; when both are present, ``DepartmentName`` is a leftover.
    """
    mark = len(ctx.extensions)
    name_value: str | None = None
    telephone: str | None = None
    email: str | None = None
    department_as_name = False
    for child in element[:]:
        name = LOCAL[child.tag]
        if name == "PersonName" and name_value is None:
            name_value = child.text or ""
        elif name == "DepartmentName" and name_value is None:
            name_value = child.text or ""
            department_as_name = True
        elif name == "TelephoneUniversalCommunication" and telephone is None:
            telephone = single_child(ctx, child, "CompleteNumber", text)
        elif name == "EmailURIUniversalCommunication" and email is None:
            email = single_child(ctx, child, "URIID", text)
        else:
            ctx.leftover(child)
    if name_value is None and telephone is None and email is None:
        ctx.unmapped(element, mark)
        return None
    if department_as_name:  # written back as ram:PersonName
        ctx.reroute(mark, element, dropped="ram:DepartmentName", after="ram:PersonName")
    return Contact(name=name_value, telephone=telephone, email=email)


def _tax_registration(
    ctx: ReadContext, element: etree._Element, *, fields: PartyFields, schemes: tuple[str, ...]
) -> None:
    """``SpecifiedTaxRegistration/ID@schemeID``: ``VA`` → VAT id, ``FC`` → tax registration id.

    A registration with another scheme, extra children, or a repeated scheme is kept whole.
    """
    found = list(children(element))
    if len(found) == 1 and found[0][0] == "ID":
        registration = found[0][1]
        scheme = registration.get("schemeID")
        if scheme == "VA" and "VA" in schemes and fields.vat_id is None:
            fields.vat_id = text(registration)
            return
        if scheme == "FC" and "FC" in schemes and fields.tax_registration_id is None:
            fields.tax_registration_id = text(registration)
            return
    ctx.leftover(element)


def read_address(ctx: ReadContext, element: etree._Element) -> Address | None:
    """BG-5 / BG-8 / BG-12 / BG-15 postal address."""
    mark = len(ctx.extensions)
    values: dict[str, str] = {}
    for child in element[:]:
        name = LOCAL[child.tag]
        field = _ADDRESS_FIELDS.get(name)
        if field is not None and field not in values:
            values[field] = child.text or ""
        else:
            ctx.leftover(child)
    if not values:
        ctx.unmapped(element, mark)
        return None
    return _new_address(**values)


_ADDRESS_FIELDS = {
    "PostcodeCode": "post_code",
    "LineOne": "line1",
    "LineTwo": "line2",
    "LineThree": "line3",
    "CityName": "city",
    "CountryID": "country_code",
    "CountrySubDivisionName": "country_subdivision",
}
