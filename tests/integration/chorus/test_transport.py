"""The gateway's ``chorus`` channel against the simulator: send, local refusals, acknowledgements."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chorus import ChorusClient, Credentials
from chorus.simulator import RunningSimulator, SimulatorState
from formats.rendering import render_invoice
from gateway.errors import PermanentTransportError
from gateway.transports.base import Envelope, Outcome, Transport
from gateway.transports.chorus import ChorusConfig, ChorusTransport, InMemoryTracking

from .conftest import APP, BUYER, SUPPLIER, make_client, render, sample_invoice, variant

ENV = {
    "CPRO_CLIENT_ID": APP[0],
    "CPRO_CLIENT_SECRET": APP[1],
    "CPRO_LOGIN": SUPPLIER[0],
    "CPRO_PASSWORD": SUPPLIER[1],
}


def _config(sim: RunningSimulator, **extra: object) -> ChorusConfig:
    params: dict[str, object] = {
        "base-url": sim.base_url,
        "client-id-env": "CPRO_CLIENT_ID",
        "client-secret-env": "CPRO_CLIENT_SECRET",
        "login-env": "CPRO_LOGIN",
        "password-env": "CPRO_PASSWORD",
        "poll-interval": 0,  # every poll_acks() polls: these tests are about what is reported, not when
        **extra,
    }
    return ChorusConfig.from_config(params, where="partners/lumiere.yaml: channels[0].chorus")


@pytest.fixture
def channel(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChorusTransport]:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    with ChorusTransport(_config(sim), tracking=InMemoryTracking()) as transport:
        yield transport


def _envelope(content: bytes, fmt: str = "ubl", message_id: str = "msg-1") -> Envelope:
    media = "application/pdf" if fmt == "facturx" else "application/xml"
    return Envelope(message_id, "dlv-1", "inv-1", "lumiere", f"AFR-2026-0001.{fmt}", content, media, fmt)


def test_it_is_a_transport(channel: ChorusTransport) -> None:
    assert isinstance(channel, Transport)
    assert channel.name == "chorus"
    assert "demo-secret" not in repr(channel) and "afr-password" not in repr(channel.client)


@pytest.mark.parametrize("fmt", ["ubl", "cii", "facturx"])
def test_send_deposits_and_awaits_acks(channel: ChorusTransport, fmt: str) -> None:
    result = channel.send(_envelope(render_invoice(sample_invoice(), fmt).data, fmt))
    assert result.outcome is Outcome.DELIVERED, result.detail
    assert result.awaits_ack and result.remote_ref is not None and result.remote_ref.startswith("CPP")
    assert [p.name for p in result.phases] == ["structure-check", "deposit"]
    assert [t.flow_number for t in channel.tracking.pending()] == [result.remote_ref]


def test_acks_follow_the_flow_then_every_status_until_payment(channel: ChorusTransport, sim: RunningSimulator) -> None:
    channel.send(_envelope(render(sample_invoice())))
    acks = [a for _ in range(3) for a in channel.poll_acks()]
    assert [(a.kind, a.status) for a in acks] == [
        ("chorus-flow", "IN_RECU"),
        ("chorus-flow", "IN_EN_COURS_TRAITEMENT_CPP"),
        ("chorus-flow", "IN_INTEGRE"),
        ("chorus-status", "DEPOSEE"),
        ("chorus-status", "MISE_A_DISPOSITION"),
    ]
    assert all(a.message_id == "msg-1" and not a.terminal for a in acks)
    assert list(channel.poll_acks()) == []  # nothing new, nothing repeated
    with make_client(sim, BUYER) as buyer:
        [invoice] = channel.client.search_supplier_invoices(invoice_number="AFR-2026-0001")
        buyer.process_received(invoice.invoice_id, "SUSPENDUE", reason="pièce manquante")
        first = list(channel.poll_acks())
        assert [(a.status, a.detail, a.terminal) for a in first] == [("SUSPENDUE", "pièce manquante", False)]
        channel.client.complete(invoice.invoice_id, "pièce jointe")
        for status in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
            buyer.process_received(invoice.invoice_id, status)
    last = list(channel.poll_acks())
    assert [(a.status, a.terminal) for a in last] == [
        ("COMPLETEE", False),
        ("SERVICE_FAIT", False),
        ("MANDATEE", False),
        ("MISE_EN_PAIEMENT", True),
    ]
    assert last[-1].at is not None
    assert list(channel.tracking.pending()) == []  # terminal: no more polling


def test_track_until_mandate_stops_at_mandatee(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    with ChorusTransport(_config(sim, **{"track-until": "mandate"})) as channel:
        channel.send(_envelope(render(sample_invoice())))
        sim.state.finish_flow(next(iter(channel.tracking.pending())).flow_number)
        list(channel.poll_acks())
        [invoice] = channel.client.search_supplier_invoices(invoice_number="AFR-2026-0001")
        with make_client(sim, BUYER) as buyer:
            buyer.process_received(invoice.invoice_id, "MANDATEE")
        assert [(a.status, a.terminal) for a in channel.poll_acks()] == [("MANDATEE", True)]


def test_a_rejected_flow_is_a_terminal_ack_with_errors(channel: ChorusTransport) -> None:
    # Readable (the reader keeps the stray element as an extension) but not schema-valid: only Chorus Pro sees it.
    broken = render(sample_invoice()).replace(b"</cbc:IssueDate>", b"</cbc:IssueDate><cbc:Stray>1</cbc:Stray>", 1)
    assert channel.send(_envelope(broken)).outcome is Outcome.DELIVERED
    acks = [a for _ in range(3) for a in channel.poll_acks()]
    assert acks[-1].status == "IN_REJETE" and acks[-1].terminal
    assert "ERR_XSD_001" in acks[-1].detail
    assert list(channel.tracking.pending()) == []


def test_a_missing_service_code_is_refused_locally(channel: ChorusTransport, state: SimulatorState) -> None:
    result = channel.send(_envelope(render(variant(buyer_reference=None))))
    assert result.outcome is Outcome.PERMANENT_ERROR and not result.retry_feasible
    assert "requires a service code" in result.detail and "BT-10" in result.detail
    assert "factures/v1/deposer/flux" not in state.calls  # nothing was deposited
    assert list(channel.tracking.pending()) == []


def test_a_missing_commitment_is_refused_locally(channel: ChorusTransport) -> None:
    result = channel.send(_envelope(render(variant(purchase_order_reference=None))))
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "commitment number" in result.detail and "BT-13" in result.detail


def test_an_inactive_service_is_refused_locally(channel: ChorusTransport) -> None:
    result = channel.send(_envelope(render(variant(buyer_reference="ANCIEN-SERVICE"))))
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "not active" in result.detail


def test_a_format_chorus_does_not_take_is_permanent(channel: ChorusTransport) -> None:
    result = channel.send(_envelope(b"UNA:+.? '", "edifact-cen"))
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "edifact-cen" in result.detail


def test_an_outage_is_transient(channel: ChorusTransport, state: SimulatorState) -> None:
    channel.client.tokens.get()
    state.fail_next(502, count=5)
    result = channel.send(_envelope(render(sample_invoice())))
    assert result.outcome is Outcome.TRANSIENT_ERROR and result.retry_feasible
    assert result.phases[-1].error == "chorus.transient"


def test_refused_credentials_stop_polling_loudly(channel: ChorusTransport, sim: RunningSimulator) -> None:
    channel.send(_envelope(render(sample_invoice())))
    channel.client.close()
    channel.client = ChorusClient(channel.config.endpoints, Credentials(*APP, SUPPLIER[0], "wrong"))
    with pytest.raises(PermanentTransportError, match="technical account"):
        list(channel.poll_acks())
    assert len(list(channel.tracking.pending())) == 1  # still followed
