"""The worker loop: run the pipeline on received invoices, deliver due outbox rows, collect acknowledgements.

Several workers (threads or processes, on one node or many) share the store.
Each round a worker claims a batch of rows with a lease
(:mod:`gateway.store.claims`), works on them outside any transaction, and
writes the outcome only if it still holds the lease. A worker killed mid-send
loses its lease when it expires and another one resends: delivery is
at-least-once, and the channels make it effectively once (the SFTP and folder
channels write a file name fixed per message, so a resend replaces the file).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from formats.errors import AiguillageError, ConfigError
from gateway.errors import PermanentTransportError
from gateway.intake_poller import IntakePoller
from gateway.outbox.outcome import record_send
from gateway.partners import Channel, Partner, PartnerBook, PartnerDirectory
from gateway.pipeline.message import StepContext
from gateway.pipeline.runner import process, quarantine_on_crash
from gateway.store.claims import claim_deliveries, claim_received, hold_lease, release_leases, write_session
from gateway.store.models import BlobRow, DeliveryRow, DocumentRow
from gateway.store.tracking import StoreTracking
from gateway.tracking import record_ack
from gateway.transports.base import Envelope, SendResult, Transport
from gateway.transports.registry import transport_class

__all__ = ["Worker", "WorkerConfig", "utc_now"]

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """How a worker paces itself."""

    worker_id: str
    lease: dt.timedelta = dt.timedelta(seconds=60)
    """How long a claimed row stays ours; past it, another worker may take it over."""
    batch: int = 20
    idle_sleep: float = 0.2
    """Seconds to wait when a round found nothing to do."""
    ack_interval: float = 5.0
    """Seconds between two polls for asynchronous acknowledgements."""
    intake_interval: float = 2.0
    """Seconds between two polls of the intake channels."""


@dataclass(slots=True)
class RoundResult:
    taken: int = 0
    processed: int = 0
    delivered: int = 0
    acks: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.taken or self.processed or self.delivered or self.acks)


class Worker:
    """One worker; :meth:`run_once` does one round, :meth:`run` loops until stopped."""

    def __init__(
        self,
        engine: Engine,
        partners: PartnerDirectory,
        context: Callable[[PartnerBook], StepContext],
        config: WorkerConfig,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        rng: random.Random | None = None,
        intake: IntakePoller | None = None,
    ) -> None:
        self.engine = engine
        self.partners = partners
        self._context = context
        self.config = config
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()  # noqa: S311 (jitter, not security)
        self._transports: dict[tuple[str, str, str], Transport] = {}
        self._last_ack_poll = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._intake = intake
        self._last_intake_poll = dt.datetime.min.replace(tzinfo=dt.UTC)

    # -- the loop -------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set."""
        failures = 0
        try:
            while not stop.is_set():
                try:
                    result = self.run_once()
                except Exception:  # the store may be briefly unreachable: wait and go on
                    failures += 1
                    log.exception("worker %s: round failed (%d in a row)", self.config.worker_id, failures)
                    stop.wait(min(30.0, self.config.idle_sleep * 2**failures))
                    continue
                failures = 0
                if not result.busy:
                    stop.wait(self.config.idle_sleep)
        finally:
            self.close()

    def run_once(self) -> RoundResult:
        """Do one round: pipeline, deliveries, then acknowledgements when due."""
        result = RoundResult()
        if self._intake is not None:
            now = self._clock()
            if (now - self._last_intake_poll).total_seconds() >= self.config.intake_interval:
                self._last_intake_poll = now
                result.taken = self._intake.poll_once()
        book = self.partners.current()
        result.processed = self.process_received(book)
        result.delivered = self.deliver_due(book)
        now = self._clock()
        if (now - self._last_ack_poll).total_seconds() >= self.config.ack_interval:
            self._last_ack_poll = now
            result.acks = self.poll_acks(book)
        return result

    def process_received(self, book: PartnerBook) -> int:
        """Run the pipeline on a batch of received invoices."""
        ids = claim_received(
            self.engine,
            worker=self.config.worker_id,
            now=self._clock(),
            limit=self.config.batch,
            lease=self.config.lease,
        )
        if ids:
            context = self._context(book)
            for invoice_id in ids:
                try:
                    process(self.engine, invoice_id, context, worker=self.config.worker_id, clock=self._clock)
                except Exception as exc:  # one invoice that trips a bug must not stall the others
                    log.exception("invoice %s: the pipeline failed", invoice_id)
                    quarantine_on_crash(self.engine, invoice_id, exc, worker=self.config.worker_id, now=self._clock())
        return len(ids)

    def deliver_due(self, book: PartnerBook) -> int:
        """Send a batch of due deliveries."""
        ids = claim_deliveries(
            self.engine,
            worker=self.config.worker_id,
            now=self._clock(),
            limit=self.config.batch,
            lease=self.config.lease,
        )
        for delivery_id in ids:
            self._deliver(delivery_id, book)
        return len(ids)

    def poll_acks(self, book: PartnerBook | None = None) -> int:
        """Collect asynchronous acknowledgements from every partner channel.

        One worker at a time polls, whichever holds the ``acks`` lease, so two workers
        never report the same acknowledgement twice. One lease for the whole round,
        not one per channel: a lease is a write, and a round visits every channel.
        """
        if not hold_lease(
            self.engine, "acks", owner=self.config.worker_id, now=self._clock(), duration=self.config.lease
        ):
            return 0
        book = book if book is not None else self.partners.current()
        count = 0
        for partner in book:
            for channel in partner.channels:
                name = f"{partner.id}/{channel.name}"
                try:
                    transport = self._transport(partner, channel)
                    # One at a time: a channel archives an acknowledgement file only when asked for
                    # the next one, so each must be stored before the iteration goes on.
                    for ack in transport.poll_acks():
                        with write_session(self.engine) as session, session.begin():
                            if record_ack(session, ack, now=self._clock()):
                                count += 1
                            else:
                                log.warning("acknowledgement for unknown message %s on %s", ack.message_id, name)
                except AiguillageError as exc:
                    log.warning("acknowledgements on %s: %s", name, exc.one_line())
        return count

    def close(self) -> None:
        """Close every open channel."""
        for transport in self._transports.values():
            try:
                transport.close()
            except Exception:
                log.exception("closing a channel")
        self._transports.clear()
        if self._intake is not None:
            self._intake.close()
        try:
            release_leases(self.engine, owner=self.config.worker_id)
        except Exception:  # noqa: BLE001 (the store may be gone at shutdown: the leases then simply expire)
            log.warning("worker %s: could not release its leases; they expire on their own", self.config.worker_id)

    # -- one delivery ----------------------------------------------------

    def _deliver(self, delivery_id: int, book: PartnerBook) -> None:
        with Session(self.engine) as session:
            # One query for everything the send needs: this runs once per delivery.
            found = session.execute(
                select(
                    DeliveryRow.partner_id,
                    DeliveryRow.channel,
                    DeliveryRow.message_id,
                    DeliveryRow.invoice_id,
                    DeliveryRow.lease_owner,
                    DocumentRow.filename,
                    DocumentRow.media_type,
                    DocumentRow.format,
                    BlobRow.content,
                )
                .join(DocumentRow, DocumentRow.id == DeliveryRow.document_id)
                .join(BlobRow, BlobRow.sha256 == DocumentRow.sha256)
                .where(DeliveryRow.id == delivery_id)
            ).one_or_none()
        if found is None or found.lease_owner != self.config.worker_id:
            return
        partner = book.get(found.partner_id)
        channel = _channel(partner, found.channel)
        if partner is None or channel is None:
            result = SendResult.permanent(
                f"partner {found.partner_id} or its channel {found.channel!r} is no longer in the partner files"
            )
        else:
            envelope = Envelope(
                message_id=found.message_id,
                delivery_id=str(delivery_id),
                invoice_id=found.invoice_id,
                partner_id=partner.id,
                filename=found.filename,
                content=found.content,
                media_type=found.media_type,
                format=found.format,
            )
            result = self._send(partner, channel, envelope)
        with write_session(self.engine) as session, session.begin():
            row = session.scalar(select(DeliveryRow).where(DeliveryRow.id == delivery_id).with_for_update())
            if row is None or row.lease_owner != self.config.worker_id:
                log.warning("delivery %s: lease lost while sending; the new owner records the outcome", delivery_id)
                return
            record_send(session, row, result, partner, now=self._clock(), draw=self._rng.random())

    def _send(self, partner: Partner, channel: Channel, envelope: Envelope) -> SendResult:
        try:
            transport = self._transport(partner, channel)
            return transport.send(envelope)
        except ConfigError as exc:
            return SendResult.permanent(f"channel configuration: {exc.one_line()}")
        except PermanentTransportError as exc:
            return SendResult.permanent(exc.one_line())
        except AiguillageError as exc:
            return SendResult.transient(exc.one_line())
        except Exception as exc:
            log.exception("channel %s of %s failed unexpectedly", channel.name, partner.id)
            self._drop(partner, channel)
            return SendResult.transient(f"unexpected {type(exc).__name__} in channel {channel.type}")

    def _transport(self, partner: Partner, channel: Channel) -> Transport:
        key = (partner.id, channel.name, partner.sha256)
        transport = self._transports.get(key)
        if transport is None:
            for old in [k for k in self._transports if k[:2] == key[:2]]:
                self._transports.pop(old).close()  # the profile changed: reconnect with the new settings
            base = partner.source.parent if partner.source else Path.cwd()
            cls = transport_class(channel.type)
            options: dict[str, object] = {}
            record = getattr(cls, "tracking_record", None)
            if record is not None:
                channel_key = f"{partner.id}/{channel.name}"
                options["tracking"] = StoreTracking(self.engine, channel_key, record, clock=self._clock)
                # A channel that follows deliveries schedules its polls and timeouts: on the worker's clock.
                options["clock"] = self._clock
            transport = cls.from_config(dict(channel.params), where=channel.where, base=base, **options)
            self._transports[key] = transport
        return transport

    def _drop(self, partner: Partner, channel: Channel) -> None:
        for key in [k for k in self._transports if k[:2] == (partner.id, channel.name)]:
            try:
                self._transports.pop(key).close()
            except Exception:
                log.exception("closing a failed channel")


def _channel(partner: Partner | None, name: str) -> Channel | None:
    if partner is None:
        return None
    return next((channel for channel in partner.channels if channel.name == name), None)
