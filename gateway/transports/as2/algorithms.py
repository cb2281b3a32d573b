"""Algorithm names of AS2: digests, ciphers, key transport, and their spellings on the wire.

Digest names appear three times in AS2: the ``micalg`` parameter of
``multipart/signed`` (RFC 5751 §3.4.3.2 spells ``sha-256``; RFC 3851 and many
AS2 products spell ``sha256``), ``signed-receipt-micalg`` in
Disposition-Notification-Options and the algorithm of ``Received-Content-MIC``
(RFC 4130 §7.3). Input accepts both spellings; output uses the partner's.
"""

from __future__ import annotations

from enum import StrEnum

from cryptography.hazmat.primitives import hashes

from gateway.transports.as2.errors import UnsupportedAlgorithm

__all__ = [
    "ContentEncryption",
    "DigestAlgorithm",
    "DigestSpelling",
    "KeyTransport",
    "SignatureScheme",
    "digest_name",
    "hash_of",
    "parse_digest",
]


class DigestAlgorithm(StrEnum):
    """A digest for signatures and MICs; the value is asn1crypto's name."""

    SHA1 = "sha1"
    SHA224 = "sha224"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"


class DigestSpelling(StrEnum):
    """How a partner spells digest names on output."""

    RFC5751 = "rfc5751"
    """``sha-256``, ``sha-1`` (RFC 5751 §3.4.3.2; OpenAS2, Mendelson)."""
    LEGACY = "legacy"
    """``sha256``, ``sha1`` (RFC 3851; older Seeburger, OpenAS2 ``rename_digest_to_old_name``)."""


class SignatureScheme(StrEnum):
    """RSA signature padding; ignored for EC keys (ECDSA)."""

    PKCS1V15 = "pkcs1v15"
    PSS = "pss"
    """RSASSA-PSS, MGF1 and salt length following the digest (RFC 4056)."""


class ContentEncryption(StrEnum):
    """Content encryption of the envelope."""

    AES128_CBC = "aes128-cbc"
    AES192_CBC = "aes192-cbc"
    AES256_CBC = "aes256-cbc"
    TRIPLE_DES = "3des-cbc"
    AES128_GCM = "aes128-gcm"
    """AuthEnvelopedData (RFC 5083/5084), as RFC 8551 requires."""
    AES192_GCM = "aes192-gcm"
    AES256_GCM = "aes256-gcm"

    @property
    def authenticated(self) -> bool:
        """Whether this cipher produces AuthEnvelopedData rather than EnvelopedData."""
        return self.value.endswith("-gcm")


class KeyTransport(StrEnum):
    """How the content-encryption key is wrapped for an RSA recipient."""

    RSA_PKCS1V15 = "rsa-pkcs1v15"
    RSA_OAEP_SHA1 = "rsa-oaep-sha1"
    """RSAES-OAEP with the RFC 3560 defaults (BizTalk, pyas2lib 1.4.4)."""
    RSA_OAEP_SHA256 = "rsa-oaep-sha256"


_HASHES: dict[DigestAlgorithm, type[hashes.HashAlgorithm]] = {
    DigestAlgorithm.SHA1: hashes.SHA1,
    DigestAlgorithm.SHA224: hashes.SHA224,
    DigestAlgorithm.SHA256: hashes.SHA256,
    DigestAlgorithm.SHA384: hashes.SHA384,
    DigestAlgorithm.SHA512: hashes.SHA512,
}


def hash_of(algorithm: DigestAlgorithm) -> hashes.HashAlgorithm:
    """Return the ``cryptography`` hash object for ``algorithm``."""
    return _HASHES[algorithm]()


def parse_digest(name: str) -> DigestAlgorithm:
    """Read a digest name in either spelling (``sha-256``, ``SHA256``, ``sha_256``).

    :raises UnsupportedAlgorithm: not a digest we compute (``md5``, ``sha3-256``...).
    """
    key = name.strip().strip('"').lower().replace("-", "").replace("_", "")
    try:
        return DigestAlgorithm(key)
    except ValueError:
        raise UnsupportedAlgorithm(f"unsupported digest algorithm {name!r}") from None


def digest_name(algorithm: DigestAlgorithm, spelling: DigestSpelling = DigestSpelling.RFC5751) -> str:
    """Spell ``algorithm`` the way the partner expects on the wire."""
    if spelling is DigestSpelling.LEGACY:
        return algorithm.value
    return "sha-" + algorithm.value.removeprefix("sha")
