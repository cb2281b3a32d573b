"""Certificates as asn1crypto sees them, parsed once, and the CMS issuer-and-serial match.

Every AS2 message names its signer and its recipient by issuer and serial number.
Re-parsing the partner's certificate for each message, and comparing names with
RFC 5280's string preparation, cost more than the RSA operations themselves
(profiled: about 2 ms of a 7 ms exchange). A certificate is parsed once per
process, and names are compared byte for byte first: a CMS
``issuerAndSerialNumber`` copies the issuer from the certificate, so the DER
matches; the slow, normalising comparison runs only when it does not.
"""

from __future__ import annotations

from functools import lru_cache

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import serialization

__all__ = ["asn1_certificate", "issued_by_serial"]


@lru_cache(maxsize=256)
def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Return ``certificate`` parsed by asn1crypto (cached; treat the result as read-only)."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def issued_by_serial(issuer: asn1_x509.Name, serial: int, certificate: asn1_x509.Certificate) -> bool:
    """Tell whether ``issuer`` and ``serial`` designate ``certificate``."""
    if serial != certificate.serial_number:
        return False
    return bool(issuer.dump() == certificate.issuer.dump() or issuer == certificate.issuer)
