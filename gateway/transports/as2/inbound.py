"""Process an inbound AS2 message (RFC 4130 §7): identify, decrypt, decompress, verify, MIC, MDN.

Pure: HTTP headers and body in, an :class:`InboundResult` out. Failures do not
raise: they become the result's ``error`` and the MDN's ``processed/error``
disposition, which is what the partner must receive (phase4's incoming SPI
returns errors the same way). Structures are unwrapped in whatever order they
come, so both compress-before-sign and sign-before-compress are accepted
(RFC 5402 §3.5–3.6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.transports.as2.algorithms import DigestAlgorithm
from gateway.transports.as2.compression import decompress
from gateway.transports.as2.config import As2Identity, As2Partner
from gateway.transports.as2.disposition import Disposition, MdnRequest, parse_mdn_request
from gateway.transports.as2.enveloping import decrypt
from gateway.transports.as2.errors import (
    As2Error,
    DecryptionFailed,
    MalformedMessage,
    SignatureInvalid,
    UnknownAs2Partner,
    UnsignedMessage,
)
from gateway.transports.as2.identifiers import unquote_as2_name
from gateway.transports.as2.mdn import OutboundMdn, build_mdn
from gateway.transports.as2.mic import Mic, compute_mic
from gateway.transports.as2.mime import (
    Header,
    MimeEntity,
    canonicalize,
    decode_body,
    entity_from_http,
    header_value,
    parse_content_type,
    parse_entity,
)
from gateway.transports.as2.signing import VerifiedSignature, verify
from gateway.transports.as2.smime import CmsKind, cms_kind, is_pkcs7_mime, read_signed_multipart

__all__ = ["InboundResult", "Parties", "PartyLookup", "process_message"]

_MAX_LAYERS = 6


@dataclass(frozen=True, slots=True)
class Parties:
    """The partner that sent and our organisation it was sent to."""

    partner: As2Partner
    identity: As2Identity


PartyLookup = Callable[[str, str], Parties | None]
"""``lookup(as2_from, as2_to)`` → the parties, or ``None`` when either name is unknown."""


@dataclass(frozen=True, slots=True)
class InboundResult:
    """What an inbound message turned out to be, and the MDN to answer with."""

    message_id: str | None
    as2_from: str | None
    as2_to: str | None
    partner: As2Partner | None
    payload: bytes | None
    """The document, transfer encoding undone; ``None`` when processing failed."""
    content_type: str | None
    filename: str | None
    signed: bool
    encrypted: bool
    compressed: bool
    mic: Mic | None
    """The MIC we return in the MDN."""
    disposition: Disposition
    error: As2Error | None
    duplicate: bool
    """Answered ``processed/warning: duplicate-document``; do not dispatch it again."""
    mdn: OutboundMdn | None
    """``None`` when the sender asked for no MDN."""
    async_mdn_url: str | None
    """Where to POST ``mdn`` when the sender asked for an asynchronous one."""

    @property
    def accepted(self) -> bool:
        """Whether the payload is good to store and dispatch."""
        return self.error is None and self.payload is not None and not self.duplicate


@dataclass
class _Unwrapped:
    # Mutable scratchpad of one unwrap; never leaves this module.
    entity: MimeEntity
    signed_entity: bytes | None = None
    signature: VerifiedSignature | None = None
    encrypted: bool = False
    compressed: bool = False


def _verify_first_part(content: bytes, signature: bytes, parties: Parties) -> VerifiedSignature:
    try:
        return verify(signature, content=content, certificate=parties.partner.certificate)
    except SignatureInvalid:
        # A signer that canonicalised a text part (openssl smime without -binary)
        # signed the CRLF form; the bytes may have reached us with bare LFs.
        canonical = canonicalize(content, as_binary=parties.partner.quirks.canonicalize_as_binary)
        if canonical == content:
            raise
        return verify(signature, content=canonical, certificate=parties.partner.certificate)


def _decrypt(der: bytes, identity: As2Identity) -> bytes:
    candidates = list(identity.previous)
    if isinstance(identity.key, rsa.RSAPrivateKey):
        candidates.insert(0, (identity.certificate, identity.key))
    last: DecryptionFailed | None = None
    for certificate, key in candidates:
        try:
            return decrypt(der, certificate=certificate, key=key).content
        except DecryptionFailed as exc:
            last = exc
    raise last or DecryptionFailed("no RSA decryption key configured for our organisation")


def _unwrap(top: MimeEntity, parties: Parties) -> _Unwrapped:
    state = _Unwrapped(top)
    for _ in range(_MAX_LAYERS):
        entity = state.entity
        mime_type = entity.content_type.mime_type
        if mime_type == "multipart/signed":
            if state.signature is not None:
                raise MalformedMessage("a signed message inside a signed message")
            content, signature, _micalg = read_signed_multipart(entity)
            state.signature = _verify_first_part(content, signature, parties)
            state.signed_entity = content
            state.entity = parse_entity(content)
        elif is_pkcs7_mime(entity):
            der = decode_body(entity)
            kind = cms_kind(der)
            if kind in (CmsKind.ENVELOPED, CmsKind.AUTH_ENVELOPED):
                state.encrypted = True
                state.entity = parse_entity(_decrypt(der, parties.identity))
            elif kind is CmsKind.COMPRESSED:
                state.compressed = True
                state.entity = parse_entity(decompress(der))
            else:
                if state.signature is not None:
                    raise MalformedMessage("a signed message inside a signed message")
                state.signature = verify(der, content=None, certificate=parties.partner.certificate)
                state.signed_entity = state.signature.content
                state.entity = parse_entity(state.signature.content)
        else:
            return state
    raise MalformedMessage(f"more than {_MAX_LAYERS} nested S/MIME layers")


def _mic_algorithm(request: MdnRequest, signature: VerifiedSignature | None) -> DigestAlgorithm:
    if request.micalgs:
        return request.micalgs[0]
    return signature.digest if signature is not None else DigestAlgorithm.SHA256


def _filename(entity: MimeEntity) -> str | None:
    disposition = entity.get("Content-Disposition")
    return parse_content_type(disposition).param("filename") if disposition else None


def process_message(
    headers: Sequence[Header],
    body: bytes,
    *,
    lookup: PartyLookup,
    is_duplicate: Callable[[str, str], bool] | None = None,
    now: dt.datetime | None = None,
) -> InboundResult:
    """Process one received AS2 message and prepare the MDN it asked for.

    :param headers: the HTTP request headers, any case.
    :param lookup: finds the partner and our organisation from AS2-From / AS2-To.
    :param is_duplicate: ``is_duplicate(as2_from, message_id)``; a duplicate gets
        ``processed/warning: duplicate-document`` and ``duplicate=True``.
    """
    request = parse_mdn_request(headers)
    message_id = header_value(headers, "Message-ID")
    as2_from = as2_to = None
    parties: Parties | None = None
    state: _Unwrapped | None = None
    mic: Mic | None = None
    error: As2Error | None = None
    duplicate = False
    payload: bytes | None = None
    try:
        as2_from = unquote_as2_name(header_value(headers, "AS2-From") or "")
        as2_to = unquote_as2_name(header_value(headers, "AS2-To") or "")
        if not message_id:
            raise MalformedMessage("AS2 message without a Message-ID")
        parties = lookup(as2_from, as2_to)
        if parties is None:
            raise UnknownAs2Partner(f"no AS2 partner {as2_from!r} sending to an organisation {as2_to!r}")
        state = _unwrap(entity_from_http(headers, body), parties)
        if state.signature is None and parties.partner.quirks.reject_unsigned_messages:
            raise UnsignedMessage(f"partner {as2_from} must sign its messages; this one is unsigned")
        mic_entity = state.signed_entity if state.signed_entity is not None else state.entity.to_bytes()
        mic = compute_mic(
            mic_entity,
            _mic_algorithm(request, state.signature),
            as_binary=parties.partner.quirks.canonicalize_as_binary,
        )
        payload = decode_body(state.entity)
        duplicate = bool(is_duplicate and is_duplicate(as2_from, message_id))
    except As2Error as exc:
        error = exc
        payload = None
    if error is not None:
        disposition = Disposition.error(error.disposition)
    elif duplicate:
        disposition = Disposition.warning("duplicate-document")
    else:
        disposition = Disposition.processed()
    mdn = None
    if request.requested and message_id:
        signer = parties.identity if parties is not None and request.signed else None
        mdn = build_mdn(
            original_message_id=message_id,
            reporter=as2_to or "unknown",
            recipient=as2_from or "unknown",
            disposition=disposition,
            mic=mic,
            signer=signer,
            digest=_mic_algorithm(request, state.signature if state else None),
            quirks=parties.partner.quirks if parties is not None else None,
            explanation=_explanation(message_id, disposition, error),
            now=now,
        )
    payload_entity = state.entity if state is not None and error is None else None
    return InboundResult(
        message_id=message_id,
        as2_from=as2_from,
        as2_to=as2_to,
        partner=parties.partner if parties is not None else None,
        payload=payload,
        content_type=payload_entity.get("Content-Type") if payload_entity is not None else None,
        filename=_filename(payload_entity) if payload_entity is not None else None,
        signed=bool(state and state.signature),
        encrypted=bool(state and state.encrypted),
        compressed=bool(state and state.compressed),
        mic=mic,
        disposition=disposition,
        error=error,
        duplicate=duplicate,
        mdn=mdn,
        async_mdn_url=request.async_url,
    )


def _explanation(message_id: str, disposition: Disposition, error: As2Error | None) -> str:
    if error is None:
        return f"The AS2 message {message_id} was received and {disposition.type}."
    # The partner sees the category, not our internals (no paths, no key details).
    return f"The AS2 message {message_id} could not be processed: {disposition.description}."
