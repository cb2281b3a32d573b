"""Asynchronous MDNs in both directions: those partners send for our messages, and those we owe them.

An MDN for one of our messages is verified here, on arrival, against the
record the channel wrote when sending (:mod:`gateway.transports.as2.pending`):
signed by that partner, answering that Message-ID, carrying that MIC. Only a
verified MDN is filed for the channel's ``poll_acks``; one that does not verify
is refused and logged, since anyone can POST to the endpoint and a forged
receipt must not move an invoice. A correctly signed MDN whose MIC differs is
filed as ``rejected``: the partner says it received something else.

An MDN we owe is first POSTed right after the HTTP answer
(:func:`deliver_owed_mdn`); if that fails, the record stays in the tracking
store and the channel's ``poll_acks`` (run by whichever worker holds the
channel's lease) re-sends it with backoff, across restarts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from formats.errors import AiguillageError
from gateway.as2_endpoint.parties import As2Directory, As2Peer
from gateway.store.models import TrackingRow
from gateway.store.tracking import StoreTracking
from gateway.transports.as2.channel import mdn_retry_delay
from gateway.transports.as2.errors import (
    As2Error,
    MalformedMessage,
    MicMismatch,
    PartnerUnusable,
    UnknownAs2Partner,
)
from gateway.transports.as2.http import post_as2
from gateway.transports.as2.identifiers import unquote_as2_name
from gateway.transports.as2.mdn import original_message_id, read_mdn
from gateway.transports.as2.mic import parse_mic
from gateway.transports.as2.mime import Header, header_value
from gateway.transports.as2.pending import As2Record, RecordKind, encode_body, envelope_message_id, received_key

__all__ = ["MdnReception", "deliver_owed_mdn", "receive_mdn"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MdnReception:
    """The outcome of one MDN received for one of our messages."""

    filed: bool
    """Stored for the channel's next acknowledgement poll."""
    status: int
    """The HTTP status to answer."""
    code: str
    detail: str


def _peer(directory: As2Directory, headers: Sequence[Header]) -> As2Peer:
    as2_from = unquote_as2_name(header_value(headers, "AS2-From") or "")
    as2_to = unquote_as2_name(header_value(headers, "AS2-To") or "")
    peer = directory.find(as2_from, as2_to)
    if peer is None:
        raise UnknownAs2Partner(f"no AS2 partner {as2_from!r} sending to an organisation {as2_to!r}")
    return peer


def receive_mdn(
    engine: Engine,
    directory: As2Directory,
    headers: Sequence[Header],
    body: bytes,
    *,
    clock: Callable[[], dt.datetime],
) -> MdnReception:
    """Verify an asynchronous MDN for one of our messages and file it for ``poll_acks``."""
    try:
        peer = _peer(directory, headers)
        answered = original_message_id(headers, body)
    except As2Error as exc:
        log.warning("AS2 MDN refused: %s", exc.one_line())
        refused = isinstance(exc, UnknownAs2Partner | PartnerUnusable)
        return MdnReception(False, 403 if refused else 400, exc.code, exc.one_line())
    envelope_id = envelope_message_id(answered)
    with Session(engine) as session:
        row = session.get(TrackingRow, envelope_id)
        record = As2Record(**row.state) if row is not None and row.channel_key == peer.channel_key else None
    if record is None or record.kind != RecordKind.AWAITING_MDN:
        log.warning("AS2 MDN from %s for %s: no such message awaits an MDN", peer.partner_id, answered)
        # 200 all the same: refusing would make the partner resend an MDN we can do nothing with.
        return MdnReception(False, 200, "as2.mdn-unexpected", f"no message {answered} awaits an MDN")
    try:
        mdn = read_mdn(
            headers,
            body,
            partner=peer.setup.partner,
            original_message_id=record.as2_message_id,
            expected_mic=parse_mic(record.mic) if record.mic else None,
        )
        status, detail = mdn.disposition.status, mdn.disposition.header_value()
    except MicMismatch as exc:
        status, detail = "rejected", f"no proof of receipt: {exc.one_line()}"
    except As2Error as exc:
        log.warning("AS2 MDN from %s for %s refused: %s", peer.partner_id, answered, exc.one_line())
        return MdnReception(False, 400 if isinstance(exc, MalformedMessage) else 403, exc.code, exc.one_line())
    now = clock()
    filed = As2Record(
        message_id=received_key(envelope_id),
        kind=RecordKind.MDN_RECEIVED,
        created_at=now.isoformat(),
        due_at=now.isoformat(),
        as2_message_id=record.as2_message_id,
        ack_status=status,
        ack_detail=detail,
        ack_raw=encode_body(body),
    )
    StoreTracking(engine, peer.channel_key, As2Record, clock=clock).add(filed)
    log.info("AS2 MDN from %s for %s filed: %s", peer.partner_id, answered, detail)
    return MdnReception(True, 200, "ok", detail)


def deliver_owed_mdn(
    engine: Engine,
    peer: As2Peer,
    record: As2Record,
    *,
    clock: Callable[[], dt.datetime],
    timeout: float = 30.0,
) -> bool:
    """Make the first attempt to POST an asynchronous MDN we owe; keep it for retries if it fails.

    :return: whether the partner took it.
    """
    store = StoreTracking(engine, peer.channel_key, As2Record, clock=clock)
    try:
        with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client:
            answer = post_as2(
                client,
                record.url,
                record.header_pairs(),
                record.body_bytes(),
                chunked=peer.setup.config.quirks.http_chunked,
            )
        error = None if answer.status < 300 else f"HTTP {answer.status}"
    except AiguillageError as exc:
        error = exc.one_line()
    if error is None:
        store.finish(record.message_id)
        log.info("AS2 asynchronous MDN for %s delivered to %s", record.as2_message_id, record.url)
        return True
    log.warning(
        "AS2 asynchronous MDN for %s to %s failed (%s); retried by the worker", record.as2_message_id, record.url, error
    )
    due = clock() + mdn_retry_delay(1)
    store.update(replace(record, attempts=1, due_at=due.isoformat(), last_error=error))
    return False
