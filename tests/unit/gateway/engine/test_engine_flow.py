"""The engine end to end on both stores, with the folder channel: intake, pipeline, outbox, retries, operations."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from formats.edifact.syntax import parse_interchange
from formats.reading import read_invoice
from gateway.app import Gateway
from gateway.config import GatewayConfig
from gateway.operations import NothingToDo, cancel_invoice, retry_invoice
from gateway.store.claims import claim_deliveries
from gateway.store.models import DeliveryRow, EventRow, InvoiceRow
from tests.unit.gateway.engine.conftest import write_partner

SAMPLES = Path(__file__).resolve().parents[4] / "samples"


class Clock:
    """A clock the test moves by hand, so backoff is checked without sleeping."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_gateway(home: Path, database_url: str, clock: Clock, layers: str = "[xsd]") -> Gateway:
    home.mkdir(parents=True, exist_ok=True)
    (home / "gateway.yaml").write_text(
        f"database-url: {database_url}\nvalidation: {{layers: {layers}}}\nlease-seconds: 30\n", encoding="utf-8"
    )
    return Gateway(GatewayConfig.load(home), clock=clock)


def started(tmp_path: Path, database_url: str, clock: Clock) -> tuple[Gateway, Path]:
    """A gateway whose one partner (the samples' buyer) takes UBL into the folder it returns."""
    out = tmp_path / "out"
    out.mkdir()
    write_partner(tmp_path / "home", out)
    return make_gateway(tmp_path / "home", database_url, clock), out


def kinds(gateway: Gateway, invoice_id: str) -> list[str]:
    with Session(gateway.engine) as session:
        return list(
            session.scalars(select(EventRow.kind).where(EventRow.invoice_id == invoice_id).order_by(EventRow.id))
        )


def status(gateway: Gateway, invoice_id: str) -> str:
    with Session(gateway.engine) as session:
        row = session.get(InvoiceRow, invoice_id)
        assert row is not None
        return row.status


def test_cii_in_ubl_out_delivered_once(tmp_path: Path, database_url: str, clock: Clock) -> None:
    gateway, out = started(tmp_path, database_url, clock)
    content = (SAMPLES / "afr-invoice-cii.xml").read_bytes()
    first = gateway.submit(content, filename="a.xml", source="test")
    again = gateway.submit(content, filename="a-again.xml", source="test")
    assert not first.duplicate and again.duplicate and again.invoice_id == first.invoice_id
    worker = gateway.worker("w1")
    assert worker.run_once().processed == 1
    files = list(out.iterdir())
    assert len(files) == 1
    delivered = read_invoice(files[0].read_bytes()).invoice
    assert delivered == read_invoice(content).invoice  # the UBL carries the same model
    assert (
        files[0].read_bytes().lstrip().startswith(b"<?xml")
        and b"urn:oasis:names:specification:ubl" in files[0].read_bytes()
    )
    assert kinds(gateway, first.invoice_id) == [
        "received",
        "duplicate",
        "detected",
        "parsed",
        "validated",
        "routed",
        "rendered",
        "queued",
        "sent",
    ]
    assert status(gateway, first.invoice_id) == "sent"
    assert worker.run_once().busy is False  # nothing is sent twice
    assert len(list(out.iterdir())) == 1
    gateway.close()


