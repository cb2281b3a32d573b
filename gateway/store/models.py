"""ORM rows of the store (SQLAlchemy 2 typed declarative; STYLE.md §3, §15).

Tables: ``blobs`` (content-addressed bytes), ``invoices``, ``documents`` (each
original and each rendition, pointing at a blob), ``deliveries`` (the outbox),
``events`` (the append-only timeline), ``partners`` (what was loaded from
``partners/*.yaml``), ``sequences`` (interchange control numbers), ``audit``,
``api_tokens`` (hashed), ``leases``, ``tracking`` and ``as2_inbound`` (AS2
Message-IDs received, for duplicate detection and failed receptions).

The schema is created and changed only by Alembic migrations
(``gateway/store/migrations``); ``Base.metadata`` is what they are checked
against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from gateway.store.types import UtcDateTime

__all__ = [
    "ApiTokenRow",
    "As2InboundRow",
    "AuditRow",
    "Base",
    "BlobRow",
    "DeliveryRow",
    "DocumentRow",
    "EventRow",
    "InvoiceRow",
    "LeaseRow",
    "TrackingRow",
    "PartnerRow",
    "SequenceRow",
]

Money = Annotated[Decimal, 19]
Timestamp = Annotated[dt.datetime, "timestamp"]
Sha256 = Annotated[str, 64]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base: deterministic constraint names, money as ``Numeric(19, 4)``."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        Money: Numeric(19, 4),
        Timestamp: UtcDateTime(),
        Sha256: String(64),
        dict[str, Any]: JSON,
    }


class BlobRow(Base):
    """Bytes stored once, named by their SHA-256; never rewritten."""

    __tablename__ = "blobs"

    sha256: Mapped[Sha256] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[Timestamp]


class InvoiceRow(Base):
    """One invoice as the gateway knows it: its summary, status and where it came from."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("original_sha256"),
        Index(None, "status", "updated_at"),
        Index(None, "partner_id", "status"),
        Index(None, "number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    status: Mapped[str] = mapped_column(String(32))
    """The last status on the ladder (:class:`gateway.pipeline.status.Status`); changed only with an event."""
    original_sha256: Mapped[Sha256] = mapped_column(ForeignKey("blobs.sha256"))
    """The submitted bytes; unique, which makes intake idempotent."""
    original_name: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(512))
    """Where it came from: ``api``, ``cli``, ``folder:/in/x.pdf``, ``sftp://acme/out/x.xml``."""
    detected: Mapped[str | None] = mapped_column(String(64))
    partner_id: Mapped[str | None] = mapped_column(String(128))
    """The recipient partner, once routed."""
    number: Mapped[str | None] = mapped_column(String(128))
    """BT-1."""
    issue_date: Mapped[dt.date | None]
    due_date: Mapped[dt.date | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_due: Mapped[Money | None]
    """BT-115, amount due for payment."""
    seller_name: Mapped[str | None] = mapped_column(String(255))
    buyer_name: Mapped[str | None] = mapped_column(String(255))
    quarantine_code: Mapped[str | None] = mapped_column(String(64))
    """Why the invoice is quarantined (an error code), ``None`` otherwise."""
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    """The worker processing this invoice through the pipeline (crash recovery)."""
    lease_expires_at: Mapped[Timestamp | None]


class DocumentRow(Base):
    """An original or a rendition of an invoice."""

    __tablename__ = "documents"
    __table_args__ = (Index(None, "invoice_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    role: Mapped[str] = mapped_column(String(16))
    """``original``, ``rendition`` or ``ack`` (an acknowledgement document)."""
    format: Mapped[str] = mapped_column(String(32))
    media_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[Sha256] = mapped_column(ForeignKey("blobs.sha256"))
    created_at: Mapped[Timestamp]


class DeliveryRow(Base):
    """One document to deliver over one channel: the outbox."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message_id"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "invoice_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    document: Mapped[DocumentRow] = relationship(lazy="raise")
    """Set when queueing, so that the document and its delivery are inserted in one flush."""
    partner_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(128))
    """The channel's name in the partner profile."""
    channel_type: Mapped[str] = mapped_column(String(32))
    channel_index: Mapped[int]
    """Position in the partner's channel list: 0 is the primary, the rest are fallbacks."""
    message_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    """``pending``, ``leased``, ``sent`` (awaiting an ack), ``done``, ``dead``, ``cancelled``."""
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    next_attempt_at: Mapped[Timestamp]
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[Timestamp | None]
    remote_ref: Mapped[str | None] = mapped_column(String(512))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class EventRow(Base):
    """One entry of an invoice's timeline. Rows are only ever inserted."""

    __tablename__ = "events"
    __table_args__ = (Index(None, "invoice_id", "id"), Index(None, "kind", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    at: Mapped[Timestamp]
    step: Mapped[str] = mapped_column(String(32))
    """The pipeline step or component that wrote it (``intake``, ``read``, ``outbox``…)."""
    kind: Mapped[str] = mapped_column(String(48))
    status: Mapped[str | None] = mapped_column(String(32))
    """The invoice status this event moves to, if it moves it."""
    detail: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    """The event this one follows from (the trail, as Bots' ``ta`` parent → child)."""


class PartnerRow(Base):
    """A partner profile as last loaded from its file."""

    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[Sha256]
    loaded_at: Mapped[Timestamp]
    profile: Mapped[dict[str, Any]]


class SequenceRow(Base):
    """A named counter (EDIFACT interchange control numbers per partner pair)."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    """Who did what by hand (retry, cancel, replay, token creation)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[Timestamp]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str] = mapped_column(Text, default="")


class ApiTokenRow(Base):
    """An API token, stored as its SHA-256 only."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    token_sha256: Mapped[Sha256]
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[Timestamp | None]


class LeaseRow(Base):
    """A named lease, for work only one process may do at a time (polling one intake channel)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[Timestamp]


class TrackingRow(Base):
    """A delivery a channel still follows after sending it (Chorus Pro flow and invoice statuses)."""

    __tablename__ = "tracking"
    __table_args__ = (Index(None, "channel_key"),)

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel_key: Mapped[str] = mapped_column(String(255))
    """``<partner id>/<channel name>``."""
    state: Mapped[dict[str, Any]]
    """The channel's own progress record (JSON)."""
    updated_at: Mapped[Timestamp]


class As2InboundRow(Base):
    """One AS2 Message-ID received from one partner: duplicate detection and the trace of failures.

    Only a ``processed`` row makes a later message with the same id a duplicate; a
    ``failed`` one does not, so a corrected resend under the same Message-ID goes
    through (django-pyas2#33).
    """

    __tablename__ = "as2_inbound"
    __table_args__ = (UniqueConstraint("as2_from", "message_id"), Index(None, "status", "last_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as2_from: Mapped[str] = mapped_column(String(128))
    """The sender's AS2 name as received (empty when the header was missing or invalid)."""
    as2_to: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(255))
    """As received, angle brackets included; longer ids are refused as malformed."""
    status: Mapped[str] = mapped_column(String(16))
    """``processed`` (stored as an invoice) or ``failed`` (answered with an error disposition)."""
    partner_id: Mapped[str | None] = mapped_column(String(128))
    """The partner profile that matched AS2-From/AS2-To, if one did."""
    invoice_id: Mapped[str | None] = mapped_column(String(36))
    disposition: Mapped[str] = mapped_column(String(255))
    """The disposition we answered last (``processed``, ``processed/error: decryption-failed``...)."""
    error_code: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    """Why it failed, for the operator; never key material or payload."""
    size: Mapped[int] = mapped_column(BigInteger)
    """Size of the HTTP body received last."""
    attempts: Mapped[int] = mapped_column(default=1)
    """How many times this Message-ID arrived (resends, duplicates)."""
    first_at: Mapped[Timestamp]
    last_at: Mapped[Timestamp]
