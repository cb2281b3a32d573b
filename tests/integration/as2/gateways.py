"""Two Aiguillage gateways back to back over AS2, each the other's partner, on loopback.

``alpha`` sends: its partner ``beta`` is the samples' buyer (SIREN 812345676),
reached over an ``as2`` channel pointing at beta's ``POST /as2``. ``beta``
receives: its partner ``alpha`` has the mirror channel (same keys, swapped),
which its endpoint uses to verify alpha's signatures and sign the MDN. Each has
its own home, SQLite store and API server on an ephemeral port. Partner files
are written as an operator would; the stores are read to check the outcome.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.api import ApiServer, create_app
from gateway.app import Gateway
from gateway.outbox.worker import Worker
from gateway.store.models import (
    As2InboundRow,
    BlobRow,
    DeliveryRow,
    DocumentRow,
    EventRow,
    InvoiceRow,
    TrackingRow,
)
from tests.pki import Issued
from tests.support.as2_pki import PartyFiles, issue_as2, make_as2_pki, write_party

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "samples" / "afr-invoice-cii.xml"
BUYER_SIREN = "812345676"
OTHER_SIREN = "552100554"
FAST_RETRY = {"max-attempts": 3, "initial-delay": 0.2, "max-delay": 1, "multiplier": 2, "jitter": 0.0}


class OffsetClock:
    """The real clock, moved forward on demand (async MDN retries, timeouts)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@dataclasses.dataclass(frozen=True)
class Keys:
    """The PKI of a pair: a CA, alpha, beta, and mallory (same CA, no partner's key)."""

    dir: Path
    ca: Issued
    alpha: Issued
    beta: Issued
    mallory: Issued

    def files(self, name: str) -> PartyFiles:
        return PartyFiles(self.dir / f"{name}.crt", self.dir / f"{name}.key")


def make_keys(directory: Path) -> Keys:
    pki = make_as2_pki()
    keys = Keys(directory, pki.ca, pki.alice, pki.bob, pki.mallory)
    for name in ("alpha", "beta", "mallory"):
        write_party(getattr(keys, name), directory, name)
    (directory / "ca.crt").write_bytes(pki.ca.pem)
    return keys


def write_expired(keys: Keys, name: str) -> PartyFiles:
    """Write a certificate for ``name`` that expired yesterday (same key as the other files? no: its own)."""
    now = dt.datetime.now(dt.UTC)
    issued = issue_as2(keys.ca, name, not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1))
    return write_party(issued, keys.dir / "expired", name)


@dataclasses.dataclass
class Side:
    """One gateway of the pair."""

    name: str
    home: Path
    gateway: Gateway
    server: ApiServer
    clock: OffsetClock
    workers: list[Worker] = dataclasses.field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def worker(self) -> Worker:
        """Return the side's worker (one: a second would wait for the first's channel leases); closed with the pair."""
        if not self.workers:
            self.workers.append(self.gateway.worker(f"{self.name}-worker", ack_interval=0.0, idle_sleep=0.01))
        return self.workers[0]

    def restart_server(self) -> None:
        """Serve the API again on the same port (after ``server.stop()``)."""
        self.server = ApiServer(create_app(self.gateway), port=self.server.port).start()

    # -- reading the store --------------------------------------------------------------------------

    def invoices(self) -> list[InvoiceRow]:
        with Session(self.gateway.engine) as session:
            return list(session.scalars(select(InvoiceRow).order_by(InvoiceRow.created_at)))

    def status(self, invoice_id: str) -> str:
        with Session(self.gateway.engine) as session:
            row = session.get(InvoiceRow, invoice_id)
            assert row is not None
            return row.status

    def events(self, invoice_id: str) -> list[EventRow]:
        with Session(self.gateway.engine) as session:
            return list(
                session.scalars(select(EventRow).where(EventRow.invoice_id == invoice_id).order_by(EventRow.id))
            )

    def original(self, invoice_id: str) -> bytes:
        with Session(self.gateway.engine) as session:
            row = session.get(InvoiceRow, invoice_id)
            assert row is not None
            blob = session.get(BlobRow, row.original_sha256)
            assert blob is not None
            return blob.content

    def rendition(self, invoice_id: str) -> bytes:
        """The bytes the outbox sent for ``invoice_id`` (its delivery's document)."""
        with Session(self.gateway.engine) as session:
            delivery = session.scalars(select(DeliveryRow).where(DeliveryRow.invoice_id == invoice_id)).first()
            assert delivery is not None
            document = session.get(DocumentRow, delivery.document_id)
            assert document is not None
            blob = session.get(BlobRow, document.sha256)
            assert blob is not None
            return blob.content

    def make_owed_mdns_due(self) -> int:
        """Move the next attempt of every owed asynchronous MDN to now (the worker's channels use the real clock)."""
        with Session(self.gateway.engine) as session, session.begin():
            rows = [r for r in session.scalars(select(TrackingRow)) if r.state.get("kind") == "mdn-to-send"]
            for row in rows:
                row.state = {**row.state, "due_at": dt.datetime.now(dt.UTC).isoformat()}
            return len(rows)

    def inbound(self) -> list[As2InboundRow]:
        with Session(self.gateway.engine) as session:
            return list(session.scalars(select(As2InboundRow).order_by(As2InboundRow.id)))

    def deliveries(self) -> list[DeliveryRow]:
        with Session(self.gateway.engine) as session:
            return list(session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)))