def test_partner_accepting_the_input_format_gets_the_original_bytes(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_partner(tmp_path / "home", out, formats="cii, ubl")
    gateway = make_gateway(tmp_path / "home", database_url, clock)
    content = (SAMPLES / "afr-invoice-cii.xml").read_bytes()
    gateway.submit(content, filename="a.xml", source="test")
    gateway.worker("w1").run_once()
    (delivered,) = out.iterdir()
    assert delivered.read_bytes() == content
    gateway.close()


def test_transient_failure_backs_off_then_dead_letters_then_falls_back(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    missing = tmp_path / "not-yet"  # the folder channel refuses to write into a missing directory
    missing.mkdir()
    fallback = tmp_path / "fallback"
    fallback.mkdir()
    extra = f"  - type: folder\n    name: backup\n    path: {fallback}\n"
    write_partner(tmp_path / "home", missing, extra_channels=extra)
    gateway = make_gateway(tmp_path / "home", database_url, clock)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    gateway.partners.current()
    os.rmdir(missing)
    worker.run_once()  # attempt 1 fails: retry in 10 s (initial-delay, no jitter)
    with Session(gateway.engine) as session:
        (row,) = session.scalars(select(DeliveryRow)).all()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == clock.now + dt.timedelta(seconds=10)
    clock.advance(5)
    assert worker.run_once().delivered == 0  # not due yet
    clock.advance(5)
    worker.run_once()  # attempt 2 of 2 fails: dead letter, then the fallback channel is queued
    clock.advance(1)
    worker.run_once()
    assert len(list(fallback.iterdir())) == 1
    history = kinds(gateway, submitted.invoice_id)
    assert history.count("attempt-failed") == 1
    assert history[-4:] == ["attempt-failed", "dead-lettered", "fallback", "sent"]
    assert status(gateway, submitted.invoice_id) == "sent"
    gateway.close()


def test_dead_letter_without_fallback_fails_and_retry_requeues(tmp_path: Path, database_url: str, clock: Clock) -> None:
    gateway, out = started(tmp_path, database_url, clock)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    gateway.partners.current()
    os.rmdir(out)
    worker.run_once()
    clock.advance(10)
    worker.run_once()
    assert status(gateway, submitted.invoice_id) == "failed"
    out.mkdir()
    assert "queued again" in retry_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    worker.run_once()
    assert status(gateway, submitted.invoice_id) == "sent"
    with pytest.raises(NothingToDo):
        retry_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    with pytest.raises(NothingToDo):
        cancel_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    gateway.close()


def test_unknown_recipient_is_quarantined_and_replayed_after_the_fix(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    home = tmp_path / "home"
    gateway = make_gateway(home, database_url, clock)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    assert status(gateway, submitted.invoice_id) == "quarantined"
    with Session(gateway.engine) as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "quarantined")).one()
        assert "siren 812345676" in event.detail and event.data is not None
        assert event.data["code"] == "routing.unknown-partner"
    write_partner(home, out)  # the fix: reloaded without restart
    gateway.partners.reload()
    retry_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    worker.run_once()
    assert status(gateway, submitted.invoice_id) == "sent"
    assert "replayed" in kinds(gateway, submitted.invoice_id)
    assert len(list(out.iterdir())) == 1
    gateway.close()


def test_invalid_invoice_is_quarantined_naming_the_rules(
    tmp_path: Path, database_url: str, clock: Clock, artefacts_dir: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_partner(tmp_path / "home", out)
    gateway = make_gateway(tmp_path / "home", database_url, clock, layers="[xsd, cen]")
    broken = (SAMPLES / "afr-invoice-ubl.xml").read_bytes().replace(b"<cbc:PayableAmount", b"<cbc:PayableAmount", 1)
    broken = broken.replace(b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">9', 1)
    submitted = gateway.submit(broken, filename="broken.xml", source="test")
    gateway.worker("w1").run_once()
    assert status(gateway, submitted.invoice_id) == "quarantined"
    with Session(gateway.engine) as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "quarantined")).one()
    assert event.data is not None and event.data["code"] == "validation.failed"
    assert any(rule.startswith("BR-CO") for rule in event.data["rules"]), event.data["rules"]
    assert list(out.iterdir()) == []
    gateway.close()


def test_cancel_stops_a_pending_delivery(tmp_path: Path, database_url: str, clock: Clock) -> None:
    gateway, out = started(tmp_path, database_url, clock)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.process_received(gateway.partners.current())
    assert status(gateway, submitted.invoice_id) == "queued"
    cancel_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    assert worker.run_once().delivered == 0
    assert status(gateway, submitted.invoice_id) == "cancelled"
    assert list(out.iterdir()) == []
    gateway.close()


def test_an_expired_lease_is_taken_over_and_a_live_one_is_not(tmp_path: Path, database_url: str, clock: Clock) -> None:
    gateway, _out = started(tmp_path, database_url, clock)
    gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    gateway.worker("w1").process_received(gateway.partners.current())
    lease = dt.timedelta(seconds=30)
    assert len(claim_deliveries(gateway.engine, worker="dead", now=clock.now, limit=10, lease=lease)) == 1
    assert claim_deliveries(gateway.engine, worker="other", now=clock.now, limit=10, lease=lease) == []
    clock.advance(31)  # the worker that claimed it died: its lease runs out
    survivor = gateway.worker("survivor")
    assert survivor.run_once().delivered == 1
    with Session(gateway.engine) as session:
        row = session.scalars(select(DeliveryRow)).one()
        assert (row.status, row.attempts) == ("sent", 2)
    gateway.close()


def test_a_pipeline_crash_quarantines_the_invoice_instead_of_looping(
    tmp_path: Path, database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway, _out = started(tmp_path, database_url, clock)
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret payload text")  # fault injection: a bug inside a step

    monkeypatch.setattr("gateway.pipeline.runner.run_steps", explode)
    worker = gateway.worker("w1")
    assert worker.run_once().processed == 1
    assert status(gateway, submitted.invoice_id) == "quarantined"
    clock.advance(3600)
    assert worker.run_once().processed == 0  # not claimed again and again
    with Session(gateway.engine) as session:
        event = session.scalars(select(EventRow).where(EventRow.kind == "quarantined")).one()
    assert "RuntimeError" in event.detail and "secret payload" not in event.detail
    monkeypatch.undo()
    retry_invoice(gateway.engine, submitted.invoice_id, actor="test", clock=clock)
    worker.run_once()
    assert status(gateway, submitted.invoice_id) == "sent"
    gateway.close()


@pytest.mark.parametrize("fmt", ["edifact", "edifact-eancom"])
def test_edifact_partners_get_interchanges_numbered_from_the_store(
    tmp_path: Path, database_url: str, clock: Clock, fmt: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_partner(tmp_path / "home", out, formats=fmt)
    gateway = make_gateway(tmp_path / "home", database_url, clock)
    for name in ("afr-invoice-ubl.xml", "afr-creditnote-ubl.xml"):
        gateway.submit((SAMPLES / name).read_bytes(), filename=name, source="test")
    gateway.worker("w1").run_once()
    references = []
    for path in sorted(out.iterdir()):
        interchange = parse_interchange(path.read_bytes())
        references.append(interchange.control_reference)
        assert interchange.messages[0].type == "INVOIC"
        assert read_invoice(path.read_bytes()).invoice.number in ("AFR-2026-0001", "AFR-2026-0002")
    assert sorted(references) == ["1", "2"]  # one sequence for this issuer and partner, kept in the store
    gateway.close()
    again = make_gateway(tmp_path / "home", database_url, clock)  # a restart does not reuse a reference
    numbers = again.context(again.partners.current()).control_numbers
    seller = read_invoice((SAMPLES / "afr-invoice-ubl.xml").read_bytes()).invoice.seller
    assert numbers is not None and seller is not None and seller.vat_id is not None
    assert numbers.next_reference(seller.vat_id, "lumiere") == "3"
    assert numbers.next_reference(seller.vat_id, "someone-else") == "1"
    again.close()


def test_a_partner_can_require_more_layers_than_the_gateway(
    tmp_path: Path, database_url: str, clock: Clock, artefacts_dir: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_partner(tmp_path / "home", out, validate="cen")
    gateway = make_gateway(tmp_path / "home", database_url, clock, layers="[xsd]")
    good = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="good.xml", source="test")
    broken = (
        (SAMPLES / "afr-invoice-cii.xml").read_bytes().replace(b"<ram:GrandTotalAmount>", b"<ram:GrandTotalAmount>9", 1)
    )
    bad = gateway.submit(broken, filename="bad.xml", source="test")
    gateway.worker("w1").run_once()
    assert status(gateway, good.invoice_id) == "sent"
    assert status(gateway, bad.invoice_id) == "quarantined"
    with Session(gateway.engine) as session:
        events = {
            e.invoice_id: e
            for e in session.scalars(select(EventRow).where(EventRow.step == "recipient").order_by(EventRow.id))
        }
    assert events[good.invoice_id].detail == "valid (cen) for lumiere"
    assert events[bad.invoice_id].kind == "quarantined" and "for lumiere" in events[bad.invoice_id].detail
    assert events[bad.invoice_id].data is not None and "BR-CO-15" in events[bad.invoice_id].data["rules"]
    assert len(list(out.iterdir())) == 1
    gateway.close()
