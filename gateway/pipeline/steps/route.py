"""Step 4: find the recipient partner from the buyer's identifiers.

The buyer is looked up by every identifier the invoice gives, most specific
first: electronic address (BT-49), legal registration (BT-47: SIRET, then its
SIREN), buyer identifiers (BT-46, GLN with scheme 0088), VAT (BT-48). A SIRET
also matches a partner registered by SIREN: the first nine digits of a SIRET
are the SIREN.
"""

from __future__ import annotations

from formats.model import Identifier, Invoice
from gateway.partners import PartnerBook
from gateway.pipeline.events import Event, Routed
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status

__all__ = ["buyer_keys", "find_recipient", "route_step"]

_SIREN, _SIRET, _GLN = "0002", "0009", "0088"


def buyer_keys(invoice: Invoice) -> list[tuple[str, str]]:
    """Return the (kind, value) keys the buyer can be found by, most specific first."""
    buyer = invoice.buyer
    if buyer is None:
        return []
    keys: list[tuple[str, str]] = []
    if buyer.electronic_address is not None and buyer.electronic_address.scheme:
        address = buyer.electronic_address
        keys.append((f"eas:{address.scheme}", address.value.lower()))
        keys += _registration_keys(address)
    candidates = ([buyer.legal_registration] if buyer.legal_registration else []) + list(buyer.identifiers)
    for identifier in candidates:
        keys += _registration_keys(identifier)
    if buyer.vat_id:
        keys.append(("vat", buyer.vat_id.replace(" ", "").upper()))
    return list(dict.fromkeys(keys))


def _registration_keys(identifier: Identifier) -> list[tuple[str, str]]:
    value = identifier.value.replace(" ", "")
    scheme = identifier.scheme
    if scheme == _SIRET or (scheme is None and len(value) == 14 and value.isdigit()):
        return [("siret", value), ("siren", value[:9])]
    if scheme == _SIREN or (scheme is None and len(value) == 9 and value.isdigit()):
        return [("siren", value)]
    if scheme == _GLN:
        return [("gln", value)]
    if scheme == "0225":
        return (
            [("eas:0225", value.lower()), ("siren", value[:9])]
            if value[:9].isdigit()
            else [("eas:0225", value.lower())]
        )
    return []


def find_recipient(invoice: Invoice, partners: PartnerBook) -> tuple[str | None, list[tuple[str, str]]]:
    """Return the partner id the invoice's buyer matches (or ``None``) and the keys tried."""
    keys = buyer_keys(invoice)
    for key in keys:
        partner_id = partners.index.get(key)
        if partner_id is not None:
            return partner_id, keys
    return None, keys


def route_step(message: Message, context: StepContext) -> list[Event]:
    """Route to the buyer's partner profile, or quarantine naming what was looked for."""
    assert message.parsed is not None, "route runs after read"
    invoice = message.parsed.invoice
    partner_id, keys = find_recipient(invoice, context.partners)
    tried = ", ".join(f"{kind} {value}" for kind, value in keys) or "none (the buyer has no identifier)"
    if partner_id is None:
        buyer = invoice.buyer.name if invoice.buyer and invoice.buyer.name else "the buyer"
        detail = (
            f"unknown recipient: no partner profile matches {buyer} (identifiers tried: {tried}); "
            "add one under partners/"
        )
        return [
            Event(
                "route",
                "quarantined",
                Status.QUARANTINED,
                detail,
                {"code": "routing.unknown-partner", "tried": [list(k) for k in keys]},
            )
        ]
    partner = context.partners.partners[partner_id]
    if not partner.enabled:
        detail = f"partner {partner_id} is disabled in its profile"
        return [
            Event(
                "route",
                "quarantined",
                Status.QUARANTINED,
                detail,
                {"code": "routing.partner-disabled", "partner": partner_id},
            )
        ]
    if not partner.channels:
        detail = f"partner {partner_id} has no channel in its profile"
        return [
            Event(
                "route", "quarantined", Status.QUARANTINED, detail, {"code": "routing.no-route", "partner": partner_id}
            )
        ]
    channel = partner.channels[0]
    detail = f"to {partner.name} ({partner_id}) over {channel.type} channel {channel.name!r}"
    return [
        Event(
            "route",
            "routed",
            Status.ROUTED,
            detail,
            {"partner": partner_id, "channel": channel.name},
            payload=Routed(partner_id),
        )
    ]
