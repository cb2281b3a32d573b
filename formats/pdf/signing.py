"""Sign a PDF with a PAdES signature (ETSI EN 319 142-1), keeping a Factur-X PDF valid.

The signature is PAdES baseline B-B (``/SubFilter /ETSI.CAdES.detached``, SHA-256),
or B-T when a :class:`~pyhanko.sign.timestamps.TimeStamper` is given (a signature
time-stamp, RFC 3161, in the unsigned attributes). It is appended as an
incremental update (ISO 32000-1 § 7.5.6): the original bytes are kept verbatim,
so the signed file starts with the unsigned one.

**Factur-X / PDF/A-3.** By default pyHanko refreshes the document metadata when it
writes an update: it re-serialises the XMP packet through its own data model,
which renames undeclared prefixes (``fx:`` becomes ``ns0:``) and can mangle
``rdf:parseType="Resource"`` structures (pyHanko issue #755), and it updates
``/ModDate`` in the Info dictionary. A PDF/A-3 validator then sees properties
under a prefix the extension schema does not declare. The writer used here
leaves the metadata alone (:class:`_MetadataPreservingWriter`): neither the XMP
stream nor the Info dictionary is part of the update, so both stay as the
Factur-X writer made them, and still agree with each other (PDF/A § 6.6.2.3).
The signing time is in the signature itself.

**Speed.** pyHanko's ``SimpleSigner`` decodes (and OpenSSL re-checks) the private
key on every signature, about 30 ms for RSA-2048, and sizes ``/Contents`` with a
dry-run signature. :class:`Signer` decodes the key once, and ``sign_pdf`` reserves
the signature size from the certificate chain, so each signature is computed once.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_private_key
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from formats.errors import ConfigError, ParseError, UnsupportedFormat

__all__ = ["DEFAULT_FIELD_NAME", "Signer", "sign_pdf"]

logger = logging.getLogger(__name__)

#: The signature field created when the caller names none.
DEFAULT_FIELD_NAME: Final = "Signature1"
#: Room for what a CMS SignedData holds besides certificates and the signature
#: value: signed attributes (message digest, ESS signing-certificate-v2), algorithm
#: identifiers, issuer and serial. Measured at about 700 bytes; reserved generously.
_CMS_OVERHEAD: Final = 3072
#: Room for an RFC 3161 token: the TSA's signature and certificate chain (real TSAs
#: embed 2 to 4 certificates).
_TIMESTAMP_ROOM: Final = 12288


class _CachedKeySigner(signers.SimpleSigner):
    """A ``SimpleSigner`` that decodes its private key once instead of per signature."""

    def __init__(self, base: signers.SimpleSigner) -> None:
        super().__init__(
            signing_cert=base.signing_cert,
            signing_key=base.signing_key,
            cert_registry=base.cert_registry,
            signature_mechanism=base.signature_mechanism,
        )
        self._key = load_der_private_key(base.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` with the cached key; mechanisms not handled here go to pyHanko."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        if mechanism == "ed25519" and isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if mechanism == "ed448" and isinstance(key, ed448.Ed448PrivateKey):
            return key.sign(data)
        return super().sign_raw(data, digest_algorithm)  # RSASSA-PSS, DSA, ML-DSA: rare, left as is


class _MetadataPreservingWriter(IncrementalPdfFileWriter):
    """An incremental writer that never rewrites the XMP packet or the Info dictionary.

    ``_update_meta`` is pyHanko's internal hook for the metadata refresh; its
    maintainer names overriding it as the way to turn the refresh off (pyHanko
    issue #223). ``tests/unit/formats/test_pades.py`` fails if a pyHanko upgrade
    renames it, since the XMP would then be rewritten again.
    """

    def _update_meta(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Signer:
    """A signing identity: certificate, chain and private key, loaded once and reused.

    Build it with :meth:`from_pkcs12`. The object is immutable and holds the
    decoded private key: keep it out of logs and reprs (``repr`` shows the subject only).
    """

    _signer: _CachedKeySigner
    subject: str
    """The signer certificate's subject, RFC 4514 style (for messages)."""
    chain_size: int
    """DER size of the certificates the signature embeds, used to size ``/Contents``."""
    signature_size: int
    """Size of a raw signature value with this key, in bytes."""

    def __repr__(self) -> str:
        return f"Signer(subject={self.subject!r})"

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: bytes | str | None) -> Signer:
        """Load a signing identity from a PKCS#12 file (``.p12`` / ``.pfx``).

        :param data: the PKCS#12 file's bytes.
        :param passphrase: its passphrase; ``str`` is encoded as UTF-8.
        :return: a signer whose key is decoded once, for every later signature.
        :raises ConfigError: wrong passphrase, damaged file, or no key or certificate inside.
        """
        secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        try:
            base = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=secret)
        except ValueError as exc:
            # The passphrase is never part of the message.
            raise ConfigError(
                "cannot open the PKCS#12 file: wrong passphrase, or not a PKCS#12 key and certificate"
            ) from exc
        if base.signing_cert is None or base.signing_key is None:
            raise ConfigError("the PKCS#12 file holds no private key with its certificate")
        signer = _CachedKeySigner(base)
        cert = base.signing_cert
        chain = [cert, *(c for c in base.cert_registry if c != cert)]
        key = signer._key
        if isinstance(key, rsa.RSAPrivateKey):
            signature_size = key.key_size // 8
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            signature_size = 2 * ((key.key_size + 7) // 8) + 9  # DER SEQUENCE of two INTEGERs
        else:
            signature_size = 8192  # unknown family (ML-DSA signatures reach 4.6 KB)
        return cls(
            _signer=signer,
            subject=cert.subject.human_friendly,
            chain_size=sum(len(c.dump()) for c in chain),
            signature_size=signature_size,
        )

    def bytes_to_reserve(self, *, timestamped: bool) -> int:
        """Return the room to reserve for the CMS object (even, as pyHanko requires)."""
        size = self.chain_size + self.signature_size + _CMS_OVERHEAD + (_TIMESTAMP_ROOM if timestamped else 0)
        return size + size % 2


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    reason: str | None = None,
    location: str | None = None,
    timestamper: TimeStamper | None = None,
    field_name: str = DEFAULT_FIELD_NAME,
) -> bytes:
    """Sign ``pdf`` with a PAdES B-B signature, or B-T with ``timestamper``, as an incremental update.

    The XMP metadata and the Info dictionary are left untouched (see the module
    docstring), so a Factur-X PDF/A-3 stays one. The signature field is invisible.

    :param pdf: the whole PDF file.
    :param signer: the signing identity (see :meth:`Signer.from_pkcs12`).
    :param reason: ``/Reason`` of the signature, e.g. ``Facture émise``.
    :param location: ``/Location`` of the signature, e.g. ``Lyon``.
    :param timestamper: a time-stamping authority client (e.g. pyHanko's
        ``HTTPTimeStamper`` for the configured TSA URL); ``None`` for B-B.
    :param field_name: the signature field to create (or fill, if empty).
    :return: the signed PDF: ``pdf`` followed by the incremental update.
    :raises ParseError: not a PDF, or damaged beyond pyHanko's reader.
    :raises UnsupportedFormat: the PDF cannot take this signature (encrypted, the
        field is already signed, a certification signature forbids changes…).
    """
    if b"%PDF-" not in pdf[:1024]:
        raise ParseError("not a PDF: no %PDF- header in the first 1024 bytes")
    try:
        writer = _MetadataPreservingWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ParseError(f"cannot read the PDF to sign it: {exc}") from exc
    if writer.prev.encrypted:
        raise UnsupportedFormat("cannot sign an encrypted PDF")
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=signer._signer, timestamper=timestamper)
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            bytes_reserved=signer.bytes_to_reserve(timestamped=timestamper is not None),
            output=output,
        )
    except SigningError as exc:
        raise UnsupportedFormat(f"cannot sign the PDF: {exc}") from exc
    except PdfError as exc:
        raise ParseError(f"cannot sign the PDF, it is damaged: {exc}") from exc
    signed = output.getvalue()
    if not signed.startswith(pdf):  # the promise of an incremental update; cheap to check
        raise AssertionError("pyHanko rewrote the original bytes")  # pragma: no cover
    logger.debug("signed %d bytes as %s (%s)", len(pdf), signer.subject, "B-T" if timestamper else "B-B")
    return signed
