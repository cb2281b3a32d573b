"""Errors of the AS2 message layer (RFC 4130), under :class:`gateway.errors.TransportError`::

    TransportError                      (gateway.errors)
    └── As2Error                code="as2"                     an AS2 message or MDN is unusable
        ├── MalformedMessage    code="as2.mime"                not the MIME/CMS structure announced
        ├── UnsupportedAlgorithm code="as2.unsupported-algorithm"  an algorithm we do not implement
        ├── DecryptionFailed    code="as2.decrypt"             no recipient for our key, or bad ciphertext
        ├── DecompressionFailed code="as2.decompress"          CMS CompressedData that does not inflate
        ├── SignatureInvalid    code="as2.signature"           signature absent, wrong signer or tampered
        ├── UnsignedMessage     code="as2.unsigned"            the partner must sign, and did not
        ├── UnknownAs2Partner   code="as2.unknown-partner"     AS2-From/AS2-To name no known pair
        ├── PartnerUnusable     code="as2.partner-unusable"    the pair is known, its keys cannot be used now
        ├── MdnMismatch         code="as2.mdn-message-id"      the MDN answers another message
        ├── UnsignedMdn         code="as2.mdn-unsigned"        a signed MDN was required
        └── MicMismatch         code="as2.mic-mismatch"        Received-Content-MIC differs from ours
    ConfigError                         (formats.errors)
    └── CertificateProblem      code="as2.certificate"         a key/certificate file cannot be used

Every inbound failure also has the MDN disposition modifier it maps to
(:attr:`As2Error.disposition`), so the receiver answers with the right
``processed/error: ...`` without a second table.
"""

from __future__ import annotations

from typing import ClassVar

from formats.errors import ConfigError
from gateway.errors import TransportError

__all__ = [
    "As2Error",
    "CertificateProblem",
    "DecompressionFailed",
    "DecryptionFailed",
    "MalformedMessage",
    "MdnMismatch",
    "MicMismatch",
    "PartnerUnusable",
    "SignatureInvalid",
    "UnknownAs2Partner",
    "UnsignedMdn",
    "UnsignedMessage",
    "UnsupportedAlgorithm",
]


class As2Error(TransportError):
    """An AS2 message or MDN that cannot be accepted."""

    code = "as2"
    disposition: ClassVar[str] = "unexpected-processing-error"
    """The RFC 4130 §7.4.3 disposition modifier a receiver answers with."""


class MalformedMessage(As2Error):
    """The bytes are not the MIME or CMS structure their headers announce."""

    code = "as2.mime"


class UnsupportedAlgorithm(As2Error):
    """A digest, cipher or key transport we do not implement (RC2, MD5...)."""

    code = "as2.unsupported-algorithm"


class DecryptionFailed(As2Error):
    """The envelope has no recipient for our certificate, or does not decrypt."""

    code = "as2.decrypt"
    disposition = "decryption-failed"


class DecompressionFailed(As2Error):
    """CMS CompressedData (RFC 3274) that does not inflate."""

    code = "as2.decompress"
    disposition = "decompression-failed"


class SignatureInvalid(As2Error):
    """The signature does not verify against the partner's certificate."""

    code = "as2.signature"
    disposition = "authentication-failed"


class UnsignedMessage(As2Error):
    """The partner profile requires signed messages and this one is not."""

    code = "as2.unsigned"
    disposition = "insufficient-message-security"


class UnknownAs2Partner(As2Error):
    """No partner/organisation pair answers to these AS2-From/AS2-To names."""

    code = "as2.unknown-partner"
    disposition = "authentication-failed"


class PartnerUnusable(As2Error):
    """The partner is known, but its channel cannot be used now (expired certificate, unreadable key)."""

    code = "as2.partner-unusable"
    disposition = "authentication-failed"


class MdnMismatch(As2Error):
    """The MDN's Original-Message-ID is not the message we sent."""

    code = "as2.mdn-message-id"


class UnsignedMdn(As2Error):
    """An unsigned MDN while the partner profile requires a signed one."""

    code = "as2.mdn-unsigned"


class MicMismatch(As2Error):
    """The Received-Content-MIC differs from the MIC we computed: no proof of receipt."""

    code = "as2.mic-mismatch"
    disposition = "integrity-check-failed"


class CertificateProblem(ConfigError):
    """A key or certificate cannot be loaded or used (format, password, expiry, chain)."""

    code = "as2.certificate"
