from __future__ import annotations

from pathlib import Path

import pytest

from chorus.codes import InvoiceStatus
from chorus.simulator import DEMO_FIXTURE, load_directory
from chorus.simulator.lifecycle import buyer_may_set
from formats.errors import ConfigError


def test_the_demo_fixture_has_each_kind_of_buyer() -> None:
    directory = load_directory(DEMO_FIXTURE)
    flags = {(s.service_code_required, s.commitment_required, s.commitment_or_service) for s in directory.structures}
    assert {(True, False, False), (False, True, False), (False, False, True), (False, False, False)} <= flags
    lumiere = directory.structure_by_siret("81234567600017")
    assert lumiere is not None
    service = lumiere.service("SERVICE-ACHATS")
    assert service is not None and service.commitment_required
    assert all(a.structure_id in {s.structure_id for s in directory.structures} for a in directory.accounts)


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    fixture = tmp_path / "dir.yaml"
    fixture.write_text("structures:\n  - {id: 1, siret: '1', name: x, colour: red}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_directory(fixture)
    assert caught.value.path == "dir.yaml.structures[0]"
    assert "colour" in caught.value.message


def test_an_account_must_point_at_a_structure(tmp_path: Path) -> None:
    fixture = tmp_path / "dir.yaml"
    fixture.write_text("accounts:\n  - {login: a, password: b, structure: '42'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no structure has SIRET 42"):
        load_directory(fixture)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("MISE_A_DISPOSITION", "SERVICE_FAIT", True),
        ("MISE_A_DISPOSITION", "MISE_EN_PAIEMENT", False),
        ("MANDATEE", "MISE_EN_PAIEMENT", True),
        ("REJETEE", "MISE_A_DISPOSITION", False),
        ("MISE_EN_PAIEMENT", "REJETEE", False),
        ("SUSPENDUE", "COMPLETEE", False),  # the supplier's move (completer), not the buyer's
        ("DEPOSEE", "SERVICE_FAIT", False),
    ],
)
def test_buyer_transitions(current: str, target: str, allowed: bool) -> None:
    assert buyer_may_set(current, target) is allowed
    assert current in {s.value for s in InvoiceStatus}
