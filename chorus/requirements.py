"""What a public buyer requires an invoice to carry, checked before deposit.

Chorus Pro reads the service code from BT-10 (buyer reference) and the
commitment number (*engagement juridique*, EJ) from BT-13 (purchase order
reference). ``structures/v1/consulter`` says which the buyer requires, with
three flags; the decision rule is OCA's (``l10n_fr_chorus_account``,
``res_partner.py``):

- ``gestionNumeroEJOuCodeService``: a service code **or** an EJ;
- else ``codeServiceDoitEtreRenseigne`` **and** ``numeroEJDoitEtreRenseigne``: both;
- else either flag alone: that one.

Then the service named in BT-10 must exist and be active, and a service whose
``parametres.numeroEngagement`` is true needs an EJ too. OCA limits the EJ to
50 characters. An invoice that fails here would be rejected by Chorus Pro in
``listeErreurDP`` after deposit; checking first gives a clearer message sooner.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.client import PUBLIC_INVOICES_SERVICE
from chorus.records import BuyerStructure, StructureParameters
from formats.model import Invoice

__all__ = ["MAX_COMMITMENT_LENGTH", "Problem", "check_buyer_requirements", "describe_obligations"]

MAX_COMMITMENT_LENGTH = 50


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing the buyer requires that the invoice lacks."""

    code: str
    """Stable id: ``chorus.service-code-required``, ``chorus.commitment-required``…"""
    term: str
    """The business term concerned (``BT-10``, ``BT-13``, ``BT-46``)."""
    message: str
    """What is wrong and what to do, in one line."""


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def check_buyer_requirements(invoice: Invoice, structure: BuyerStructure) -> list[Problem]:
    """Return what ``structure`` requires that ``invoice`` does not carry (empty: it may be deposited).

    :param invoice: the invoice to deposit.
    :param structure: the buyer as Chorus Pro describes it (:meth:`ChorusClient.buyer_structure`).
    """
    problems: list[Problem] = []
    who = structure.structure.name or structure.structure.identifier or str(structure.structure.structure_id)
    flags = structure.structure.parameters
    service_code = _text(invoice.buyer_reference)
    commitment = _text(invoice.purchase_order_reference)
    if structure.status is not None and structure.status != "ACTIF":
        problems.append(
            Problem("chorus.structure-inactive", "BT-46", f"buyer {who} is {structure.status} in Chorus Pro")
        )
    if flags.commitment_or_service:
        if service_code is None and commitment is None:
            problems.append(
                Problem(
                    "chorus.service-or-commitment-required",
                    "BT-10",
                    f"buyer {who} requires a service code (BT-10 buyer reference) "
                    "or a commitment number (BT-13 purchase order reference); the invoice has neither",
                )
            )
    else:
        if flags.service_code_required and service_code is None:
            problems.append(
                Problem(
                    "chorus.service-code-required",
                    "BT-10",
                    f"buyer {who} requires a service code: put it in BT-10 (buyer reference)",
                )
            )
        if flags.commitment_required and commitment is None:
            problems.append(
                Problem(
                    "chorus.commitment-required",
                    "BT-13",
                    f"buyer {who} requires a commitment number (engagement juridique): "
                    "put it in BT-13 (purchase order reference)",
                )
            )
    if service_code is not None:
        problems += _service_problems(structure, who, service_code, commitment)
    if commitment is not None and len(commitment) > MAX_COMMITMENT_LENGTH:
        problems.append(
            Problem(
                "chorus.commitment-too-long",
                "BT-13",
                f"commitment number {commitment[:20]}… is {len(commitment)} characters; "
                f"Chorus Pro takes at most {MAX_COMMITMENT_LENGTH}",
            )
        )
    return problems


def describe_obligations(flags: StructureParameters) -> str:
    """Return, in one line, what an invoice to a structure with ``flags`` must carry (the rule above)."""
    if flags.commitment_or_service:
        return "a service code (BT-10) or a commitment number (BT-13), at least one"
    if flags.service_code_required and flags.commitment_required:
        return "a service code (BT-10) and a commitment number (BT-13)"
    if flags.service_code_required:
        return "a service code (BT-10)"
    if flags.commitment_required:
        return "a commitment number (BT-13)"
    return "neither a service code nor a commitment number"


def _service_problems(structure: BuyerStructure, who: str, code: str, commitment: str | None) -> list[Problem]:
    service = structure.service(code)
    if service is None or code == PUBLIC_INVOICES_SERVICE:
        known = ", ".join(sorted(s.code for s in structure.services if s.code != PUBLIC_INVOICES_SERVICE)) or "none"
        return [
            Problem(
                "chorus.unknown-service",
                "BT-10",
                f"buyer {who} has no service {code!r} (BT-10); its services: {known}",
            )
        ]
    if not service.active:
        return [
            Problem(
                "chorus.service-inactive",
                "BT-10",
                f"service {code!r} of buyer {who} is not active in Chorus Pro; ask the buyer for its current service",
            )
        ]
    if service.commitment_required and commitment is None:
        return [
            Problem(
                "chorus.commitment-required",
                "BT-13",
                f"service {code!r} of buyer {who} requires a commitment number: put it in BT-13 "
                "(purchase order reference)",
            )
        ]
    return []
