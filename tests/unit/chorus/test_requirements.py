"""The service-code / commitment-number decision rule, on data alone."""

from __future__ import annotations

import pytest

from chorus import BuyerService, BuyerStructure, Structure, StructureParameters, check_buyer_requirements
from formats.model import Invoice


def _buyer(*, service: bool = False, ej: bool = False, either: bool = False, status: str = "ACTIF") -> BuyerStructure:
    structure = Structure(1, "11000201100044", "Ministère", "PUBLIQUE", StructureParameters(service, ej, either))
    services = (
        BuyerService("FACTURES_PUBLIQUES", None, True, None),
        BuyerService("COMPTA", "Comptabilité", True, False),
        BuyerService("MARCHES", "Marchés", True, True),
        BuyerService("FERME", "Fermé", False, False),
    )
    return BuyerStructure(structure, services, status)


def _codes(invoice: Invoice, buyer: BuyerStructure) -> list[str]:
    return [p.code for p in check_buyer_requirements(invoice, buyer)]


@pytest.mark.parametrize(
    ("flags", "bt10", "bt13", "expected"),
    [
        ({}, None, None, []),
        ({"service": True}, None, None, ["chorus.service-code-required"]),
        ({"service": True}, "COMPTA", None, []),
        ({"ej": True}, None, None, ["chorus.commitment-required"]),
        ({"ej": True}, None, "EJ1", []),
        ({"service": True, "ej": True}, "COMPTA", None, ["chorus.commitment-required"]),
        ({"service": True, "ej": True}, None, "EJ1", ["chorus.service-code-required"]),
        ({"service": True, "ej": True}, "COMPTA", "EJ1", []),
        # gestionNumeroEJOuCodeService wins over the other two: either one is enough.
        ({"either": True, "service": True, "ej": True}, None, "EJ1", []),
        ({"either": True}, "COMPTA", None, []),
        ({"either": True}, None, None, ["chorus.service-or-commitment-required"]),
        ({}, "MARCHES", None, ["chorus.commitment-required"]),
        ({}, "FERME", None, ["chorus.service-inactive"]),
        ({}, "INCONNU", None, ["chorus.unknown-service"]),
        ({}, "FACTURES_PUBLIQUES", None, ["chorus.unknown-service"]),
        ({}, "  ", "  ", []),
    ],
)
def test_decision_rule(flags: dict[str, bool], bt10: str | None, bt13: str | None, expected: list[str]) -> None:
    invoice = Invoice(buyer_reference=bt10, purchase_order_reference=bt13)
    assert _codes(invoice, _buyer(**flags)) == expected


def test_messages_name_the_business_terms() -> None:
    [problem] = check_buyer_requirements(Invoice(), _buyer(service=True))
    assert problem.term == "BT-10"
    assert "BT-10" in problem.message and "Ministère" in problem.message


def test_an_inactive_structure_and_a_long_commitment_are_reported() -> None:
    codes = _codes(Invoice(purchase_order_reference="E" * 51), _buyer(status="INACTIF"))
    assert codes == ["chorus.structure-inactive", "chorus.commitment-too-long"]