@dataclasses.dataclass
class Pair:
    alpha: Side
    beta: Side
    keys: Keys


def as2_channel(
    keys: Keys, me: str, other: str, url: str, *, mdn_url: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The ``as2`` channel mapping of ``me`` for partner ``other`` at ``url``."""
    mine = keys.files(me)
    channel: dict[str, Any] = {
        "type": "as2",
        "url": url,
        "as2-from": me,
        "as2-to": other,
        "key-file": str(mine.key),
        "certificate-file": str(mine.cert),
        "partner-certificate-file": str(keys.files(other).cert),
        "mdn-timeout": 10,
    }
    if mdn_url is not None:
        channel["mdn-url"] = mdn_url
    channel.update(extra)
    return {k: v for k, v in channel.items() if v is not None}


def write_partner(home: Path, partner_id: str, siren: str, channel: Mapping[str, Any]) -> None:
    profile = {
        "name": partner_id.title(),
        "identifiers": {"siren": siren},
        "receives": {"formats": ["ubl"]},
        "channels": [dict(channel)],
        "retry": FAST_RETRY,
    }
    path = home / "partners" / f"{partner_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")


def _side(root: Path, name: str) -> Side:
    home = root / name
    (home / "partners").mkdir(parents=True)
    (home / "gateway.yaml").write_text("validation: {layers: [xsd]}\n", encoding="utf-8")
    clock = OffsetClock()
    gateway = Gateway.at(home, clock=clock)
    return Side(name, home, gateway, ApiServer(create_app(gateway)), clock)


@contextmanager
def gateway_pair(
    root: Path,
    keys: Keys,
    *,
    alpha: Mapping[str, Any] | None = None,
    beta: Mapping[str, Any] | None = None,
    alpha_url: Callable[[Side], str] | None = None,
) -> Iterator[Pair]:
    """Start alpha and beta; ``alpha``/``beta`` override keys of their channel (``None`` values drop a key).

    :param alpha_url: where alpha sends (default: beta's ``/as2``).
    """
    a, b = _side(root, "alpha"), _side(root, "beta")
    try:
        url = alpha_url(b) if alpha_url else f"{b.url}/as2"
        a_channel = as2_channel(keys, "alpha", "beta", url, **{"mdn-url": f"{a.url}/as2/mdn", **(alpha or {})})
        b_channel = as2_channel(keys, "beta", "alpha", f"{a.url}/as2", **dict(beta or {}))
        write_partner(a.home, "beta", BUYER_SIREN, a_channel)
        # Beta's partner is not the invoice's buyer: what beta receives stays with beta (no worker runs there).
        write_partner(b.home, "alpha", OTHER_SIREN, b_channel)
        for side in (a, b):
            side.gateway.partners.reload()
        a.server.start()
        b.server.start()
        yield Pair(a, b, keys)
    finally:
        for side in (a, b):
            for worker in side.workers:
                worker.close()
            side.server.stop()
            side.gateway.close()


def drive(
    workers: list[Worker],
    until: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    context: Callable[[], object] = lambda: "",
) -> None:
    """Run worker rounds until ``until()``; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            worker.run_once()
        if until():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{context()}")
