"""Polling of followed deliveries: configurable interval, backoff while silent, reset on change, restart-safe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from chorus.simulator import RunningSimulator, SimulatorState
from gateway.store.db import open_engine, sqlite_url
from gateway.store.migrate import upgrade
from gateway.store.models import TrackingRow
from gateway.store.tracking import StoreTracking
from gateway.transports.base import Ack, Envelope
from gateway.transports.chorus import ChorusConfig, ChorusTransport, InMemoryTracking, PendingTracking, TrackedDelivery

from .conftest import APP, BUYER, SUPPLIER, make_client, render, sample_invoice

ENV = {"CPRO_CLIENT_ID": APP[0], "CPRO_CLIENT_SECRET": APP[1], "CPRO_LOGIN": SUPPLIER[0], "CPRO_PASSWORD": SUPPLIER[1]}
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand (no sleeping)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


def _channel(
    sim: RunningSimulator, tracking: PendingTracking, clock: Clock, *, interval: int = 60, cap: int = 480
) -> ChorusTransport:
    params = {**_params(sim), "poll-interval": interval, "poll-max-interval": cap}
    return ChorusTransport.from_config(params, where="test", base=Path.cwd(), tracking=tracking, clock=clock)


def _send(channel: ChorusTransport, message_id: str = "msg-1", number: str = "AFR-2026-0001") -> None:
    content = render(dataclasses.replace(sample_invoice(), number=number))
    envelope = Envelope(message_id, "1", "inv", "lumiere", "f.xml", content, "application/xml", "ubl")
    assert channel.send(envelope).awaits_ack


def _statuses(acks: list[Ack]) -> list[str]:
    return [a.status for a in acks]


def test_a_poll_waits_the_interval_after_a_change(sim: RunningSimulator, state: SimulatorState) -> None:
    clock = Clock()
    with _channel(sim, InMemoryTracking(), clock) as channel:
        _send(channel)
        assert _statuses(list(channel.poll_acks())) == ["IN_RECU"]  # just deposited: due at once
        calls = state.calls["transverses/v1/consulterCRDetaille"]
        assert list(channel.poll_acks()) == []  # not due: no HTTP call at all
        clock.advance(59)
        assert list(channel.poll_acks()) == []
        assert state.calls["transverses/v1/consulterCRDetaille"] == calls
        clock.advance(1)
        assert _statuses(list(channel.poll_acks())) == ["IN_EN_COURS_TRAITEMENT_CPP"]
        [item] = channel.tracking.pending()
        assert item.quiet_polls == 0 and item.due_at() == clock.now + dt.timedelta(seconds=60)


def test_silence_backs_off_exponentially_up_to_the_cap_and_a_change_resets(sim: RunningSimulator) -> None:
    clock = Clock()
    with _channel(sim, InMemoryTracking(), clock) as channel:
        _send(channel)
        sim.state.finish_flow(next(iter(channel.tracking.pending())).flow_number)
        assert _statuses(list(channel.poll_acks())) == ["IN_INTEGRE", "DEPOSEE", "MISE_A_DISPOSITION"]
        waits = []
        for _ in range(6):  # nothing happens on the platform: each wait doubles, capped at 480 s
            [item] = channel.tracking.pending()
            due = item.due_at()
            assert due is not None
            waits.append((due - clock.now).total_seconds())
            clock.now = due
            assert list(channel.poll_acks()) == []
        assert waits == [60, 120, 240, 480, 480, 480]
        [invoice] = channel.client.search_supplier_invoices(invoice_number="AFR-2026-0001")
        with make_client(sim, BUYER) as buyer:
            buyer.process_received(invoice.invoice_id, "SERVICE_FAIT")
        clock.advance(480)
        assert _statuses(list(channel.poll_acks())) == ["SERVICE_FAIT"]
        [item] = channel.tracking.pending()
        assert item.quiet_polls == 0 and item.due_at() == clock.now + dt.timedelta(seconds=60)


def test_an_outage_backs_off_like_silence(sim: RunningSimulator, state: SimulatorState) -> None:
    clock = Clock()
    with _channel(sim, InMemoryTracking(), clock) as channel:
        _send(channel)
        channel.client.tokens.get()
        state.fail_next(503, count=50)
        assert list(channel.poll_acks()) == []
        [item] = channel.tracking.pending()
        assert item.quiet_polls == 1 and item.flow_state is None
        assert item.due_at() == clock.now + dt.timedelta(seconds=120)


def test_poll_batch_bounds_one_round_most_overdue_first(sim: RunningSimulator) -> None:
    clock = Clock()
    config = ChorusConfig.from_config({**_params(sim), "poll-batch": 1}, where="test", base=Path.cwd())
    with ChorusTransport(config, tracking=InMemoryTracking(), clock=clock) as channel:
        _send(channel, "m-1", "AFR-2026-0101")
        _send(channel, "m-2", "AFR-2026-0102")
        first = list(channel.poll_acks())
        second = list(channel.poll_acks())
        assert [a.message_id for a in first] == ["m-1"] and [a.message_id for a in second] == ["m-2"]


def _params(sim: RunningSimulator) -> dict[str, object]:
    return {
        "base-url": sim.base_url,
        "client-id-env": "CPRO_CLIENT_ID",
        "client-secret-env": "CPRO_CLIENT_SECRET",
        "login-env": "CPRO_LOGIN",
        "password-env": "CPRO_PASSWORD",
    }


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(sqlite_url(tmp_path / "store.db"))
    upgrade(engine)
    yield engine
    engine.dispose()


def engine_state(engine: Engine) -> dict[str, object]:
    with Session(engine) as session:
        state: dict[str, object] = session.scalars(select(TrackingRow.state)).one()
        return state


def test_a_restart_between_polls_loses_and_repeats_nothing(sim: RunningSimulator, engine: Engine) -> None:
    clock = Clock()

    def fresh() -> ChorusTransport:
        # What a restarted worker does: a new channel over the same store, nothing kept in memory.
        return _channel(sim, StoreTracking(engine, "lumiere/chorus", TrackedDelivery, clock=clock), clock)

    seen: list[str] = []
    channel = fresh()
    _send(channel)
    seen += _statuses(list(channel.poll_acks()))
    channel.close()
    buyer_moves = iter(["SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"])
    for _ in range(40):
        channel = fresh()
        pending = list(channel.tracking.pending())
        if not pending:
            channel.close()
            break
        [item] = pending
        stored = engine_state(engine)
        assert json.loads(json.dumps(stored)) == stored  # basic types only: it is a JSON column
        assert stored["next_poll_at"] == item.next_poll_at
        due = item.due_at()
        assert due is not None and due > clock.now  # the schedule came back from the store
        clock.now = due
        new = _statuses(list(channel.poll_acks()))
        seen += new
        if new and new[-1] in ("MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE"):
            [invoice] = channel.client.search_supplier_invoices(invoice_number="AFR-2026-0001")
            with make_client(sim, BUYER) as buyer:
                buyer.process_received(invoice.invoice_id, next(buyer_moves))
        channel.close()
    assert seen == [
        "IN_RECU",
        "IN_EN_COURS_TRAITEMENT_CPP",
        "IN_INTEGRE",
        "DEPOSEE",
        "MISE_A_DISPOSITION",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]
