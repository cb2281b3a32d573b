"""The ``as2`` channel (RFC 4130): send a rendition as a signed, encrypted AS2 message and read its MDN.

``send`` builds the message (:func:`~gateway.transports.as2.outbound.build_message`),
POSTs it and, for a synchronous MDN, verifies the receipt before saying
``delivered``: signed by the partner, answering our Message-ID, and returning
the MIC we computed. A receipt that fails those checks proves nothing, so it is
a permanent error, never a silent success (phase2#59). A negative disposition
is ``rejected-by-peer``; HTTP 5xx, timeouts and an answer without an MDN are
transient (the resend keeps the Message-ID, so a receiver that saw the first
one answers ``duplicate-document``).

For an asynchronous MDN the message is remembered in the tracking store
(:mod:`.pending`) before it is posted; the gateway's ``POST /as2/mdn`` endpoint
verifies the MDN when it comes and files it beside; ``poll_acks`` turns it into
an acknowledgement, or reports a timeout event when none came in time. The
worker's acknowledgement poll is also this channel's clock for the asynchronous
MDNs *we* owe the partner: ``poll_acks`` re-sends those the endpoint could not
deliver at once, with backoff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self

import httpx

from formats.errors import AiguillageError
from gateway.errors import PermanentTransportError, TransportError
from gateway.transports.as2.config import MdnMode
from gateway.transports.as2.errors import As2Error
from gateway.transports.as2.http import TRANSIENT_STATUSES, post_as2
from gateway.transports.as2.mdn import MdnResult, read_mdn
from gateway.transports.as2.outbound import build_message
from gateway.transports.as2.pending import As2Record, RecordKind, as2_message_id, received_key
from gateway.transports.as2.settings import As2ChannelConfig, As2Setup
from gateway.transports.base import Ack, Envelope, Outcome, Phase, SendResult

__all__ = ["As2Transport", "RecordStore", "utc_now"]

_log = logging.getLogger(__name__)

#: How long a record whose MDN timed out is kept for a late MDN.
LATE_MDN_GRACE = dt.timedelta(days=7)
#: How long we keep trying to deliver an asynchronous MDN we owe.
MDN_DELIVERY_HORIZON = dt.timedelta(days=3)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def mdn_retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait after ``attempts`` failed deliveries of an MDN we owe (30 s doubling, capped at 1 h)."""
    return dt.timedelta(seconds=min(3600.0, 30.0 * 2 ** max(attempts - 1, 0)))


class RecordStore(Protocol):
    """The channel's tracking store (the gateway's ``StoreTracking``; a dict in unit tests)."""

    def add(self, item: As2Record) -> None: ...

    def pending(self) -> Iterable[As2Record]: ...

    def update(self, item: As2Record) -> None: ...

    def finish(self, message_id: str) -> None: ...


class _MemoryRecords:
    """A :class:`RecordStore` in a dict, for a channel built without the gateway store."""

    def __init__(self) -> None:
        self._items: dict[str, As2Record] = {}

    def add(self, item: As2Record) -> None:
        self._items[item.message_id] = item

    def pending(self) -> list[As2Record]:
        return list(self._items.values())

    def update(self, item: As2Record) -> None:
        self._items[item.message_id] = item

    def finish(self, message_id: str) -> None:
        self._items.pop(message_id, None)


