"""Keys and certificates of AS2 parties, loaded by reference, with expiry and chain checks.

Files and passwords are given by the caller (resolved from the partner file's
``*-file`` / ``password-env`` references by :mod:`gateway.secrets`); nothing
here reads configuration or the environment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from gateway.transports.as2.errors import CertificateProblem
from gateway.transports.as2.signing import SigningKey

__all__ = [
    "CertificateStatus",
    "KeyPair",
    "Validity",
    "check_chain",
    "check_validity",
    "load_certificate",
    "load_key_pair",
]


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A private key, its certificate and any CA certificates bundled with it."""

    certificate: x509.Certificate
    key: SigningKey
    chain: tuple[x509.Certificate, ...] = ()


class Validity(StrEnum):
    """Where a certificate stands in its validity period."""

    VALID = "valid"
    EXPIRING = "expiring"
    """Valid, but ends within the warning window: renew and send the partner the new one."""
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """The result of :func:`check_validity`."""

    validity: Validity
    not_after: dt.datetime
    days_left: int
    subject: str

    @property
    def usable(self) -> bool:
        """Whether the certificate may be used now (expiring ones still may)."""
        return self.validity in (Validity.VALID, Validity.EXPIRING)


def _read(source: Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "<bytes>"
    try:
        return source.read_bytes(), str(source)
    except OSError as exc:
        raise CertificateProblem(f"cannot read {source}: {exc.strerror}", path=str(source)) from exc


def load_certificate(source: Path | bytes) -> x509.Certificate:
    """Load one certificate from PEM or DER (a partner's public certificate).

    :raises CertificateProblem: unreadable, or not a certificate.
    """
    data, where = _read(source)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise CertificateProblem(f"{where} is not a PEM or DER certificate", path=where) from exc


def _check_key(key: object, where: str) -> SigningKey:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CertificateProblem(f"{where}: AS2 needs an RSA or EC key, got {type(key).__name__}", path=where)
    return key


def load_key_pair(
    source: Path | bytes,
    *,
    password: bytes | None = None,
    certificate: Path | bytes | None = None,
) -> KeyPair:
    """Load our key and certificate from PKCS#12, or from PEM (key and certificate in one or two files).

    :param password: the PKCS#12 or PEM key password, if any.
    :param certificate: the certificate file, when ``source`` is a PEM key alone.
    :raises CertificateProblem: wrong password, no key, no certificate, or a key that does not match it.
    """
    data, where = _read(source)
    if b"-----BEGIN" not in data:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, password)
        except ValueError as exc:
            raise CertificateProblem(f"{where}: not PKCS#12, or the password is wrong", path=where) from exc
        if key is None or cert is None:
            raise CertificateProblem(f"{where}: the PKCS#12 file lacks a key or a certificate", path=where)
        pair = KeyPair(cert, _check_key(key, where), tuple(extra))
    else:
        try:
            key_obj = serialization.load_pem_private_key(data, password)
        except (ValueError, TypeError) as exc:
            raise CertificateProblem(f"{where}: no PEM private key, or the password is wrong", path=where) from exc
        certs = x509.load_pem_x509_certificates(data) if b"CERTIFICATE-----" in data else []
        if certificate is not None:
            cert_data, cert_where = _read(certificate)
            try:
                certs = x509.load_pem_x509_certificates(cert_data)
            except ValueError as exc:
                raise CertificateProblem(f"{cert_where} holds no PEM certificate", path=cert_where) from exc
        if not certs:
            raise CertificateProblem(f"{where}: a certificate is needed beside the key", path=where)
        pair = KeyPair(certs[0], _check_key(key_obj, where), tuple(certs[1:]))
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if pair.certificate.public_key().public_bytes(*spki) != pair.key.public_key().public_bytes(*spki):
        raise CertificateProblem(f"{where}: the certificate does not belong to the private key", path=where)
    return pair


def check_validity(certificate: x509.Certificate, *, now: dt.datetime, warn_days: int = 30) -> CertificateStatus:
    """Say whether ``certificate`` is valid at ``now``, or expires within ``warn_days``."""
    not_after = certificate.not_valid_after_utc
    days_left = (not_after - now).days
    if now < certificate.not_valid_before_utc:
        validity = Validity.NOT_YET_VALID
    elif now > not_after:
        validity = Validity.EXPIRED
    elif days_left < warn_days:
        validity = Validity.EXPIRING
    else:
        validity = Validity.VALID
    return CertificateStatus(validity, not_after, days_left, certificate.subject.rfc4514_string())


def check_chain(
    certificate: x509.Certificate,
    *,
    trusted: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    now: dt.datetime,
) -> tuple[x509.Certificate, ...]:
    """Check that ``certificate`` chains to one of ``trusted``, every link valid at ``now``.

    Signatures and validity dates only: AS2 certificates are often self-signed
    or from private CAs without revocation endpoints, so no CRL/OCSP here.

    :return: the path, leaf first, trust anchor last.
    :raises CertificateProblem: no path, an expired link, or a bad signature.
    """
    path = [certificate]
    pool = list(intermediates)
    anchors = {anchor.subject.public_bytes(): anchor for anchor in trusted}
    current = certificate
    for _ in range(8):
        status = check_validity(current, now=now, warn_days=0)
        if not status.usable:
            raise CertificateProblem(f"{status.subject} is {status.validity} in the chain")
        if current in trusted:
            return tuple(path)
        issuer_name = current.issuer.public_bytes()
        issuer = anchors.get(issuer_name) or next((c for c in pool if c.subject.public_bytes() == issuer_name), None)
        if issuer is None:
            raise CertificateProblem(f"{current.subject.rfc4514_string()}: issuer not among the trusted CAs")
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise CertificateProblem(f"{current.subject.rfc4514_string()}: not validly issued by its CA") from exc
        if issuer in pool:
            pool.remove(issuer)
        path.append(issuer)
        current = issuer
    raise CertificateProblem("certificate chain too long")
