"""The one transport interface every channel implements.

A channel does three things (STYLE.md §7, after httpx's ``BaseTransport`` and
phase4's send results):

- ``send(envelope) -> SendResult``: deliver one document. The result says
  whether it arrived (``delivered``), may arrive on a later attempt
  (``transient-error``), never will (``permanent-error``), or was refused by
  the peer (``rejected-by-peer``). The outbox decides retries from
  ``retry_feasible`` alone. A channel with a synchronous acknowledgement (AS2
  sync MDN, AS4 receipt) returns it in ``SendResult.ack``.
- ``poll_acks() -> Iterable[Ack]``: asynchronous acknowledgements (AS2 async
  MDN kept by the HTTP endpoint, Chorus Pro statuses, SFTP acknowledgement
  files, Peppol MLS). Each names the ``message_id`` it answers, which links it
  back to the delivery that sent it.
- ``close()``: release connections. Transports are context managers.

An inbound channel implements :class:`Intake`: ``poll()`` yields files and
``confirm(file)`` is called only after the file is durably stored, so a remote
file is archived or removed only when nothing can be lost.

Transports never sleep to retry, never open a database transaction and never
read global configuration (STYLE.md §24): the outbox owns time and retries.

Each channel class also has ``config_class`` (whose ``from_config`` checks a
partner file's keys without resolving secrets, for ``gateway partners check``)
and ``from_config(params, *, where, base)``. A channel that keeps following a
delivery after sending it (Chorus Pro statuses, AS2 async MDNs) declares a
``tracking_record`` dataclass; the worker then passes ``tracking=`` (durable
storage for those records, shared by all workers) and ``clock=``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType, TracebackType
from typing import ClassVar, Protocol, Self, runtime_checkable

__all__ = ["Ack", "Envelope", "InboundFile", "Intake", "Outcome", "Phase", "SendResult", "Transport"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


class Outcome(StrEnum):
    """What happened to one send attempt."""

    DELIVERED = "delivered"
    TRANSIENT_ERROR = "transient-error"
    PERMANENT_ERROR = "permanent-error"
    REJECTED_BY_PEER = "rejected-by-peer"


@dataclass(frozen=True, slots=True)
class Envelope:
    """One document to deliver, with what the channel needs to address it."""

    message_id: str
    """Our unique id for this transmission; asynchronous acknowledgements name it."""
    delivery_id: str
    """The outbox row this attempt belongs to."""
    invoice_id: str
    """The invoice the document renders."""
    partner_id: str
    """The recipient partner's id (its profile file stem)."""
    filename: str
    """Suggested file name, e.g. ``F2024-001.ubl.xml``."""
    content: bytes
    """The rendition, byte for byte."""
    media_type: str
    """``application/xml``, ``application/pdf``, ``application/EDIFACT``…"""
    format: str
    """The rendition's format id (``ubl``, ``cii``, ``facturx``, ``edifact-cen``…)."""
    metadata: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Channel hints (e.g. the buyer's SIRET for Chorus Pro)."""


@dataclass(frozen=True, slots=True)
class Phase:
    """One timed phase of a send (connect, upload, rename, MDN check…)."""

    name: str
    duration_s: float
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Ack:
    """An acknowledgement from a peer, linked to a delivery by ``message_id``."""

    message_id: str
    """The :attr:`Envelope.message_id` this acknowledgement answers."""
    kind: str
    """Stable id of the acknowledgement type: ``as2-mdn``, ``edifact-contrl``, ``chorus-status``, ``sftp-ack-file``…"""
    status: str
    """``accepted``, ``rejected``, ``warning`` or a channel status (``MISE_EN_PAIEMENT``…)."""
    detail: str = ""
    """Human-readable reason, e.g. the CONTRL error or the MDN disposition."""
    at: datetime | None = None
    """When the peer says it happened, if it says."""
    raw: bytes | None = None
    """The acknowledgement document itself, kept on the timeline."""
    terminal: bool = True
    """``False`` when more acknowledgements are to come for this message (status tracking)."""


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one send attempt (phase4's ``EAS4UserMessageSendResult``)."""

    outcome: Outcome
    retry_feasible: bool
    """Whether another attempt may succeed; the outbox's only retry input."""
    detail: str = ""
    """One line on what happened; never a secret or a payload."""
    remote_ref: str | None = None
    """Where the peer put it: a remote path, a Chorus Pro ``numeroFluxDepot``…"""
    phases: tuple[Phase, ...] = ()
    ack: Ack | None = None
    """A synchronous acknowledgement (AS2 sync MDN, AS4 receipt), when the channel has one."""
    awaits_ack: bool = False
    """``True`` when an asynchronous acknowledgement is expected for ``message_id``."""

    @classmethod
    def delivered(cls, detail: str = "", **kwargs: object) -> SendResult:
        """Return a successful result."""
        return cls(Outcome.DELIVERED, False, detail, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def transient(cls, detail: str, **kwargs: object) -> SendResult:
        """Return a failure that a later attempt may overcome."""
        return cls(Outcome.TRANSIENT_ERROR, True, detail, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def permanent(cls, detail: str, **kwargs: object) -> SendResult:
        """Return a failure no retry can fix."""
        return cls(Outcome.PERMANENT_ERROR, False, detail, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class InboundFile:
    """A file an intake channel found, not yet confirmed."""

    name: str
    content: bytes
    source: str
    """Where it came from, e.g. ``sftp://partner/out/INV1.xml`` or a local path."""
    channel: str
    """The intake's channel name (``folder``, ``sftp``…)."""
    partner_id: str | None = None
    """The partner whose channel delivered it, when known."""


@runtime_checkable
class Transport(Protocol):
    """An outbound channel."""

    name: ClassVar[str]

    def send(self, envelope: Envelope) -> SendResult:
        """Deliver one document; never raise for a peer failure, return it."""
        ...

    def poll_acks(self) -> Iterable[Ack]:
        """Yield acknowledgements that arrived since the last poll."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


@runtime_checkable
class Intake(Protocol):
    """An inbound channel."""

    name: ClassVar[str]

    def poll(self) -> Iterable[InboundFile]:
        """Yield files that are complete (stable) and not yet confirmed."""
        ...

    def confirm(self, item: InboundFile) -> None:
        """Archive or remove ``item`` at the source; called only after it is durably stored."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
