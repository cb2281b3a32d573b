"""Read UBL parties: seller/buyer (BG-4/BG-7), payee (BG-10), tax representative (BG-11), delivery (BG-13).

BT-90 (bank assigned creditor identifier) is a ``cac:PartyIdentification`` with
scheme ``SEPA`` on the payee or, without payee, on the seller; it is taken out
of the identifiers and stored on the context.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from formats.model import Address, Contact, Delivery, Identifier, Party, Payee, TaxRepresentative
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl._read_common import (
    ReadContext,
    has_any,
    has_child,
    read_address,
    read_date,
    read_identifier,
    read_tax_scheme,
    single,
)

__all__ = ["read_delivery", "read_party", "read_payee", "read_tax_representative"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_identifier = builder(Identifier)
_new_party = builder(Party)
_new_delivery = builder(Delivery)
_new_payee = builder(Payee)
_new_tax_representative = builder(TaxRepresentative)


def _party_identification(ctx: ReadContext, element: etree._Element) -> Identifier | None:
    """Return a BT-29/46/60 identifier, or None when it is BT-90 or kept as an extension."""
    ident = single(ctx, element, t.CBC_ID)
    if ident is None:
        return None
    scheme = ident.get("schemeID")
    if scheme is not None and scheme.strip().upper() == "SEPA":
        value = ident.text or ""
        if ctx.creditor_reference is None:
            ctx.creditor_reference = value
        elif ctx.creditor_reference != value:
            # UBL-SR-29 allows one; keep a second, different one verbatim.
            ctx.leftover(element)
        return None
    return _new_identifier(ident.text or "", scheme)


def _party_name(ctx: ReadContext, element: etree._Element) -> str | None:
    name = single(ctx, element, t.CBC_NAME)
    return None if name is None else name.text or ""


def _tax_scheme_id(element: etree._Element) -> str | None:
    """Return the normalised TaxScheme/ID of a PartyTaxScheme (None: no scheme)."""
    for child in element[:]:
        if child.tag == t.CAC_TAX_SCHEME:
            for grandchild in child[:]:
                if grandchild.tag == t.CBC_ID:
                    return (grandchild.text or "").strip().upper()
            return ""
    return None


def _party_tax_scheme(ctx: ReadContext, element: etree._Element) -> str | None:
    """Return the CompanyID of a PartyTaxScheme whose scheme the caller has accepted."""
    company_id: str | None = None
    seen_scheme = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_COMPANY_ID and company_id is None:
            company_id = child.text or ""
        elif tag == t.CAC_TAX_SCHEME and not seen_scheme:
            seen_scheme = True
            read_tax_scheme(ctx, child)
        else:
            ctx.leftover(child)
    return company_id


_SELLER_LEGAL_TAGS = frozenset({t.CBC_REGISTRATION_NAME, t.CBC_COMPANY_ID, t.CBC_COMPANY_LEGAL_FORM})
_BUYER_LEGAL_TAGS = frozenset({t.CBC_REGISTRATION_NAME, t.CBC_COMPANY_ID})
_LOCATION_TAGS = frozenset({t.CBC_ID, t.CAC_ADDRESS})


def _contact(ctx: ReadContext, element: etree._Element) -> Contact:
    fields: dict[str, str] = {}
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_NAME and "name" not in fields:
            fields["name"] = child.text or ""
        elif tag == t.CBC_TELEPHONE and "telephone" not in fields:
            fields["telephone"] = child.text or ""
        elif tag == t.CBC_ELECTRONIC_MAIL and "email" not in fields:
            fields["email"] = child.text or ""
        else:
            ctx.leftover(child)
    return Contact(**fields)


def read_party(ctx: ReadContext, element: etree._Element, *, seller: bool) -> Party:
    """Read ``cac:Party`` of the seller (BG-4) or the buyer (BG-7).

    BT-32 (a PartyTaxScheme outside the VAT scheme) and BT-33 (CompanyLegalForm)
    exist for the seller only; on the buyer they are kept as extensions.
    """
    name: str | None = None
    trading_name: str | None = None
    identifiers: list[Identifier] = []
    legal_registration: Identifier | None = None
    vat_id: str | None = None
    tax_registration_id: str | None = None
    additional_legal_info: str | None = None
    electronic_address: Identifier | None = None
    address: Address | None = None
    contact: Contact | None = None
    seen_legal_entity = False
    # A legal entity without any mapped child is kept whole: the writer would not emit it.
    legal_tags = _SELLER_LEGAL_TAGS if seller else _BUYER_LEGAL_TAGS
    for child in element[:]:
        tag = child.tag
        if tag == t.CAC_PARTY_IDENTIFICATION:
            ident = _party_identification(ctx, child)
            if ident is not None:
                identifiers.append(ident)
        elif tag == t.CAC_PARTY_TAX_SCHEME:
            scheme = _tax_scheme_id(child)
            if not has_child(child, t.CBC_COMPANY_ID):
                ctx.leftover(child)
            elif scheme == "VAT" and vat_id is None:
                vat_id = _party_tax_scheme(ctx, child)
            elif seller and scheme != "VAT" and tax_registration_id is None:
                tax_registration_id = _party_tax_scheme(ctx, child)
            else:
                ctx.leftover(child)
        elif tag == t.CBC_ENDPOINT_ID and electronic_address is None:
            electronic_address = read_identifier(child)
        elif tag == t.CAC_PARTY_NAME and trading_name is None:
            trading_name = _party_name(ctx, child)
        elif tag == t.CAC_POSTAL_ADDRESS and address is None:
            address = read_address(ctx, child)
        elif tag == t.CAC_PARTY_LEGAL_ENTITY and not seen_legal_entity and has_any(child, legal_tags):
            seen_legal_entity = True
            for grandchild in child[:]:
                gtag = grandchild.tag
                if gtag == t.CBC_REGISTRATION_NAME and name is None:
                    name = grandchild.text or ""
                elif gtag == t.CBC_COMPANY_ID and legal_registration is None:
                    legal_registration = read_identifier(grandchild)
                elif gtag == t.CBC_COMPANY_LEGAL_FORM and seller and additional_legal_info is None:
                    additional_legal_info = grandchild.text or ""
                else:
                    ctx.leftover(grandchild)
        elif tag == t.CAC_CONTACT and contact is None:
            contact = _contact(ctx, child)
        else:
            ctx.leftover(child)
    return _new_party(
        name=name,
        trading_name=trading_name,
        identifiers=tuple(identifiers),
        legal_registration=legal_registration,
        vat_id=vat_id,
        tax_registration_id=tax_registration_id,
        additional_legal_info=additional_legal_info,
        electronic_address=electronic_address,
        address=address,
        contact=contact,
    )


def read_payee(ctx: ReadContext, element: etree._Element) -> Payee:
    """Read ``cac:PayeeParty`` (BG-10): BT-59 name, BT-60 identifiers, BT-61 legal registration."""
    name: str | None = None
    identifiers: list[Identifier] = []
    legal_registration: Identifier | None = None
    seen_legal_entity = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CAC_PARTY_IDENTIFICATION:
            ident = _party_identification(ctx, child)
            if ident is not None:
                identifiers.append(ident)
        elif tag == t.CAC_PARTY_NAME and name is None:
            name = _party_name(ctx, child)
        elif tag == t.CAC_PARTY_LEGAL_ENTITY and not seen_legal_entity and has_child(child, t.CBC_COMPANY_ID):
            seen_legal_entity = True
            for grandchild in child[:]:
                if grandchild.tag == t.CBC_COMPANY_ID and legal_registration is None:
                    legal_registration = read_identifier(grandchild)
                else:
                    ctx.leftover(grandchild)
        else:
            ctx.leftover(child)
    return _new_payee(name=name, identifiers=tuple(identifiers), legal_registration=legal_registration)


def read_tax_representative(ctx: ReadContext, element: etree._Element) -> TaxRepresentative:
    """Read ``cac:TaxRepresentativeParty`` (BG-11): BT-62 name, BT-63 VAT id, BG-12 address."""
    name: str | None = None
    vat_id: str | None = None
    address: Address | None = None
    for child in element[:]:
        tag = child.tag
        if tag == t.CAC_PARTY_NAME and name is None:
            name = _party_name(ctx, child)
        elif tag == t.CAC_POSTAL_ADDRESS and address is None:
            address = read_address(ctx, child)
        elif (
            tag == t.CAC_PARTY_TAX_SCHEME
            and vat_id is None
            and _tax_scheme_id(child) == "VAT"
            and has_child(child, t.CBC_COMPANY_ID)
        ):
            vat_id = _party_tax_scheme(ctx, child)
        else:
            ctx.leftover(child)
    return _new_tax_representative(name=name, vat_id=vat_id, address=address)


def read_delivery(ctx: ReadContext, element: etree._Element) -> Delivery:
    """Read ``cac:Delivery`` (BG-13): BT-72 date, BT-71 location id, BG-15 address, BT-70 party name."""
    actual_date: date | None = None
    location: Identifier | None = None
    address: Address | None = None
    party_name: str | None = None
    seen_location = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_ACTUAL_DELIVERY_DATE and actual_date is None:
            actual_date = read_date(child)
        elif tag == t.CAC_DELIVERY_LOCATION and not seen_location and has_any(child, _LOCATION_TAGS):
            seen_location = True
            for grandchild in child[:]:
                gtag = grandchild.tag
                if gtag == t.CBC_ID and location is None:
                    location = read_identifier(grandchild)
                elif gtag == t.CAC_ADDRESS and address is None:
                    address = read_address(ctx, grandchild)
                else:
                    ctx.leftover(grandchild)
        elif tag == t.CAC_DELIVERY_PARTY and party_name is None and has_child(child, t.CAC_PARTY_NAME):
            for grandchild in child[:]:
                if grandchild.tag == t.CAC_PARTY_NAME and party_name is None:
                    party_name = _party_name(ctx, grandchild)
                else:
                    ctx.leftover(grandchild)
        else:
            ctx.leftover(child)
    return _new_delivery(party_name=party_name, location=location, actual_date=actual_date, address=address)
