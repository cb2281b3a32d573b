"""Chorus Pro through the whole engine: deposit by the outbox, statuses polled into the timeline, durable tracking."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chorus.simulator import Inspector, RunningSimulator, SimulatorState, load_directory
from gateway.app import Gateway
from gateway.chorus_actions import recycle_invoice
from gateway.cli.main import cli
from gateway.config import GatewayConfig
from gateway.store.models import DeliveryRow, EventRow, InvoiceRow, TrackingRow

from .conftest import APP, BUYER, SAMPLES, SUPPLIER, gateway_home, make_client

PARTNER = """\
name: Régie des transports Lumière
segment: public
identifiers: {{siren: "812345676"}}
receives: {{formats: [ubl]}}
channels:
  - type: chorus
    base-url: {url}
    client-id-env: CPRO_CLIENT_ID
    client-secret-env: CPRO_CLIENT_SECRET
    login-env: CPRO_LOGIN
    password-env: CPRO_PASSWORD
    poll-interval: 0
"""


def chorus_gateway(home: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    """A gateway whose one partner is the simulator's public buyer, with the supplier's credentials."""
    for name, value in {
        "CPRO_CLIENT_ID": APP[0],
        "CPRO_CLIENT_SECRET": APP[1],
        "CPRO_LOGIN": SUPPLIER[0],
        "CPRO_PASSWORD": SUPPLIER[1],
    }.items():
        monkeypatch.setenv(name, value)
    (home / "partners").mkdir(parents=True)
    (home / "partners" / "lumiere.yaml").write_text(PARTNER.format(url=sim.base_url), encoding="utf-8")
    (home / "gateway.yaml").write_text("validation: {layers: [xsd]}\n", encoding="utf-8")
    return Gateway(GatewayConfig.load(home))


def test_an_invoice_is_deposited_then_followed_until_paid(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    gateway = chorus_gateway(home, sim, monkeypatch)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    first = gateway.worker("w1")
    first.run_once()
    with Session(gateway.engine) as session:
        delivery = session.scalars(select(DeliveryRow)).one()
        assert delivery.status == "sent" and delivery.remote_ref is not None and delivery.remote_ref.startswith("CPP")
        assert session.scalar(select(func.count()).select_from(TrackingRow)) == 1
    first.close()  # the worker that sent it is gone: another one follows the flow from the store
    second = gateway.worker("w2")
    for _ in range(3):
        second.poll_acks()
    with make_client(sim, BUYER) as buyer, make_client(sim) as supplier:
        [found] = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
        for status in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
            buyer.process_received(found.invoice_id, status)
    second.poll_acks()
    with Session(gateway.engine) as session:
        invoice = session.get(InvoiceRow, submitted.invoice_id)
        assert invoice is not None and invoice.status == "paid"
        statuses = [
            (event.data or {}).get("status")
            for event in session.scalars(select(EventRow).where(EventRow.kind == "ack").order_by(EventRow.id))
        ]
        assert statuses[:3] == ["IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_INTEGRE"]
        assert statuses[-3:] == ["SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"]
        assert len(statuses) == len(set(statuses))  # each status once, though two workers polled
        assert session.scalar(select(func.count()).select_from(TrackingRow)) == 0  # terminal: no more polling
    second.close()
    gateway.close()


def test_supplier_actions_answer_a_suspension_and_recycle(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    gateway = chorus_gateway(home, sim, monkeypatch)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    for _ in range(3):
        worker.poll_acks()  # until the flow is integrated and the invoice exists on Chorus Pro
    with make_client(sim, BUYER) as buyer, make_client(sim) as supplier:
        [found] = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
        buyer.process_received(found.invoice_id, "SUSPENDUE", reason="bon de livraison manquant")
        result = CliRunner().invoke(
            cli,
            ["--home", str(home), "chorus", "complete", "AFR-2026-0001", "--comment", "BL joint"],
        )
        assert result.exit_code == 0, result.output
        assert "completer sent" in result.output
        buyer.process_received(found.invoice_id, "A_RECYCLER", reason="mauvais service")
        recycle_invoice(gateway, submitted.invoice_id, actor="test", service_code="ATELIERS")
        assert supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")[0].service_code == "ATELIERS"
        refused = CliRunner().invoke(
            cli, ["--home", str(home), "chorus", "complete", submitted.invoice_id, "--comment", "again"]
        )
        assert refused.exit_code != 0 and "chorus" in refused.output  # not SUSPENDUE any more: Chorus Pro says no
    worker.poll_acks()
    with Session(gateway.engine) as session:
        kinds = list(
            session.scalars(
                select(EventRow.kind).where(EventRow.invoice_id == submitted.invoice_id).order_by(EventRow.id)
            )
        )
        acked = [
            (e.data or {}).get("status")
            for e in session.scalars(select(EventRow).where(EventRow.kind == "ack").order_by(EventRow.id))
        ]
    assert "chorus-completed" in kinds and "chorus-recycled" in kinds
    assert acked[-4:] == ["SUSPENDUE", "COMPLETEE", "A_RECYCLER", "MISE_A_DISPOSITION"]
    worker.close()
    gateway.close()


# -- acceptance (issue 8): three formats, an XSD rejection, local refusal, token expiry, wrong credentials --

FULL_LADDER = [
    "IN_RECU",
    "IN_EN_COURS_TRAITEMENT_CPP",
    "IN_INTEGRE",
    "DEPOSEE",
    "MISE_A_DISPOSITION",
    "SERVICE_FAIT",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
]


def _ack_statuses(gateway: Gateway, invoice_id: str) -> list[str]:
    with Session(gateway.engine) as session:
        events = session.scalars(
            select(EventRow).where(EventRow.invoice_id == invoice_id, EventRow.kind == "ack").order_by(EventRow.id)
        )
        return [str((event.data or {}).get("status")) for event in events]


def _details(gateway: Gateway, invoice_id: str) -> str:
    with Session(gateway.engine) as session:
        return "\n".join(session.scalars(select(EventRow.detail).where(EventRow.invoice_id == invoice_id)))


@pytest.mark.parametrize(
    ("fmt", "syntax"),
    [("facturx", "IN_DP_E2_CII_FACTURX"), ("ubl", "IN_DP_E1_UBL_INVOICE"), ("cii", "IN_DP_E1_CII_16B")],
)
def test_each_format_is_deposited_integrated_made_available_then_paid(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch, fmt: str, syntax: str
) -> None:
    home = gateway_home(tmp_path, sim, monkeypatch, fmt=fmt)
    gateway = Gateway(GatewayConfig.load(home))
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    for _ in range(3):
        worker.poll_acks()
    assert _ack_statuses(gateway, submitted.invoice_id) == FULL_LADDER[:5]
    with make_client(sim, BUYER) as buyer, make_client(sim) as supplier:
        [found] = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
        assert supplier.flow_report(found.flow_number or "").interface_code == syntax  # deposited as that syntax
        for status in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
            buyer.process_received(found.invoice_id, status)
            worker.poll_acks()
    assert _ack_statuses(gateway, submitted.invoice_id) == FULL_LADDER
    with Session(gateway.engine) as session:
        invoice = session.get(InvoiceRow, submitted.invoice_id)
        delivery = session.scalars(select(DeliveryRow)).one()
        assert invoice is not None and invoice.status == "paid"
        assert delivery.channel_type == "chorus" and delivery.remote_ref == found.flow_number
    worker.close()
    gateway.close()


def test_an_xsd_error_shows_the_technical_error_text_on_the_timeline(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Local validation off so the schema-invalid file reaches Chorus Pro as received (passthrough).
    home = gateway_home(tmp_path, sim, monkeypatch, layers="")
    gateway = Gateway(GatewayConfig.load(home))
    broken = (SAMPLES / "afr-invoice-ubl.xml").read_bytes()
    broken = broken.replace(b"</cbc:IssueDate>", b"</cbc:IssueDate><cbc:Stray>1</cbc:Stray>", 1)
    submitted = gateway.submit(broken, filename="broken.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    for _ in range(3):
        worker.poll_acks()
    assert _ack_statuses(gateway, submitted.invoice_id) == ["IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_REJETE"]
    details = _details(gateway, submitted.invoice_id)
    assert "ERR_XSD_001" in details and "IRRECEVABILITE" in details and "Stray" in details
    with Session(gateway.engine) as session:
        invoice = session.get(InvoiceRow, submitted.invoice_id)
        assert invoice is not None and invoice.status == "rejected"
        assert session.scalar(select(func.count()).select_from(TrackingRow)) == 0
    worker.close()
    gateway.close()


def test_a_missing_service_code_is_refused_before_any_deposit(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = gateway_home(tmp_path, sim, monkeypatch)
    gateway = Gateway(GatewayConfig.load(home))
    content = (SAMPLES / "afr-invoice-ubl.xml").read_bytes()
    content = content.replace(b"<cbc:BuyerReference>SERVICE-ACHATS</cbc:BuyerReference>", b"", 1)
    submitted = gateway.submit(content, filename="no-service.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    worker.poll_acks()
    assert "factures/v1/deposer/flux" not in sim.state.calls  # nothing reached the platform's intake
    details = _details(gateway, submitted.invoice_id)
    assert "requires a service code" in details and "BT-10" in details
    with Session(gateway.engine) as session:
        delivery = session.scalars(select(DeliveryRow)).one()
        assert delivery.remote_ref is None and delivery.status == "dead"  # permanent: no retry
    assert _ack_statuses(gateway, submitted.invoice_id) == []
    worker.close()
    gateway.close()


def test_a_token_expired_on_the_platform_is_renewed_transparently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inspector: Inspector
) -> None:
    platform_time = [0.0]
    state = SimulatorState(load_directory(), token_lifetime_s=3600, monotonic=lambda: platform_time[0])
    with RunningSimulator(state, inspector=inspector) as sim:
        home = gateway_home(tmp_path, sim, monkeypatch)
        gateway = Gateway(GatewayConfig.load(home))
        submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
        worker = gateway.worker("w1")
        worker.run_once()
        assert state.tokens_issued == 1
        platform_time[0] += 3601  # the platform's hour is over; our cached token does not know it yet
        for _ in range(3):
            worker.poll_acks()
        assert state.tokens_issued == 2  # one 401 invalid_token, one new token, the call replayed
        assert _ack_statuses(gateway, submitted.invoice_id) == FULL_LADDER[:5]
        assert "401" not in _details(gateway, submitted.invoice_id)
        worker.close()
        gateway.close()


def test_wrong_credentials_put_a_clear_401_message_on_the_timeline(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = gateway_home(tmp_path, sim, monkeypatch)
    monkeypatch.setenv("CPRO_PASSWORD", "not-the-password")
    gateway = Gateway(GatewayConfig.load(home))
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    details = _details(gateway, submitted.invoice_id)
    assert "HTTP 401" in details and "technical account" in details and "check login and password" in details
    assert "not-the-password" not in details
    assert "factures/v1/deposer/flux" not in sim.state.calls
    with Session(gateway.engine) as session:
        delivery = session.scalars(select(DeliveryRow)).one()
        assert delivery.remote_ref is None and delivery.status == "dead"  # permanent: no retry
    worker.close()
    gateway.close()
