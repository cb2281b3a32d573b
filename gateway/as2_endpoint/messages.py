"""Receive one AS2 message (RFC 4130 §7): process it, store the payload durably, then answer.

Order matters. The payload goes to :func:`gateway.intake.submit` (committed)
before the MDN is built into an answer, so a ``processed`` MDN never promises a
document that a crash could still lose (OpenAS2#260). A crash after the commit
and before the answer makes the partner resend; intake is idempotent by
content, so the resend adds a ``duplicate`` event, not a second invoice.

Message-IDs are remembered in ``as2_inbound``: a Message-ID already
*processed* from the same partner is answered ``processed/warning:
duplicate-document`` and not submitted again; a *failed* one does not count,
so a corrected resend under the same Message-ID goes through
(django-pyas2#33). Failed receptions have no invoice to carry an event: they
are kept in the same table (status ``failed``, error code, disposition, size)
and logged with partner and Message-ID. The raw bytes of a failed message are
not kept: they may be anything up to the body limit, from anyone.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.as2_endpoint.parties import As2Directory, As2Peer
from gateway.intake import store_submission
from gateway.store.claims import write_session
from gateway.store.models import As2InboundRow, InvoiceRow
from gateway.store.repo import NewEvent, append_events
from gateway.store.tracking import StoreTracking
from gateway.transports.as2 import InboundResult, Parties, process_message
from gateway.transports.as2.identifiers import normalize_message_id
from gateway.transports.as2.mime import Header
from gateway.transports.as2.pending import As2Record, RecordKind, encode_body

__all__ = ["Reception", "receive_message"]

log = logging.getLogger(__name__)

_EXTENSIONS = {"xml": ".xml", "edifact": ".edi", "edi-x12": ".x12", "pdf": ".pdf", "json": ".json"}


@dataclass(frozen=True, slots=True)
class Reception:
    """What happened to one received message."""

    result: InboundResult
    peer: As2Peer | None
    """The partner channel that matched, if one did."""
    invoice_id: str | None
    """The invoice holding the payload (new, or the earlier one for a duplicate)."""
    owed_mdn: As2Record | None
    """An asynchronous MDN stored for delivery (the caller makes the first attempt)."""


def receive_message(
    engine: Engine,
    directory: As2Directory,
    headers: Sequence[Header],
    body: bytes,
    *,
    clock: Callable[[], dt.datetime],
) -> Reception:
    """Process one AS2 message, store its payload as an invoice, remember its Message-ID.

    :raises sqlalchemy.exc.SQLAlchemyError: the store failed; answer no MDN (the partner resends).
    """
    found: list[As2Peer] = []

    def lookup(as2_from: str, as2_to: str) -> Parties | None:
        peer = directory.find(as2_from, as2_to)
        if peer is None:
            return None
        found.append(peer)
        return peer.parties

    def seen(as2_from: str, message_id: str) -> bool:
        # Core, not the ORM: this runs for every message and only needs to know whether a row exists.
        with engine.connect() as connection:
            found = connection.execute(
                select(As2InboundRow.message_id)
                .where(
                    As2InboundRow.as2_from == as2_from,
                    As2InboundRow.message_id == message_id[:255],
                    As2InboundRow.status == "processed",
                )
                .limit(1)
            ).first()
        return found is not None

    result = process_message(headers, body, lookup=lookup, is_duplicate=seen, now=clock())
    peer = found[0] if found and result.partner is not None else None
    invoice_id = None
    if result.accepted:
        assert result.payload is not None and result.message_id is not None
        source = f"as2:{result.as2_from}" + (f" (partner {peer.partner_id})" if peer else "")
        source += f" Message-ID {result.message_id}"
        # The payload and its Message-ID record are committed together, before any MDN is sent.
        invoice_id = _store(engine, result, peer, source=source[:512], size=len(body), now=clock())
        log.info("AS2 message %s from %s stored as invoice %s", result.message_id, result.as2_from, invoice_id)
    else:
        if result.duplicate:
            invoice_id = _note_duplicate(engine, result, now=clock())
        else:
            error = result.error
            log.warning(
                "AS2 message %s from %r to %r refused: %s (%s)",
                result.message_id, result.as2_from, result.as2_to,
                result.disposition.header_value(), error.one_line() if error else "no detail",
            )  # fmt: skip
        if result.message_id:
            _remember(engine, result, peer, invoice_id, size=len(body), now=clock())
    owed = None
    if result.mdn is not None and result.async_mdn_url and peer is not None:
        owed = _owe_mdn(engine, peer, result, clock)
    return Reception(result, peer, invoice_id, owed)


def _filename(result: InboundResult) -> str:
    name = (result.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name and name not in (".", ".."):
        return name[:255]
    mime = (result.content_type or "").split(";")[0].strip().lower()
    ext = next((e for key, e in _EXTENSIONS.items() if key in mime), ".bin")
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", normalize_message_id(result.message_id or "message"))[:80]
    return f"as2-{stem}{ext}"


def _seen_row(engine: Engine, as2_from: str, message_id: str) -> As2InboundRow | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.scalar(
            select(As2InboundRow).where(
                As2InboundRow.as2_from == as2_from,
                As2InboundRow.message_id == message_id[:255],
                As2InboundRow.status == "processed",
            )
        )


def _note_duplicate(engine: Engine, result: InboundResult, *, now: dt.datetime) -> str | None:
    first = _seen_row(engine, result.as2_from or "", result.message_id or "")
    if first is None or first.invoice_id is None:
        return None
    with write_session(engine) as session, session.begin():
        invoice = session.get(InvoiceRow, first.invoice_id)
        if invoice is not None:
            detail = (
                f"AS2 Message-ID {result.message_id} from {result.as2_from} received again;"
                " answered processed/warning: duplicate-document, not stored twice"
            )
            data = {"as2_from": result.as2_from, "message_id": result.message_id}
            append_events(session, invoice, [NewEvent("intake", "as2-duplicate", None, detail, data)], now=now)
    return first.invoice_id


def _store(
    engine: Engine, result: InboundResult, peer: As2Peer | None, *, source: str, size: int, now: dt.datetime
) -> str:
    """Store the payload as an invoice and remember its Message-ID, in one transaction."""
    assert result.payload is not None
    for attempt in range(3):
        try:
            with write_session(engine) as session, session.begin():
                submitted = store_submission(
                    session, result.payload, filename=_filename(result), source=source, now=now
                )
                _note(session, result, peer, submitted.invoice_id, size=size, now=now)
                return submitted.invoice_id
        except IntegrityError:
            if attempt == 2:
                raise
            # The same bytes or Message-ID were stored by another request at that moment: redo it,
            # now as a duplicate of what that request stored.
    raise AssertionError("unreachable")


def _remember(
    engine: Engine, result: InboundResult, peer: As2Peer | None, invoice_id: str | None, *, size: int, now: dt.datetime
) -> None:
    for _ in range(2):
        try:
            with write_session(engine) as session, session.begin():
                _note(session, result, peer, invoice_id, size=size, now=now)
            return
        except IntegrityError:
            continue  # the same Message-ID arrived twice at once: the other insert won, update it


def _note(
    session: Session,
    result: InboundResult,
    peer: As2Peer | None,
    invoice_id: str | None,
    *,
    size: int,
    now: dt.datetime,
) -> None:
    """Record the reception of a Message-ID: its outcome, its invoice, its attempts."""
    as2_from = (result.as2_from or "")[:128]
    message_id = (result.message_id or "")[:255]
    processed = result.accepted or result.duplicate
    error = result.error
    row = session.scalar(
        select(As2InboundRow)
        .where(As2InboundRow.as2_from == as2_from, As2InboundRow.message_id == message_id)
        .with_for_update()
    )
    if row is None:
        row = As2InboundRow(as2_from=as2_from, message_id=message_id, attempts=0, first_at=now, status="failed")
        session.add(row)
    row.attempts = (row.attempts or 0) + 1
    row.last_at = now
    row.size = size
    row.as2_to = (result.as2_to or "")[:128]
    row.partner_id = peer.partner_id if peer else row.partner_id
    row.disposition = result.disposition.header_value().split(";", 1)[-1].strip()[:255]
    if processed:
        row.status = "processed"
        row.invoice_id = invoice_id or row.invoice_id
        row.error_code = None
        row.detail = row.detail if result.duplicate else ""
    elif row.status != "processed":
        # A failure after a success keeps the success: the document is stored.
        row.status = "failed"
        row.error_code = error.code if error else None
        row.detail = (error.one_line() if error else "")[:2000]
    session.flush()


def _owe_mdn(engine: Engine, peer: As2Peer, result: InboundResult, clock: Callable[[], dt.datetime]) -> As2Record:
    assert result.mdn is not None and result.async_mdn_url is not None
    now = clock()
    record = As2Record(
        message_id=f"owed:{result.mdn.message_id}",
        kind=RecordKind.MDN_TO_SEND,
        created_at=now.isoformat(),
        # The endpoint tries at once; the channel's poll takes over only if that attempt did not finish.
        due_at=(now + dt.timedelta(seconds=60)).isoformat(),
        as2_message_id=result.message_id or "",
        url=result.async_mdn_url,
        headers=result.mdn.headers,
        body=encode_body(result.mdn.body),
    )
    StoreTracking(engine, peer.channel_key, As2Record, clock=clock).add(record)
    return record
