"""Message Disposition Notifications for AS2 (RFC 4130 §7, RFC 3798): build, read, verify.

A receipt proves delivery only when it is signed by the partner and its
``Received-Content-MIC`` equals the MIC we computed when sending
(RFC 4130 §7.3.1). :func:`read_mdn` therefore raises on a MIC mismatch; it
never downgrades one to a warning (phase2#59, django-pyas2's behaviour).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.transports.as2.algorithms import DigestAlgorithm, digest_name
from gateway.transports.as2.config import As2Identity, As2Partner, As2Quirks
from gateway.transports.as2.disposition import Disposition
from gateway.transports.as2.errors import MalformedMessage, MdnMismatch, MicMismatch, UnsignedMdn
from gateway.transports.as2.identifiers import new_message_id, normalize_message_id, quote_as2_name
from gateway.transports.as2.mic import Mic, parse_mic
from gateway.transports.as2.mime import (
    Header,
    MimeEntity,
    decode_body,
    entity_from_http,
    header_value,
    make_entity,
    parse_entity,
    parse_fields,
    split_multipart,
)
from gateway.transports.as2.signing import sign, verify
from gateway.transports.as2.smime import read_signed_multipart, signed_multipart
from gateway.transports.base import Ack

__all__ = ["MdnResult", "OutboundMdn", "build_mdn", "original_message_id", "read_mdn"]

REPORTING_UA = "Aiguillage AS2"


@dataclass(frozen=True, slots=True)
class OutboundMdn:
    """An MDN ready to return (sync) or POST (async)."""

    message_id: str
    headers: tuple[Header, ...]
    """HTTP headers, Content-Type included."""
    body: bytes
    signed: bool
    disposition: Disposition


@dataclass(frozen=True, slots=True)
class MdnResult:
    """A verified MDN, as the sender of the original message reads it."""

    original_message_id: str
    disposition: Disposition
    received_mic: Mic | None
    signed: bool
    mdn_message_id: str | None
    explanation: str
    """The human-readable first part of the report (trimmed)."""
    raw: bytes

    def to_ack(self) -> Ack:
        """Return the timeline acknowledgement for the engine."""
        return Ack(
            message_id=self.original_message_id,
            kind="as2-mdn",
            status=self.disposition.status,
            detail=self.disposition.header_value(),
            raw=self.raw,
        )


def _report(
    *,
    original_message_id: str,
    recipient: str,
    disposition: Disposition,
    mic: Mic | None,
    quirks: As2Quirks,
    explanation: str,
) -> MimeEntity:
    boundary = f"----=_Report_{uuid.uuid4().hex}"
    fields = [
        ("Reporting-UA", REPORTING_UA),
        ("Original-Recipient", f"rfc822; {recipient}"),
        ("Final-Recipient", f"rfc822; {recipient}"),
        ("Original-Message-ID", original_message_id),
    ]
    if mic is not None:
        fields.append(("Received-Content-MIC", mic.header_value(quirks.digest_spelling)))
    fields.append(("Disposition", disposition.header_value()))
    text = make_entity(
        [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")],
        explanation.encode("ascii", "replace") + b"\r\n",
    )
    notification = make_entity(
        [("Content-Type", "message/disposition-notification"), ("Content-Transfer-Encoding", "7bit")],
        "".join(f"{name}: {value}\r\n" for name, value in fields).encode("ascii"),
    )
    mark = f"--{boundary}".encode("ascii")
    body = b"".join(
        [
            mark + b"\r\n",
            text.to_bytes(),
            b"\r\n" + mark + b"\r\n",
            notification.to_bytes(),
            b"\r\n" + mark + b"--\r\n",
        ]
    )
    content_type = f'multipart/report; report-type=disposition-notification; boundary="{boundary}"'
    return make_entity([("Content-Type", content_type)], body, fold=quirks.fold_headers)


def build_mdn(
    *,
    original_message_id: str,
    reporter: str,
    recipient: str,
    disposition: Disposition,
    mic: Mic | None,
    signer: As2Identity | None,
    digest: DigestAlgorithm = DigestAlgorithm.SHA256,
    quirks: As2Quirks | None = None,
    explanation: str | None = None,
    now: dt.datetime | None = None,
) -> OutboundMdn:
    """Build a ``multipart/report`` MDN, signed with ``signer`` when given.

    :param reporter: our AS2 name (the MDN's AS2-From; the original's AS2-To).
    :param recipient: the partner's AS2 name (the MDN's AS2-To).
    :param mic: the Received-Content-MIC, computed with the requested ``signed-receipt-micalg``.
    :param digest: the signature digest, normally the MIC's algorithm.
    """
    quirks = quirks or As2Quirks()
    when = now or dt.datetime.now(dt.UTC)
    text = explanation or (
        f"The AS2 message {original_message_id} sent to {reporter} was received; disposition: {disposition.type}"
        + (f"/{disposition.modifier}: {disposition.description}" if disposition.modifier else "")
        + "."
    )
    report = _report(
        original_message_id=original_message_id,
        recipient=reporter,
        disposition=disposition,
        mic=mic,
        quirks=quirks,
        explanation=text,
    )
    top = report
    if signer is not None:
        signature = sign(
            report.to_bytes(),
            certificate=signer.certificate,
            key=signer.key,
            digest=digest,
            algorithm_protection=quirks.algorithm_protection,
            signing_time=when,
        )
        top = signed_multipart(
            report.to_bytes(), signature, digest_name(digest, quirks.digest_spelling), fold=quirks.fold_headers
        )
    message_id = new_message_id()
    headers: tuple[Header, ...] = (
        ("AS2-Version", "1.2"),
        ("AS2-From", quote_as2_name(reporter)),
        ("AS2-To", quote_as2_name(recipient)),
        ("Message-ID", message_id),
        ("Date", email.utils.format_datetime(when)),
        ("Subject", "AS2 MDN"),
        ("MIME-Version", "1.0"),
        *top.headers,
    )
    return OutboundMdn(message_id, headers, top.body, signer is not None, disposition)


def _notification(report: MimeEntity) -> tuple[tuple[Header, ...], str]:
    if report.content_type.mime_type != "multipart/report":
        raise MalformedMessage(f"an MDN is multipart/report, got {report.content_type.mime_type}")
    boundary = report.content_type.param("boundary")
    if not boundary:
        raise MalformedMessage("multipart/report without a boundary")
    explanation = ""
    for raw in split_multipart(report.body, boundary):
        part = parse_entity(raw)
        mime_type = part.content_type.mime_type
        if mime_type == "message/disposition-notification":
            return parse_fields(decode_body(part).strip() + b"\r\n"), explanation
        if mime_type == "text/plain" and not explanation:
            explanation = decode_body(part).decode("utf-8", "replace").strip()[:500]
    raise MalformedMessage("MDN without a message/disposition-notification part")


def original_message_id(headers: Sequence[Header], body: bytes) -> str:
    """Return the Original-Message-ID an MDN answers, without verifying it.

    For routing only: an endpoint receiving asynchronous MDNs needs it to find the
    message (and so the partner certificate and expected MIC) that :func:`read_mdn`
    then verifies the MDN against.

    :raises MalformedMessage: not an MDN, or no Original-Message-ID.
    """
    top = entity_from_http(headers, body)
    if top.content_type.mime_type == "multipart/signed":
        content, _, _ = read_signed_multipart(top)
        top = parse_entity(content)
    fields, _ = _notification(top)
    answered = header_value(fields, "Original-Message-ID")
    if not answered:
        raise MalformedMessage("MDN without an Original-Message-ID")
    return answered


def read_mdn(
    headers: Sequence[Header],
    body: bytes,
    *,
    partner: As2Partner,
    original_message_id: str,
    expected_mic: Mic | None,
) -> MdnResult:
    """Read and verify an MDN answering ``original_message_id``.

    A negative disposition is returned, not raised: the partner refused the
    message and said so in a verifiable receipt.

    :param expected_mic: the MIC computed when sending; ``None`` skips the MIC check
        (only for messages whose receipt carries none by agreement).
    :raises UnsignedMdn: unsigned, the partner profile asks for a signed MDN and
        ``quirks.accept_unsigned_mdn`` is off.
    :raises SignatureInvalid: signed, but not validly by the partner's certificate.
    :raises MdnMismatch: the MDN answers another message.
    :raises MicMismatch: a positive disposition whose MIC is missing or differs from ours.
    :raises MalformedMessage: not an MDN.
    """
    top = entity_from_http(headers, body)
    signed = top.content_type.mime_type == "multipart/signed"
    if signed:
        content, signature, _ = read_signed_multipart(top)
        verify(signature, content=content, certificate=partner.certificate)
        report = parse_entity(content)
    else:
        if partner.mdn_signed and not partner.quirks.accept_unsigned_mdn:
            raise UnsignedMdn(f"partner {partner.as2_name} returned an unsigned MDN; a signed one was requested")
        report = top
    fields, explanation = _notification(report)
    answered = header_value(fields, "Original-Message-ID")
    if answered is None or normalize_message_id(answered) != normalize_message_id(original_message_id):
        raise MdnMismatch(f"MDN answers {answered!r}, not {original_message_id!r}")
    disposition_value = header_value(fields, "Disposition")
    if disposition_value is None:
        raise MalformedMessage("MDN without a Disposition field")
    disposition = Disposition.parse(disposition_value)
    mic_value = header_value(fields, "Received-Content-MIC")
    received = parse_mic(mic_value) if mic_value else None
    if expected_mic is not None and disposition.status != "rejected":
        if received is None:
            raise MicMismatch(f"MDN for {original_message_id} carries no Received-Content-MIC")
        if not received.matches(expected_mic):
            raise MicMismatch(
                f"Received-Content-MIC {received.header_value()} differs from ours {expected_mic.header_value()}"
                f" for {original_message_id}"
            )
    return MdnResult(
        original_message_id=answered,
        disposition=disposition,
        received_mic=received,
        signed=signed,
        mdn_message_id=header_value(headers, "Message-ID"),
        explanation=explanation,
        raw=body,
    )
