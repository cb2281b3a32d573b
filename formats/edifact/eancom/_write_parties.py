"""Parties of the EN 16931 model → EANCOM D96A SG2 groups (NAD, FII, SG3 RFF, SG5 CTA/COM)."""

from __future__ import annotations

from formats.conversion import ConversionWarning
from formats.edifact.eancom._build import not_representable, party_id, rff, seg
from formats.edifact.eancom.profile import EancomProfile
from formats.edifact.segments import Segment
from formats.model import Address, Identifier, Invoice, Party

__all__ = ["write_parties"]


def write_parties(invoice: Invoice, profile: EancomProfile, warnings: list[ConversionWarning]) -> list[Segment]:
    """Return the SG2 segments: seller, buyer, payee, tax representative, deliver-to, in that order."""
    out: list[Segment] = []
    if invoice.seller is not None:
        seller = invoice.seller
        out.append(_nad(profile.seller_party, seller.identifiers, (seller.name, seller.trading_name), seller.address))
        _check_party("seller", seller, ("BT-29", "BT-30-1", "BT-34"), warnings)
        for entry in invoice.payment_means:
            transfer = entry.credit_transfer
            if transfer is not None:
                account = (transfer.account_id, transfer.account_name)
                out.append(seg("FII", "RB", account, (transfer.service_provider_id,)))
        out += rff("VA", seller.vat_id) + rff("XA", _value(seller.legal_registration))
        out += rff("FC", seller.tax_registration_id)
        out += _contact(seller)
    buyer_references = rff("CR", invoice.buyer_reference) + rff("AOU", invoice.buyer_accounting_reference)
    if invoice.buyer is not None:
        buyer = invoice.buyer
        out.append(_nad(profile.buyer_party, buyer.identifiers, (buyer.name, buyer.trading_name), buyer.address))
        _check_party("buyer", buyer, ("BT-46", "BT-47-1", "BT-49"), warnings)
        for entry in invoice.payment_means:
            if entry.debited_account:
                out.append(seg("FII", "BI", (entry.debited_account,)))
        out += rff("VA", buyer.vat_id) + rff("XA", _value(buyer.legal_registration)) + buyer_references
        out += _contact(buyer)
    elif buyer_references:
        # No buyer group to hang them on: the reader takes CR and AOU from SG1 as well.
        out = buyer_references + out
    if invoice.payee is not None:
        payee = invoice.payee
        out.append(_nad("PE", payee.identifiers, (payee.name, None), None))
        if len(payee.identifiers) > 1:
            warnings.append(not_representable("BT-60", "one payee identifier fits NAD+PE; the first is written"))
        if payee.legal_registration is not None and payee.legal_registration.scheme:
            warnings.append(not_representable("BT-61-1", "RFF+XA has no scheme; BT-61-1 is not written"))
        out += rff("XA", _value(payee.legal_registration))
    if invoice.tax_representative is not None:
        representative = invoice.tax_representative
        out.append(_nad("LC", (), (representative.name, None), representative.address))
        out += rff("VA", representative.vat_id)
    delivery = invoice.delivery
    if delivery is not None and (delivery.party_name or delivery.location or delivery.address):
        location = (delivery.location,) if delivery.location else ()
        out.append(_nad("DP", location, (delivery.party_name, None), delivery.address))
    return out


def _value(identifier: Identifier | None) -> str | None:
    return identifier.value if identifier is not None else None


def _nad(
    role: str, identifiers: tuple[Identifier, ...], names: tuple[str | None, str | None], address: Address | None
) -> Segment:
    # D96A NAD: 3035, C082, C058 (unused), C080 names, C059 street, 3164 city, 3229 subdivision, 3251, 3207.
    first = identifiers[0] if identifiers else None
    ident = party_id(first.value, first.scheme) if first else None
    if address is None:
        return seg("NAD", role, ident, None, names)
    street = (address.line1, address.line2, address.line3)
    return seg(
        "NAD",
        role,
        ident,
        None,
        names,
        street,
        address.city,
        address.country_subdivision,
        address.post_code,
        address.country_code,
    )


def _contact(party: Party) -> list[Segment]:
    contact = party.contact
    if contact is None or not (contact.name or contact.telephone or contact.email):
        return []
    # EANCOM: CTA+IC (information contact) with C056 3412 the name, then COM TE / EM.
    out = [seg("CTA", "IC", (None, contact.name))]
    for number, kind in ((contact.telephone, "TE"), (contact.email, "EM")):
        if number:
            out.append(seg("COM", (number, kind)))
    return out


def _check_party(role: str, party: Party, terms: tuple[str, str, str], warnings: list[ConversionWarning]) -> None:
    if len(party.identifiers) > 1:
        warnings.append(not_representable(terms[0], f"one {role} identifier fits NAD C082; the first is written"))
    if party.legal_registration is not None and party.legal_registration.scheme:
        warnings.append(not_representable(terms[1], f"RFF+XA has no scheme; the {role} registration scheme is lost"))
    if party.electronic_address is not None:
        warnings.append(
            not_representable(terms[2], f"EANCOM has no {role} electronic address (UNB carries the routing)")
        )
