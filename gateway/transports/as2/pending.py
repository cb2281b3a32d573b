"""What an AS2 channel keeps between a send and its asynchronous MDN, in the channel's tracking store.

Three kinds of record share one dataclass, because the worker hands a channel
one store for one record type (``tracking_record``); each kind has one writer,
so no record is ever rewritten by two processes at once:

- ``awaiting-mdn`` (written by :meth:`As2Transport.send`): a message sent with
  an asynchronous MDN requested, with the MIC the MDN must return and the time
  after which a timeout event is reported;
- ``mdn-received`` (written by the HTTP endpoint ``POST /as2/mdn``): a verified
  MDN for an ``awaiting-mdn`` record, waiting for the channel's next
  ``poll_acks`` to turn it into an acknowledgement;
- ``mdn-to-send`` (written by the endpoint ``POST /as2``): an asynchronous MDN
  we owe the partner, re-sent by ``poll_acks`` until the partner takes it.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from gateway.transports.as2.identifiers import normalize_message_id
from gateway.transports.as2.mime import Header

__all__ = ["As2Record", "RecordKind", "as2_message_id", "encode_body", "envelope_message_id", "received_key"]


class RecordKind(StrEnum):
    """The three record kinds."""

    AWAITING_MDN = "awaiting-mdn"
    MDN_RECEIVED = "mdn-received"
    MDN_TO_SEND = "mdn-to-send"


def as2_message_id(envelope_message_id: str, domain: str) -> str:
    """Return the AS2 Message-ID carrying the outbox's message id (``<hex@domain>``)."""
    return f"<{envelope_message_id}@{domain}>"


def envelope_message_id(as2_id: str) -> str:
    """Return the outbox message id inside an AS2 Message-ID we minted (the part before ``@``)."""
    return normalize_message_id(as2_id).partition("@")[0]


def encode_body(body: bytes) -> str:
    """Return ``body`` as the base64 text a record keeps."""
    return base64.b64encode(body).decode("ascii")


def received_key(envelope_id: str) -> str:
    """Return the record key of the MDN received for ``envelope_id`` (beside its ``awaiting-mdn`` record)."""
    return f"mdn:{envelope_id}"


@dataclass(frozen=True, slots=True)
class As2Record:
    """One tracking record of an AS2 channel (JSON in the ``tracking`` table)."""

    message_id: str
    """The record key: the outbox message id (awaiting), ``mdn:<id>`` (received), the MDN's id (to send)."""
    kind: str
    """A :class:`RecordKind` value."""
    created_at: str
    """ISO 8601."""
    due_at: str
    """Awaiting: when the MDN is late. To send: the next attempt."""
    as2_message_id: str = ""
    """Awaiting and received: the AS2 Message-ID of our message."""
    mic: str | None = None
    """Awaiting: the Received-Content-MIC expected (``b64, sha-256``)."""
    timeout_reported: bool = False
    """Awaiting: the timeout event was reported; a late MDN is still taken."""
    ack_status: str = ""
    """Received: ``accepted``, ``warning`` or ``rejected``."""
    ack_detail: str = ""
    ack_raw: str = ""
    """Received: the MDN body, base64."""
    url: str = ""
    """To send: the partner's Receipt-Delivery-Option URL."""
    headers: tuple[tuple[str, str], ...] = ()
    """To send: the MDN's HTTP headers."""
    body: str = ""
    """To send: the MDN body, base64."""
    attempts: int = 0
    last_error: str = ""

    @property
    def due(self) -> dt.datetime:
        """:attr:`due_at` as a datetime."""
        return dt.datetime.fromisoformat(self.due_at)

    def body_bytes(self) -> bytes:
        """Return the MDN body to send."""
        return base64.b64decode(self.body)

    def raw_bytes(self) -> bytes | None:
        """Return the received MDN, if any."""
        return base64.b64decode(self.ack_raw) if self.ack_raw else None

    def header_pairs(self) -> tuple[Header, ...]:
        """Return :attr:`headers` as pairs (JSON brings them back as lists)."""
        return tuple((str(name), str(value)) for name, value in self.headers)
