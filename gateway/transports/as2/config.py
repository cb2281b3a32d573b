"""Who the AS2 parties are and how each partner wants its messages: frozen configuration.

:class:`As2Quirks` gathers the interop switches that real partners need (field
notes §2, OpenAS2 HowTo §17–18); each has a test in
``tests/unit/gateway/as2/test_quirks.py``. The partner-file loader (the lead's
``gateway/partners``) maps kebab-case keys onto these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.transports.as2.algorithms import (
    ContentEncryption,
    DigestAlgorithm,
    DigestSpelling,
    KeyTransport,
    SignatureScheme,
)
from gateway.transports.as2.signing import SigningKey

__all__ = ["As2Identity", "As2Partner", "As2Quirks", "Compression", "MdnMode"]


class Compression(StrEnum):
    """Whether and where to compress (RFC 5402 §3.5/§3.6)."""

    NONE = "none"
    BEFORE_SIGNING = "before-signing"
    AFTER_SIGNING = "after-signing"


class MdnMode(StrEnum):
    """Which receipt to ask for."""

    NONE = "none"
    SYNC = "sync"
    """In the HTTP response."""
    ASYNC = "async"
    """POSTed later to the URL in Receipt-Delivery-Option."""


@dataclass(frozen=True, slots=True)
class As2Quirks:
    """Per-partner interop switches. Defaults follow the RFCs; each switch names who needs it."""

    canonicalize_as_binary: bool = False
    """Digest every body as binary for the MIC, whatever its transfer encoding
    (pyas2lib ``canonicalize_as_binary``; IBM Sterling). ``False`` = canonical
    MIC: text bodies are converted to CRLF before digesting (RFC 5751 §3.1.1)."""
    digest_spelling: DigestSpelling = DigestSpelling.RFC5751
    """``sha-256`` (RFC 5751) or ``sha256`` (older Seeburger; OpenAS2 ``rename_digest_to_old_name``)."""
    key_transport: KeyTransport = KeyTransport.RSA_PKCS1V15
    """How we wrap content keys for this partner: PKCS#1 v1.5, or RSA-OAEP (BizTalk)."""
    fold_headers: bool = False
    """Fold MIME headers we write past 76 characters (OpenAS2 ``remove_http_header_folding`` = off)."""
    algorithm_protection: bool = True
    """Add the RFC 6211 attribute to our signatures (IBM Sterling, DataPower: off)."""
    accept_unsigned_mdn: bool = False
    """Accept an unsigned MDN although we asked for a signed one (no non-repudiation of receipt)."""
    reject_unsigned_messages: bool = True
    """Refuse inbound messages that are not signed (OpenAS2 ``reject_unsigned_messages``)."""
    http_chunked: bool = False
    """For the HTTP layer: send with ``Transfer-Encoding: chunked`` instead of
    Content-Length (OpenAS2's default; Django/WSGI receivers read it as empty)."""


@dataclass(frozen=True, slots=True)
class As2Identity:
    """Our side of an AS2 relationship: a name and the key that signs and decrypts."""

    as2_name: str
    certificate: x509.Certificate
    key: SigningKey
    previous: tuple[tuple[x509.Certificate, rsa.RSAPrivateKey], ...] = ()
    """Older certificates still accepted for decryption during a certificate rollover."""


@dataclass(frozen=True, slots=True)
class As2Partner:
    """A trading partner's AS2 profile."""

    as2_name: str
    certificate: x509.Certificate
    """Verifies the partner's signatures and MDNs; we encrypt to it."""
    sign: DigestAlgorithm | None = DigestAlgorithm.SHA256
    """Digest for our signatures to this partner; ``None`` sends unsigned."""
    signature_scheme: SignatureScheme = SignatureScheme.PKCS1V15
    encryption: ContentEncryption | None = ContentEncryption.AES256_CBC
    """Cipher for messages to this partner; ``None`` sends unencrypted."""
    compression: Compression = Compression.NONE
    mdn: MdnMode = MdnMode.SYNC
    mdn_signed: bool = True
    """Ask for a signed MDN (and require it unless ``quirks.accept_unsigned_mdn``)."""
    mdn_digest: DigestAlgorithm = DigestAlgorithm.SHA256
    """``signed-receipt-micalg`` we ask for; our expected MIC uses it."""
    async_mdn_url: str | None = None
    """Our URL for asynchronous MDNs (``Receipt-Delivery-Option``)."""
    quirks: As2Quirks = field(default_factory=As2Quirks)