class As2Transport:
    """Deliver to one partner's AS2 endpoint."""

    name: ClassVar[str] = "as2"
    tracking_record: ClassVar[type[As2Record]] = As2Record
    """Asks the worker for durable storage of :class:`As2Record`."""
    config_class: ClassVar[type[As2ChannelConfig]] = As2ChannelConfig
    """Checks the channel keys without reading keys or secrets (``gateway partners check``)."""

    def __init__(
        self,
        setup: As2Setup,
        *,
        tracking: RecordStore | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        client: httpx.Client | None = None,
    ) -> None:
        """Build the channel from loaded keys.

        :param tracking: where asynchronous-MDN records live; in memory otherwise.
        :param client: an httpx client (tests); one with the channel's timeouts otherwise.
        """
        self.setup = setup
        self.config = setup.config
        self.tracking: RecordStore = tracking if tracking is not None else _MemoryRecords()
        self._clock = clock
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(self.config.mdn_timeout_s, connect=self.config.connect_timeout_s),
            # AS2 peers are named in partner files; an HTTP(S)_PROXY meant for other traffic must not divert them.
            trust_env=False,
            follow_redirects=False,
        )

    @classmethod
    def from_config(
        cls,
        params: Mapping[str, Any],
        *,
        where: str,
        base: Path,
        tracking: RecordStore | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> Self:
        """Return a channel built from a partner file's channel mapping; keys are loaded and checked now.

        :raises ConfigError: a key is wrong, a password variable unset.
        :raises CertificateProblem: a key or certificate is unreadable, expired or untrusted.
        """
        config = As2ChannelConfig.from_config(params, where=where, base=base)
        return cls(config.load(now=clock()), tracking=tracking, clock=clock)

    def __repr__(self) -> str:
        return f"As2Transport(url={self.config.url!r}, as2_to={self.config.as2_to!r})"

    # -- send -----------------------------------------------------------------

    def send(self, envelope: Envelope) -> SendResult:
        """Post ``envelope`` as an AS2 message; never raises for a partner failure."""
        now = self._clock()
        started = time.monotonic()
        message = build_message(
            envelope.content,
            sender=self.setup.identity,
            partner=self.setup.partner,
            content_type=envelope.media_type,
            filename=envelope.filename,
            message_id=as2_message_id(envelope.message_id, self.config.message_id_domain),
            subject=f"Invoice {envelope.filename}",
            now=now,
        )
        phases = [Phase("build", time.monotonic() - started)]
        if message.mdn is MdnMode.ASYNC:
            # Before the POST: the MDN may come back before the POST returns.
            self.tracking.add(
                As2Record(
                    message_id=envelope.message_id,
                    kind=RecordKind.AWAITING_MDN,
                    created_at=now.isoformat(),
                    due_at=(now + dt.timedelta(seconds=self.config.mdn_timeout_s)).isoformat(),
                    as2_message_id=message.message_id,
                    mic=message.mic.header_value(),
                )
            )
        started = time.monotonic()
        try:
            answer = post_as2(
                self._client,
                self.config.url,
                message.headers,
                message.body,
                chunked=self.config.quirks.http_chunked,
                read_timeout=self.config.mdn_timeout_s if message.mdn is MdnMode.SYNC else None,
            )
        except TransportError as exc:
            phases.append(Phase("post", time.monotonic() - started, exc.code))
            detail = exc.one_line()
            if "Timeout" in detail and message.mdn is MdnMode.SYNC:
                detail = f"no MDN within {self.config.mdn_timeout_s:g} s (mdn-timeout): {detail}"
            return self._failed(
                envelope, message.mdn, detail, phases, transient=not isinstance(exc, PermanentTransportError)
            )
        phases.append(
            Phase("post", time.monotonic() - started, None if answer.status < 300 else f"http {answer.status}")
        )
        if answer.status >= 300:
            transient = answer.status >= 500 or answer.status in TRANSIENT_STATUSES
            detail = f"{self.config.url} answered HTTP {answer.status}{_excerpt(answer.body)}"
            return self._failed(envelope, message.mdn, detail, phases, transient=transient)
        ref = message.message_id
        if message.mdn is MdnMode.NONE:
            return SendResult.delivered(f"posted as {ref} (no MDN requested)", remote_ref=ref, phases=tuple(phases))
        if message.mdn is MdnMode.ASYNC:
            return SendResult.delivered(
                f"posted as {ref}; asynchronous MDN awaited within {self.config.mdn_timeout_s:g} s",
                remote_ref=ref,
                awaits_ack=True,
                phases=tuple(phases),
            )
        if not answer.body.strip():
            detail = f"{self.config.url} answered HTTP {answer.status} without the synchronous MDN requested"
            return SendResult.transient(detail, remote_ref=ref, phases=tuple(phases))
        started = time.monotonic()
        try:
            mdn = read_mdn(
                answer.headers,
                answer.body,
                partner=self.setup.partner,
                original_message_id=message.message_id,
                expected_mic=message.mic,
            )
        except As2Error as exc:
            phases.append(Phase("mdn", time.monotonic() - started, exc.code))
            # A receipt we cannot verify proves nothing: an operator must look (no retry loop).
            return SendResult.permanent(
                f"the MDN for {ref} is not acceptable ({exc.code}): {exc.one_line()}",
                remote_ref=ref,
                phases=tuple(phases),
            )
        phases.append(Phase("mdn", time.monotonic() - started))
        return _result_of(mdn, envelope.message_id, ref, phases)

    def _failed(
        self, envelope: Envelope, mode: MdnMode, detail: str, phases: list[Phase], *, transient: bool
    ) -> SendResult:
        if mode is MdnMode.ASYNC and not transient:
            self.tracking.finish(envelope.message_id)  # no MDN will come for a message that never arrived
        if transient:
            return SendResult.transient(detail, phases=tuple(phases))
        return SendResult.permanent(detail, phases=tuple(phases))

    # -- acknowledgements -------------------------------------------------------

    def poll_acks(self) -> Iterator[Ack]:
        """Yield acknowledgements of asynchronous MDNs filed by the endpoint, and timeout events.

        Also re-sends the asynchronous MDNs we owe this partner that are due.
        """
        now = self._clock()
        records = list(self.tracking.pending())
        received = {r.message_id: r for r in records if r.kind == RecordKind.MDN_RECEIVED}
        for record in records:
            if record.kind == RecordKind.AWAITING_MDN:
                yield from self._follow(record, received.pop(received_key(record.message_id), None), now)
            elif record.kind == RecordKind.MDN_TO_SEND and record.due <= now:
                self._deliver_owed_mdn(record, now)
        for orphan in received.values():
            # Its awaiting record is gone (the endpoint found it, then it expired): nothing to attach it to.
            _log.warning("AS2 %s: dropping the MDN for %s, no longer awaited", self.config.where, orphan.as2_message_id)
            self.tracking.finish(orphan.message_id)

    def _follow(self, record: As2Record, mdn: As2Record | None, now: dt.datetime) -> Iterator[Ack]:
        if mdn is not None:
            yield Ack(
                message_id=record.message_id,
                kind="as2-mdn",
                status=mdn.ack_status,
                detail=mdn.ack_detail,
                raw=mdn.raw_bytes(),
            )
            self.tracking.finish(mdn.message_id)
            self.tracking.finish(record.message_id)
            return
        if record.due > now:
            return
        if not record.timeout_reported:
            yield Ack(
                message_id=record.message_id,
                kind="as2-mdn",
                status="mdn-timeout",
                detail=(
                    f"no asynchronous MDN for {record.as2_message_id} within {self.config.mdn_timeout_s:g} s"
                    " (mdn-timeout); a late one is still taken"
                ),
                terminal=False,
            )
            self.tracking.update(dataclasses.replace(record, timeout_reported=True))
        elif now > record.due + LATE_MDN_GRACE:
            self.tracking.finish(record.message_id)

    def _deliver_owed_mdn(self, record: As2Record, now: dt.datetime) -> None:
        try:
            answer = post_as2(
                self._client,
                record.url,
                record.header_pairs(),
                record.body_bytes(),
                chunked=self.config.quirks.http_chunked,
            )
            error = None if answer.status < 300 else f"HTTP {answer.status}"
        except AiguillageError as exc:
            error = exc.one_line()
        if error is None:
            _log.info("AS2 %s: asynchronous MDN %s delivered to %s", self.config.where, record.message_id, record.url)
            self.tracking.finish(record.message_id)
            return
        attempts = record.attempts + 1
        if now - dt.datetime.fromisoformat(record.created_at) > MDN_DELIVERY_HORIZON:
            _log.error(
                "AS2 %s: giving up the asynchronous MDN %s to %s after %d attempts: %s",
                self.config.where, record.message_id, record.url, attempts, error,
            )  # fmt: skip
            self.tracking.finish(record.message_id)
            return
        _log.warning(
            "AS2 %s: asynchronous MDN %s to %s failed: %s", self.config.where, record.message_id, record.url, error
        )
        due = now + mdn_retry_delay(attempts)
        self.tracking.update(dataclasses.replace(record, attempts=attempts, due_at=due.isoformat(), last_error=error))

    # -- lifecycle ----------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _result_of(mdn: MdnResult, envelope_id: str, ref: str, phases: list[Phase]) -> SendResult:
    ack = dataclasses.replace(mdn.to_ack(), message_id=envelope_id)
    disposition = mdn.disposition.header_value()
    if mdn.disposition.status == "rejected":
        return SendResult(
            Outcome.REJECTED_BY_PEER,
            False,
            f"the partner refused {ref}: {disposition}",
            remote_ref=ref,
            phases=tuple(phases),
            ack=ack,
        )
    signed = "signed" if mdn.signed else "unsigned"
    return SendResult.delivered(f"{signed} MDN for {ref}: {disposition}", remote_ref=ref, phases=tuple(phases), ack=ack)


def _excerpt(body: bytes) -> str:
    # A few words of the partner's error page help; the page itself (or a payload echo) does not belong in a log.
    text = " ".join(body[:200].decode("utf-8", "replace").split())
    return f": {text[:120]}" if text else ""
