"""CMS SignedData (RFC 5652 §5) for S/MIME signatures: build detached or opaque, verify either.

Built with asn1crypto + ``cryptography`` primitives rather than
``cryptography``'s ``PKCS7SignatureBuilder``: that builder always writes its own
fixed set of signed attributes, and AS2 partners need the RFC 6211
CMSAlgorithmProtection attribute switched on or off (IBM Sterling and DataPower
reject it, RFC 8551 recommends it).

Verification checks the signature against the *partner's configured*
certificate, never against whichever certificate the message carries: a
message signed by anyone else is an authentication failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import algos, cms, core  # type: ignore[import-untyped]  # no stubs
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from gateway.transports.as2._asn1_certs import asn1_certificate, issued_by_serial
from gateway.transports.as2.algorithms import DigestAlgorithm, SignatureScheme, hash_of, parse_digest
from gateway.transports.as2.errors import MalformedMessage, SignatureInvalid, UnsupportedAlgorithm

__all__ = ["SigningKey", "VerifiedSignature", "sign", "verify"]

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a valid signature establishes."""

    content: bytes
    """The signed content (the detached content given, or the encapsulated one)."""
    digest: DigestAlgorithm
    """The signer's digest algorithm, which a MIC over the same content should reuse."""
    signing_time: dt.datetime | None
    """The signer's claimed signing time, if the attribute is present."""
    algorithm_protection: bool
    """Whether the RFC 6211 attribute was present (and consistent)."""


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_certificate(certificate)


def _signature_algorithm(ec_key: bool, digest: DigestAlgorithm, scheme: SignatureScheme) -> algos.SignedDigestAlgorithm:
    if ec_key:
        return algos.SignedDigestAlgorithm({"algorithm": f"{digest.value}_ecdsa"})
    if scheme is SignatureScheme.PSS:
        params = algos.RSASSAPSSParams(
            {
                "hash_algorithm": {"algorithm": digest.value},
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": digest.value}},
                "salt_length": hash_of(digest).digest_size,
            }
        )
        return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": params})
    return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15", "parameters": core.Null()})


def _raw_sign(key: SigningKey, data: bytes, digest: DigestAlgorithm, scheme: SignatureScheme) -> bytes:
    algorithm = hash_of(digest)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(algorithm))
    if scheme is SignatureScheme.PSS:
        pss = padding.PSS(mgf=padding.MGF1(hash_of(digest)), salt_length=algorithm.digest_size)
        return key.sign(data, pss, algorithm)
    return key.sign(data, padding.PKCS1v15(), algorithm)


def _digest(data: bytes, algorithm: DigestAlgorithm) -> bytes:
    return hashlib.new(algorithm.value, data).digest()


def sign(
    content: bytes,
    *,
    certificate: x509.Certificate,
    key: SigningKey,
    digest: DigestAlgorithm = DigestAlgorithm.SHA256,
    scheme: SignatureScheme = SignatureScheme.PKCS1V15,
    algorithm_protection: bool = True,
    detached: bool = True,
    signing_time: dt.datetime,
) -> bytes:
    """Sign ``content`` and return a DER ``ContentInfo`` holding SignedData.

    :param content: the exact bytes to sign (for S/MIME, the canonical MIME entity).
    :param scheme: PKCS#1 v1.5 or RSASSA-PSS; ignored for EC keys.
    :param algorithm_protection: add the RFC 6211 CMSAlgorithmProtection attribute.
    :param detached: leave the content out (``multipart/signed``) or embed it (opaque).
    :param signing_time: the signingTime attribute, given by the caller's clock.
    """
    cert = _asn1_cert(certificate)
    digest_der, signature_der, protection_der = _algorithm_ders(
        isinstance(key, ec.EllipticCurvePrivateKey), digest, scheme
    )
    attributes = [
        _ATTR_CONTENT_TYPE_DATA,
        _attribute_der(_OID_SIGNING_TIME, _time_der(signing_time)),
        _attribute_der(_OID_MESSAGE_DIGEST, _der(0x04, _digest(content, digest))),
    ]
    if algorithm_protection:
        attributes.append(protection_der)
    # DER orders the members of a SET OF by their encodings (X.690 §11.6); none is a prefix of another.
    signed_attrs = _der(0x31, b"".join(sorted(attributes)))
    signature = _raw_sign(key, signed_attrs, digest, scheme)
    return _signed_data_der(
        cert=cert,
        digest_algorithm=digest_der,
        signature_algorithm=signature_der,
        signed_attrs=signed_attrs,
        signature=signature,
        content=None if detached else content,
    )


