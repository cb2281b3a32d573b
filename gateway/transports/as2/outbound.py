"""Build an outbound AS2 message (RFC 4130 §5–6): payload entity, compress, sign, encrypt, headers.

Pure: bytes and configuration in, an :class:`OutboundMessage` out. The HTTP
layer posts ``headers`` and ``body`` as they are and keeps ``mic`` to check
the MDN with :func:`gateway.transports.as2.mdn.read_mdn`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

from gateway.transports.as2.algorithms import digest_name
from gateway.transports.as2.compression import compress
from gateway.transports.as2.config import As2Identity, As2Partner, Compression, MdnMode
from gateway.transports.as2.enveloping import encrypt
from gateway.transports.as2.identifiers import new_message_id, quote_as2_name
from gateway.transports.as2.mic import Mic, compute_mic
from gateway.transports.as2.mime import Header, MimeEntity, make_entity
from gateway.transports.as2.signing import sign
from gateway.transports.as2.smime import CmsKind, pkcs7_entity, signed_multipart

__all__ = ["OutboundMessage", "build_message", "payload_entity"]


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """An AS2 message ready to POST."""

    message_id: str
    """``<...@...>``, as sent in the Message-ID header."""
    headers: tuple[Header, ...]
    """HTTP headers, Content-Type included; never folded (the HTTP layer owns the wire)."""
    body: bytes
    mic: Mic
    """The MIC the partner's MDN must return (over the signed entity, or the payload entity if unsigned)."""
    mdn: MdnMode
    signed: bool
    encrypted: bool
    compressed: bool


def payload_entity(content: bytes, content_type: str, filename: str | None = None, *, fold: bool = False) -> MimeEntity:
    """Wrap the document in its MIME entity with binary transfer encoding (RFC 4130 §5.2)."""
    headers = [("Content-Type", content_type), ("Content-Transfer-Encoding", "binary")]
    if filename:
        safe = filename.replace("\\", "_").replace('"', "_").replace("\r", "").replace("\n", "")
        headers.append(("Content-Disposition", f'attachment; filename="{safe}"'))
    return make_entity(headers, content, fold=fold)


def _mdn_headers(partner: As2Partner, sender: As2Identity) -> list[Header]:
    if partner.mdn is MdnMode.NONE:
        return []
    spelling = partner.quirks.digest_spelling
    headers = [("Disposition-Notification-To", partner.async_mdn_url or sender.as2_name)]
    if partner.mdn_signed:
        micalg = digest_name(partner.mdn_digest, spelling)
        headers.append(
            (
                "Disposition-Notification-Options",
                f"signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, {micalg}",
            )
        )
    if partner.mdn is MdnMode.ASYNC:
        if not partner.async_mdn_url:
            raise ValueError(f"partner {partner.as2_name} asks for async MDNs but has no async_mdn_url")
        headers.append(("Receipt-Delivery-Option", partner.async_mdn_url))
    return headers


def build_message(
    content: bytes,
    *,
    sender: As2Identity,
    partner: As2Partner,
    content_type: str,
    filename: str | None = None,
    message_id: str | None = None,
    subject: str | None = None,
    now: dt.datetime | None = None,
) -> OutboundMessage:
    """Build the AS2 message carrying ``content`` to ``partner``, per the partner's profile.

    :param content_type: the document's media type (``application/EDIFACT``, ``application/xml``...).
    :param message_id: reuse an earlier Message-ID on a resend (AS2 Reliability); new otherwise.
    :param now: the clock, for the Date header and signing time.
    """
    quirks = partner.quirks
    fold = quirks.fold_headers
    when = now or dt.datetime.now(dt.UTC)
    entity = payload_entity(content, content_type, filename, fold=fold)
    # Unsigned: the MIC covers the payload entity, whatever wraps it later.
    mic = compute_mic(entity.to_bytes(), partner.mdn_digest, as_binary=quirks.canonicalize_as_binary)
    if partner.compression is Compression.BEFORE_SIGNING:
        entity = pkcs7_entity(compress(entity.to_bytes()), CmsKind.COMPRESSED, fold=fold)
    if partner.sign is not None:
        signed_bytes = entity.to_bytes()
        # Signed: the MIC covers the signed entity, compressed or not (RFC 5402 §4).
        mic = compute_mic(signed_bytes, partner.mdn_digest, as_binary=quirks.canonicalize_as_binary)
        signature = sign(
            signed_bytes,
            certificate=sender.certificate,
            key=sender.key,
            digest=partner.sign,
            scheme=partner.signature_scheme,
            algorithm_protection=quirks.algorithm_protection,
            signing_time=when,
        )
        entity = signed_multipart(signed_bytes, signature, digest_name(partner.sign, quirks.digest_spelling), fold=fold)
    if partner.compression is Compression.AFTER_SIGNING:
        entity = pkcs7_entity(compress(entity.to_bytes()), CmsKind.COMPRESSED, fold=fold)
    if partner.encryption is not None:
        der = encrypt(
            entity.to_bytes(),
            recipient=partner.certificate,
            encryption=partner.encryption,
            key_transport=quirks.key_transport,
        )
        kind = CmsKind.AUTH_ENVELOPED if partner.encryption.authenticated else CmsKind.ENVELOPED
        entity = pkcs7_entity(der, kind)
    message_id = message_id or new_message_id()
    headers: tuple[Header, ...] = (
        ("AS2-Version", "1.2"),
        ("AS2-From", quote_as2_name(sender.as2_name)),
        ("AS2-To", quote_as2_name(partner.as2_name)),
        ("Message-ID", message_id),
        ("Date", email.utils.format_datetime(when)),
        ("Subject", subject or f"AS2 message from {sender.as2_name}"),
        ("MIME-Version", "1.0"),
        *_mdn_headers(partner, sender),
        *entity.headers,
    )
    return OutboundMessage(
        message_id=message_id,
        headers=headers,
        body=entity.body,
        mic=mic,
        mdn=partner.mdn,
        signed=partner.sign is not None,
        encrypted=partner.encryption is not None,
        compressed=partner.compression is not Compression.NONE,
    )
