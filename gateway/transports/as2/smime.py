"""S/MIME entities around CMS structures (RFC 8551 §3.2–3.5, RFC 3274 for compression)."""

from __future__ import annotations

import base64
import uuid
from enum import StrEnum

from asn1crypto import cms  # type: ignore[import-untyped]  # no stubs

from gateway.transports.as2.errors import MalformedMessage
from gateway.transports.as2.mime import MimeEntity, decode_body, make_entity, parse_entity, split_multipart

__all__ = ["CmsKind", "cms_kind", "is_pkcs7_mime", "pkcs7_entity", "read_signed_multipart", "signed_multipart"]

_PKCS7_MIME = ("application/pkcs7-mime", "application/x-pkcs7-mime")
_PKCS7_SIGNATURE = ("application/pkcs7-signature", "application/x-pkcs7-signature")


class CmsKind(StrEnum):
    """The CMS content type inside an ``application/pkcs7-mime`` entity."""

    ENVELOPED = "enveloped_data"
    AUTH_ENVELOPED = "authenticated_enveloped_data"
    COMPRESSED = "compressed_data"
    SIGNED = "signed_data"


_SMIME_TYPE = {
    CmsKind.ENVELOPED: ("enveloped-data", "smime.p7m"),
    CmsKind.AUTH_ENVELOPED: ("authEnveloped-data", "smime.p7m"),
    CmsKind.COMPRESSED: ("compressed-data", "smime.p7z"),
    CmsKind.SIGNED: ("signed-data", "smime.p7m"),
}


def _boundary() -> str:
    return f"----=_Part_{uuid.uuid4().hex}"


def pkcs7_entity(der: bytes, kind: CmsKind, *, fold: bool = False) -> MimeEntity:
    """Wrap DER CMS in an ``application/pkcs7-mime`` entity with binary transfer encoding."""
    smime_type, name = _SMIME_TYPE[kind]
    headers = [
        ("Content-Type", f'application/pkcs7-mime; smime-type={smime_type}; name="{name}"'),
        ("Content-Transfer-Encoding", "binary"),
        ("Content-Disposition", f'attachment; filename="{name}"'),
    ]
    return make_entity(headers, der, fold=fold)


def signed_multipart(signed_entity: bytes, signature: bytes, micalg: str, *, fold: bool = False) -> MimeEntity:
    """Build ``multipart/signed`` from the exact signed entity bytes and a detached signature."""
    boundary = _boundary()
    encoded = base64.encodebytes(signature).replace(b"\n", b"\r\n")
    signature_part = make_entity(
        [
            ("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="smime.p7s"'),
        ],
        encoded,
    )
    mark = f"--{boundary}".encode("ascii")
    body = b"".join(
        [
            mark + b"\r\n",
            signed_entity,
            b"\r\n" + mark + b"\r\n",
            signature_part.to_bytes(),
            b"\r\n" + mark + b"--\r\n",
        ]
    )
    content_type = f'multipart/signed; protocol="application/pkcs7-signature"; micalg={micalg}; boundary="{boundary}"'
    return make_entity([("Content-Type", content_type)], body, fold=fold)


def read_signed_multipart(entity: MimeEntity) -> tuple[bytes, bytes, str | None]:
    """Return ``(signed entity bytes, DER signature, micalg)`` of a ``multipart/signed``.

    :raises MalformedMessage: no boundary, not two parts, or a second part that is no signature.
    """
    content_type = entity.content_type
    boundary = content_type.param("boundary")
    if not boundary:
        raise MalformedMessage("multipart/signed without a boundary parameter")
    parts = split_multipart(entity.body, boundary)
    if len(parts) != 2:
        raise MalformedMessage(f"multipart/signed must have 2 parts, found {len(parts)}")
    signature_entity = parse_entity(parts[1])
    if signature_entity.content_type.mime_type not in _PKCS7_SIGNATURE:
        raise MalformedMessage(f"second part of multipart/signed is {signature_entity.content_type.mime_type}")
    return parts[0], decode_body(signature_entity), content_type.param("micalg")


def is_pkcs7_mime(entity: MimeEntity) -> bool:
    """Whether the entity is ``application/pkcs7-mime`` (or the old ``x-`` spelling)."""
    return entity.content_type.mime_type in _PKCS7_MIME


def cms_kind(der: bytes) -> CmsKind:
    """Read which CMS structure ``der`` holds, regardless of the ``smime-type`` label.

    :raises MalformedMessage: not DER CMS, or a CMS type AS2 does not use.
    """
    try:
        kind = cms.ContentInfo.load(der)["content_type"].native
    except (ValueError, TypeError) as exc:
        raise MalformedMessage(f"application/pkcs7-mime body is not CMS: {exc}") from exc
    try:
        return CmsKind(kind)
    except ValueError:
        raise MalformedMessage(f"unexpected CMS content type {kind}") from None
