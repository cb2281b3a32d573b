"""The Message Integrity Check of RFC 4130 §7.3.1 and its ``Received-Content-MIC`` form.

For a signed message the MIC is the digest of the signed entity, MIME headers
included, in canonical form (:func:`gateway.transports.as2.mime.canonicalize`).
For an unsigned message it is the digest of the payload entity, headers
included, after decryption and decompression; both sides of this library agree
on that, and RFC 4130 leaves unsigned receipts' MIC optional.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

from gateway.transports.as2.algorithms import DigestAlgorithm, DigestSpelling, digest_name, hash_of, parse_digest
from gateway.transports.as2.errors import MalformedMessage
from gateway.transports.as2.mime import canonicalize

__all__ = ["Mic", "compute_mic", "parse_mic"]


@dataclass(frozen=True, slots=True)
class Mic:
    """A digest and the algorithm that made it."""

    digest: bytes
    algorithm: DigestAlgorithm

    def header_value(self, spelling: DigestSpelling = DigestSpelling.RFC5751) -> str:
        """Return the ``Received-Content-MIC`` value: ``<base64>, <algorithm>``."""
        return f"{base64.b64encode(self.digest).decode('ascii')}, {digest_name(self.algorithm, spelling)}"

    def matches(self, other: Mic) -> bool:
        """Whether both name the same algorithm and digest (constant-time on the digest)."""
        return self.algorithm is other.algorithm and hmac.compare_digest(self.digest, other.digest)


def compute_mic(entity: bytes, algorithm: DigestAlgorithm, *, as_binary: bool = False) -> Mic:
    """Digest ``entity`` (headers and body) in canonical form.

    :param entity: the signed entity (signed messages) or the payload entity (unsigned ones).
    :param as_binary: the partner's ``canonicalize_as_binary`` switch.
    """
    hasher = hashes.Hash(hash_of(algorithm))
    hasher.update(canonicalize(entity, as_binary=as_binary))
    return Mic(hasher.finalize(), algorithm)


def parse_mic(value: str) -> Mic:
    """Read a ``Received-Content-MIC`` value; either digest spelling is accepted.

    :raises MalformedMessage: not ``<base64>, <algorithm>``.
    :raises UnsupportedAlgorithm: an algorithm we do not compute.
    """
    encoded, sep, name = value.rpartition(",")
    if not sep:
        raise MalformedMessage(f"Received-Content-MIC without an algorithm: {value[:80]!r}")
    try:
        digest = base64.b64decode("".join(encoded.split()), validate=True)
    except binascii.Error as exc:
        raise MalformedMessage("Received-Content-MIC is not base64") from exc
    return Mic(digest, parse_digest(name))
