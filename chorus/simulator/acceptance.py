"""Whether the simulated platform takes a readable invoice: supplier, recipient, service, EJ, duplicate.

This is the simulator's own reading of the directory rules (research notes
§1.7), written apart from :func:`chorus.requirements.check_buyer_requirements`
on purpose: the client's local check is tested against it, so a shared bug
would go unseen. Refusals become ``listeErreurDP`` entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chorus.simulator.directory import Directory, Structure
from formats.model import Identifier, Invoice, Party

__all__ = ["Routing", "route_invoice", "siret_of"]

_SIRET_SCHEME = "0009"
_PSEUDO_SERVICE = "FACTURES_PUBLIQUES"


@dataclass(frozen=True, slots=True)
class Routing:
    """Where an invoice goes, or why it cannot."""

    recipient: Structure | None
    service_code: str | None
    commitment: str | None
    errors: tuple[str, ...]
    """``libelleErreurDP`` texts; empty when the invoice is taken."""


def siret_of(party: Party | None) -> str | None:
    """Return the SIRET of a party: the first scheme-0009 id among BT-29/46, BT-30/47, BT-34/49."""
    if party is None:
        return None
    candidates: Iterable[Identifier | None] = (*party.identifiers, party.legal_registration, party.electronic_address)
    for ident in candidates:
        if ident is not None and ident.scheme == _SIRET_SCHEME and ident.value.strip():
            return ident.value.strip()
    return None


def route_invoice(invoice: Invoice, supplier: Structure, directory: Directory) -> Routing:
    """Decide whether the platform integrates ``invoice`` deposited by ``supplier``."""
    service = (invoice.buyer_reference or "").strip() or None
    commitment = (invoice.purchase_order_reference or "").strip() or None
    errors: list[str] = []
    seller = siret_of(invoice.seller)
    if seller != supplier.siret:
        errors.append(f"Le fournisseur {seller or '(SIRET absent)'} ne correspond pas à la structure du compte")
    buyer_siret = siret_of(invoice.buyer)
    recipient = directory.structure_by_siret(buyer_siret) if buyer_siret else None
    if recipient is None:
        errors.append(f"Destinataire {buyer_siret or '(SIRET absent)'} inconnu de Chorus Pro")
        return Routing(None, service, commitment, tuple(errors))
    if not recipient.active or not recipient.public:
        errors.append(f"Destinataire {recipient.siret} non actif ou non public")
    errors += _obligations(recipient, service, commitment)
    return Routing(recipient, service, commitment, tuple(errors))


def _obligations(recipient: Structure, service_code: str | None, commitment: str | None) -> list[str]:
    errors = []
    if recipient.commitment_or_service:
        if not (service_code or commitment):
            errors.append("Le code service ou le numéro d'engagement doit être renseigné")
    else:
        if recipient.service_code_required and not service_code:
            errors.append("Le code service doit être renseigné")
        if recipient.commitment_required and not commitment:
            errors.append("Le numéro d'engagement doit être renseigné")
    ej_needed = recipient.commitment_required
    if service_code:
        service = recipient.service(service_code)
        if service is None or service_code == _PSEUDO_SERVICE:
            errors.append(f"Le service {service_code} est inconnu pour le destinataire {recipient.siret}")
        elif not service.active:
            errors.append(f"Le service {service_code} n'est pas actif")
        elif service.commitment_required:
            ej_needed = True
            if not commitment:
                errors.append(f"Le numéro d'engagement est obligatoire pour le service {service_code}")
    if commitment and ej_needed and commitment not in recipient.commitments:
        errors.append(f"Le numéro d'engagement {commitment} est inconnu pour le destinataire {recipient.siret}")
    return errors
