"""Parties of the EN 16931 model → SG2 groups (NAD, FII, SG3 RFF, SG5 CTA/COM)."""

from __future__ import annotations

from formats.conversion import ConversionWarning
from formats.edifact.iso20625.names import build_segment
from formats.edifact.segments import Segment
from formats.model import Address, Identifier, Invoice, Party

__all__ = ["write_parties"]


def write_parties(invoice: Invoice, warnings: list[ConversionWarning]) -> list[Segment]:
    """Return the SG2 segments: seller, buyer, payee, tax representative, deliver-to, in that order."""
    out: list[Segment] = []
    means = invoice.payment_means
    if invoice.seller is not None:
        seller = invoice.seller
        out.append(_nad("SE", seller.identifiers, (seller.name, seller.trading_name), seller.address))
        _check_identifiers("seller", seller, ("BT-29", "BT-30-1"), warnings)
        for entry in means:
            transfer = entry.credit_transfer
            if transfer is not None:
                out.append(
                    build_segment(
                        "FII",
                        {
                            "D_3035": "RB",
                            "C_C078": {"D_3194": transfer.account_id, "D_3192": transfer.account_name},
                            "C_C088": {"D_3433": transfer.service_provider_id},
                        },
                    )
                )
        out += _rff(("GN", _value(seller.legal_registration)), ("VA", seller.vat_id))
        out += _rff(("AHP", seller.tax_registration_id), ("AVS", invoice.creditor_reference))
        out += _contacts(seller)
    if invoice.buyer is not None:
        buyer = invoice.buyer
        out.append(_nad("BY", buyer.identifiers, (buyer.name, buyer.trading_name), buyer.address))
        _check_identifiers("buyer", buyer, ("BT-46", "BT-47-1"), warnings)
        for entry in means:
            if entry.debited_account:
                out.append(build_segment("FII", {"D_3035": "BI", "C_C078": {"D_3194": entry.debited_account}}))
            if entry.card is not None:
                card = {"D_3194": entry.card.primary_account_number, "D_3192": entry.card.holder_name}
                out.append(build_segment("FII", {"D_3035": "PB", "C_C078": card}))
        out += _rff(
            ("GN", _value(buyer.legal_registration)),
            ("AOU", invoice.buyer_accounting_reference),
            ("CR", invoice.buyer_reference),
            ("VA", buyer.vat_id),
            ("AVS", invoice.mandate_reference),
        )
        out += _contacts(buyer)
    if invoice.payee is not None:
        payee = invoice.payee
        out.append(_nad("PE", payee.identifiers, (payee.name, None), None))
        if len(payee.identifiers) > 1:
            warnings.append(_warning("BT-60", "one payee identifier fits NAD+PE; the first is written"))
        if payee.legal_registration is not None and payee.legal_registration.scheme:
            warnings.append(_warning("BT-61-1", "RFF+GN has no scheme; BT-61-1 is not written"))
        out += _rff(("GN", _value(payee.legal_registration)))
    if invoice.tax_representative is not None:
        representative = invoice.tax_representative
        out.append(_nad("LC", (), (representative.name, None), representative.address))
        out += _rff(("VA", representative.vat_id))
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
    first = identifiers[0] if identifiers else None
    values: dict[str, object] = {
        "D_3035": role,
        "C_C082": {"D_3039": first.value, "D_1131": first.scheme} if first else None,
        "C_C080": {"D_3036": names[0], "D_3036_2": names[1]},
    }
    if address is not None:
        values["C_C059"] = {"D_3042": address.line1, "D_3042_2": address.line2, "D_3042_3": address.line3}
        values["D_3164"] = address.city
        values["C_C819"] = {"D_3228": address.country_subdivision}
        values["D_3251"] = address.post_code
        values["D_3207"] = address.country_code
    return build_segment("NAD", values)  # type: ignore[arg-type]


def _rff(*pairs: tuple[str, str | None]) -> list[Segment]:
    return [build_segment("RFF", {"C_C506": {"D_1153": kind, "D_1154": text}}) for kind, text in pairs if text]


def _contacts(party: Party) -> list[Segment]:
    out: list[Segment] = []
    if party.electronic_address is not None:
        address = party.electronic_address
        out.append(build_segment("CTA", {"D_3139": "IC"}))
        out.append(build_segment("COM", {"C_C076": {"D_3148": address.value, "D_3155": address.scheme}}))
    contact = party.contact
    if contact is not None and (contact.name or contact.telephone or contact.email):
        out.append(build_segment("CTA", {"D_3139": "SU", "C_C056": {"D_3412": contact.name}}))
        for number, kind in ((contact.telephone, "TE"), (contact.email, "EM")):
            if number:
                out.append(build_segment("COM", {"C_C076": {"D_3148": number, "D_3155": kind}}))
    return out


def _check_identifiers(role: str, party: Party, terms: tuple[str, str], warnings: list[ConversionWarning]) -> None:
    if len(party.identifiers) > 1:
        warnings.append(_warning(terms[0], f"one {role} identifier fits NAD C082; the first is written"))
    if party.legal_registration is not None and party.legal_registration.scheme:
        warnings.append(
            _warning(terms[1], f"RFF+GN has no scheme; the {role} legal registration scheme is not written")
        )


def _warning(term: str, message: str) -> ConversionWarning:
    return ConversionWarning(code="edifact-cen.not-representable", term=term, message=message)
