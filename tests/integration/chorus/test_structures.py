"""Buyer structures resolved from the simulator, and the local check agreeing with the platform."""

from __future__ import annotations

import pytest

from chorus import ChorusClient, SyntaxeFlux, check_buyer_requirements

from .conftest import LUMIERE, integrate, render, variant, with_buyer_siret


def test_a_buyer_structure_carries_its_flags_and_services(supplier: ChorusClient) -> None:
    buyer = supplier.buyer_structure(LUMIERE, service_code="SERVICE-ACHATS")
    assert buyer is not None
    assert buyer.structure.parameters.service_code_required is True
    assert buyer.structure.parameters.commitment_required is False
    service = buyer.service("SERVICE-ACHATS")
    assert service is not None and service.commitment_required is True
    inactive = buyer.service("ANCIEN-SERVICE")
    assert inactive is not None and inactive.active is False
    assert buyer.service("FACTURES_PUBLIQUES") is not None


def test_an_unknown_siret_resolves_to_none(supplier: ChorusClient) -> None:
    assert supplier.buyer_structure("99999999999999") is None


def test_commitments_are_searchable(supplier: ChorusClient) -> None:
    assert supplier.commitment_exists(25002, "CMD-2026-0457") is True
    assert supplier.commitment_exists(25002, "EJ-INCONNU") is False


CASES = [
    # (buyer SIRET, BT-10, BT-13, expected local problem codes)
    (LUMIERE, "SERVICE-ACHATS", "CMD-2026-0457", []),
    (LUMIERE, None, "CMD-2026-0457", ["chorus.service-code-required"]),
    (LUMIERE, "SERVICE-ACHATS", None, ["chorus.commitment-required"]),
    (LUMIERE, "ATELIERS", None, []),
    (LUMIERE, "ANCIEN-SERVICE", None, ["chorus.service-inactive"]),
    (LUMIERE, "NULLE-PART", None, ["chorus.unknown-service"]),
    ("11000201100044", None, "1300012345", []),
    ("11000201100044", None, None, ["chorus.commitment-required"]),
    ("21690123400018", "MAIRIE", None, []),
    ("21690123400018", None, None, ["chorus.service-or-commitment-required"]),
    ("20005478100022", None, None, []),
]


@pytest.mark.parametrize(("siret", "service", "commitment", "expected"), CASES)
def test_the_local_check_agrees_with_the_platform(
    supplier: ChorusClient, siret: str, service: str | None, commitment: str | None, expected: list[str]
) -> None:
    invoice = with_buyer_siret(variant(buyer_reference=service, purchase_order_reference=commitment), siret)
    structure = supplier.buyer_structure(siret, service_code=service)
    assert structure is not None
    problems = check_buyer_requirements(invoice, structure)
    assert [p.code for p in problems] == expected
    assert all(p.message for p in problems)
    # The simulator implements the rule separately: it must integrate exactly what passes locally.
    _, seen = integrate(supplier, render(invoice), SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == ("IN_INTEGRE" if not expected else "IN_REJETE")
