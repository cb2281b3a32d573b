"""The public buyer moves invoices through the status machine; the supplier sees every change."""

from __future__ import annotations

import pytest

from chorus import ChorusApiError, ChorusClient, SyntaxeFlux

from .conftest import integrate, render, sample_invoice, variant


def _deposited(supplier: ChorusClient, **changes: object) -> int:
    invoice = variant(**changes) if changes else sample_invoice()
    flow, seen = integrate(supplier, render(invoice), SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == "IN_INTEGRE"
    return supplier.search_supplier_invoices(flow_number=flow)[0].invoice_id


def test_the_history_shows_each_status_with_its_comment(supplier: ChorusClient, buyer: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    for status, reason in [("SERVICE_FAIT", ""), ("MANDATEE", "mandat 2026-77"), ("MISE_EN_PAIEMENT", "")]:
        assert buyer.process_received(invoice_id, status, reason=reason).status == status
    history = supplier.invoice_history(invoice_id)
    assert [s.status for s in history.statuses] == [
        "DEPOSEE",
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]
    assert history.statuses[3].comment == "mandat 2026-77"
    assert history.current_status == "MISE_EN_PAIEMENT"
    assert all(s.at is not None for s in history.statuses)


def test_a_final_status_admits_no_transition(supplier: ChorusClient, buyer: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    buyer.process_received(invoice_id, "REJETEE", reason="montant erroné")
    with pytest.raises(ChorusApiError) as caught:
        buyer.process_received(invoice_id, "SERVICE_FAIT")
    assert caught.value.code_retour == 20004
    assert "REJETEE" in (caught.value.libelle or "")


def test_rejecting_or_suspending_needs_a_reason(supplier: ChorusClient, buyer: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    with pytest.raises(ChorusApiError, match="motif"):
        buyer.process_received(invoice_id, "SUSPENDUE")


def test_the_supplier_cannot_act_as_the_buyer(supplier: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    with pytest.raises(ChorusApiError) as caught:
        supplier.process_received(invoice_id, "SERVICE_FAIT")
    assert caught.value.code_retour == 20003


def test_completer_answers_a_suspension(supplier: ChorusClient, buyer: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    with pytest.raises(ChorusApiError):
        supplier.complete(invoice_id, "too early")  # not suspended yet
    buyer.process_received(invoice_id, "SUSPENDUE", reason="bon de livraison manquant")
    assert supplier.complete(invoice_id, "bon de livraison joint").invoice_id == invoice_id
    buyer.process_received(invoice_id, "SERVICE_FAIT")
    history = supplier.invoice_history(invoice_id)
    assert [s.status for s in history.statuses][-3:] == ["SUSPENDUE", "COMPLETEE", "SERVICE_FAIT"]
    assert history.statuses[-3].comment == "bon de livraison manquant"


def test_recycler_reroutes_to_another_service(supplier: ChorusClient, buyer: ChorusClient) -> None:
    invoice_id = _deposited(supplier)
    buyer.process_received(invoice_id, "A_RECYCLER", reason="mauvais service")
    with pytest.raises(ChorusApiError):
        supplier.recycle(invoice_id, service_code="ANCIEN-SERVICE")  # inactive
    result = supplier.recycle(invoice_id, comment="vers les ateliers", service_code="ATELIERS")
    assert result.status == "MISE_A_DISPOSITION"
    [found] = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
    assert found.service_code == "ATELIERS"
    assert supplier.invoice_history(invoice_id).statuses[-1].comment == "vers les ateliers"


def test_the_possible_next_statuses_are_listed(supplier: ChorusClient) -> None:
    answer = supplier.call("transverses/v1/recuperer/etats/traitement", {"statutCourant": "MANDATEE"})
    assert [i.req_str("statutPossiblePourTraitement") for i in answer.items("listeStatutsPossiblesPourTraitement")] == [
        "MISE_EN_PAIEMENT"
    ]