def _der(tag: int, content: bytes) -> bytes:
    """One DER tag-length-value (definite length)."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


_OID_DATA = bytes.fromhex("06092a864886f70d010701")  # 1.2.840.113549.1.7.1 id-data
_OID_CONTENT_TYPE = bytes.fromhex("06092a864886f70d010903")  # 1.2.840.113549.1.9.3
_OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")  # 1.2.840.113549.1.9.4
_OID_SIGNING_TIME = bytes.fromhex("06092a864886f70d010905")  # 1.2.840.113549.1.9.5
_OID_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2 id-signedData
_VERSION_1 = bytes.fromhex("020101")


def _attribute_der(oid: bytes, value: bytes) -> bytes:
    """An Attribute: SEQUENCE { attrType, SET OF attrValue } with one value."""
    return _der(0x30, oid + _der(0x31, value))


_ATTR_CONTENT_TYPE_DATA = _attribute_der(_OID_CONTENT_TYPE, _OID_DATA)


def _time_der(moment: dt.datetime) -> bytes:
    """A CMS Time: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3)."""
    utc = moment.astimezone(dt.UTC)
    if 1950 <= utc.year < 2050:
        return _der(0x17, utc.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return _der(0x18, utc.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


@lru_cache(maxsize=32)
def _algorithm_ders(ec_key: bool, digest: DigestAlgorithm, scheme: SignatureScheme) -> tuple[bytes, bytes, bytes]:
    """Return the DER of the digest algorithm, the signature algorithm and the RFC 6211 attribute."""
    digest_algorithm = algos.DigestAlgorithm({"algorithm": digest.value})
    signature_algorithm = _signature_algorithm(ec_key, digest, scheme)
    protection = cms.CMSAlgorithmProtection(
        {"digest_algorithm": digest_algorithm, "signature_algorithm": signature_algorithm}
    )
    attribute = cms.CMSAttribute({"type": "cms_algorithm_protection", "values": [protection]})
    return digest_algorithm.dump(), signature_algorithm.dump(), attribute.dump()


def _signed_data_der(
    *,
    cert: asn1_x509.Certificate,
    digest_algorithm: bytes,
    signature_algorithm: bytes,
    signed_attrs: bytes,
    signature: bytes,
    content: bytes | None,
) -> bytes:
    """Assemble ContentInfo(SignedData) from DER pieces (RFC 5652 §5).

    asn1crypto builds the same structure from dictionaries at four times the cost
    of the RSA signature itself (profiled: 1.1 ms of 1.3 ms per signature), and an
    AS2 exchange signs twice (message and MDN). The pieces that vary are small and
    already DER; a test checks the result is byte-identical to asn1crypto's.
    """
    serial = cert["tbs_certificate"]["serial_number"].dump()
    signer_id = _der(0x30, cert.issuer.dump() + serial)
    # signedAttrs are signed as a SET OF (tag 0x31) and carried as [0] IMPLICIT (tag 0xA0).
    implicit_attrs = b"\xa0" + signed_attrs[1:]
    signer_info = _der(
        0x30,
        _VERSION_1 + signer_id + digest_algorithm + implicit_attrs + signature_algorithm + _der(0x04, signature),
    )
    encapsulated = _OID_DATA if content is None else _OID_DATA + _der(0xA0, _der(0x04, content))
    signed_data = _der(
        0x30,
        _VERSION_1
        + _der(0x31, digest_algorithm)
        + _der(0x30, encapsulated)
        + _der(0xA0, cert.dump())
        + _der(0x31, signer_info),
    )
    return _der(0x30, _OID_SIGNED_DATA + _der(0xA0, signed_data))


def _signer_matches(sid: cms.SignerIdentifier, cert: asn1_x509.Certificate) -> bool:
    if sid.name == "issuer_and_serial_number":
        chosen = sid.chosen
        return issued_by_serial(chosen["issuer"], chosen["serial_number"].native, cert)
    return bool(sid.chosen.native == cert.key_identifier)


def _attribute(attrs: cms.CMSAttributes, name: str) -> object | None:
    for attr in attrs:
        if attr["type"].native == name:
            values = attr["values"]
            if len(values) != 1:
                raise SignatureInvalid(f"signed attribute {name} must have exactly one value")
            value: object = values[0]
            return value
    return None


def _check_signature(
    certificate: x509.Certificate, signer_info: cms.SignerInfo, data: bytes, digest: DigestAlgorithm
) -> None:
    public_key = certificate.public_key()
    sig_alg: algos.SignedDigestAlgorithm = signer_info["signature_algorithm"]
    signature = signer_info["signature"].native
    family = sig_alg.signature_algo
    try:
        if family == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hash_of(digest)))
        elif family == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
            params = sig_alg["parameters"]
            pss_hash = parse_digest(params["hash_algorithm"]["algorithm"].native)
            mgf_hash = parse_digest(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            pss = padding.PSS(mgf=padding.MGF1(hash_of(mgf_hash)), salt_length=params["salt_length"].native)
            public_key.verify(signature, data, pss, hash_of(pss_hash))
        elif family == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hash_of(digest))
        else:
            raise UnsupportedAlgorithm(f"signature algorithm {family} does not fit the partner's {type(public_key)}")
    except InvalidSignature:
        raise SignatureInvalid("the signature does not verify against the partner's certificate") from None


def verify(signature_der: bytes, *, content: bytes | None, certificate: x509.Certificate) -> VerifiedSignature:
    """Verify CMS SignedData against ``certificate``, the partner's configured one.

    :param content: the detached content (``multipart/signed``'s first part),
        or ``None`` for opaque signed-data, whose encapsulated content is used.
    :raises MalformedMessage: not SignedData, or opaque without content.
    :raises SignatureInvalid: another signer, tampered content or a bad signature.
    :raises UnsupportedAlgorithm: a digest or signature algorithm we do not verify.
    """
    try:
        info = cms.ContentInfo.load(signature_der)
        if info["content_type"].native != "signed_data":
            raise MalformedMessage(f"expected CMS SignedData, got {info['content_type'].native}")
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        signer_infos = list(signed_data["signer_infos"])
    except (ValueError, TypeError) as exc:
        raise MalformedMessage(f"unreadable CMS SignedData: {exc}") from exc
    if content is None:
        embedded = encap["content"]
        if embedded.native is None:
            raise MalformedMessage("opaque signed-data without encapsulated content")
        content = bytes(embedded.native)
    partner = _asn1_cert(certificate)
    candidates = [s for s in signer_infos if _signer_matches(s["sid"], partner)]
    if not candidates:
        raise SignatureInvalid(
            f"not signed by the partner's certificate (serial {certificate.serial_number:x}, "
            f"subject {certificate.subject.rfc4514_string()})"
        )
    signer_info = candidates[0]
    digest = parse_digest(signer_info["digest_algorithm"]["algorithm"].native)
    signed_attrs = signer_info["signed_attrs"]
    signing_time: dt.datetime | None = None
    protected = False
    if signed_attrs.native is None:
        data = content
    else:
        expected = _attribute(signed_attrs, "message_digest")
        if not isinstance(expected, core.OctetString):
            raise SignatureInvalid("signed attributes without a message digest")
        if not hmac.compare_digest(expected.native, _digest(content, digest)):
            raise SignatureInvalid("the content does not match the signed message digest (tampered?)")
        content_type = _attribute(signed_attrs, "content_type")
        if not isinstance(content_type, cms.ContentType) or content_type.native != encap["content_type"].native:
            raise SignatureInvalid("the signed content-type attribute does not match the content")
        time_value = _attribute(signed_attrs, "signing_time")
        if isinstance(time_value, cms.Time):
            signing_time = time_value.native
        protection = _attribute(signed_attrs, "cms_algorithm_protection")
        if isinstance(protection, cms.CMSAlgorithmProtection):
            _check_protection(protection, signer_info)
            protected = True
        # The signature covers the DER SET OF as received, re-tagged from [0] to SET.
        data = b"\x31" + signed_attrs.dump()[1:]
    _check_signature(certificate, signer_info, data, digest)
    return VerifiedSignature(content, digest, signing_time, protected)


def _check_protection(protection: cms.CMSAlgorithmProtection, signer_info: cms.SignerInfo) -> None:
    # RFC 6211 §3: the attribute exists to stop algorithm substitution, so it must agree.
    if protection["digest_algorithm"]["algorithm"].native != signer_info["digest_algorithm"]["algorithm"].native:
        raise SignatureInvalid("CMSAlgorithmProtection digest differs from the signer's digest algorithm")
    claimed = protection["signature_algorithm"]
    if (
        claimed.native is not None
        and claimed["algorithm"].native != signer_info["signature_algorithm"]["algorithm"].native
    ):
        raise SignatureInvalid("CMSAlgorithmProtection signature algorithm differs from the signer's")
