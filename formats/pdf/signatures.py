"""Verify the signatures of a PDF (PAdES, ETSI EN 319 142-1; ISO 32000-1 § 12.8).

Each signature gets a :class:`SignatureReport`: who signed (certificate subject),
when (the time the signer claims, and the RFC 3161 time-stamp if there is one),
whether the signed bytes are unchanged (``intact``), whether the CMS signature is
cryptographically sound (``valid``), how much of the file it covers, whether the
signer's certificate chains to one of the configured trust roots (``trusted``),
and the certificate's validity period.

Outcomes are data: a broken, untrusted or expired signature is a report, not an
exception. Only a PDF that cannot be read raises :class:`~formats.errors.ParseError`.

Trust comes from the roots passed in and nothing else: the operating system's
TLS trust list is never consulted, and nothing is fetched over the network (no
CRL, OCSP or AIA), so verification is offline and reproducible. Revocation is
therefore not checked here.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]  # no stubs; pyHanko's own types
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from formats.errors import ConfigError, ParseError

__all__ = ["SignatureReport", "load_trust_roots", "verify_pdf_signatures"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What one signature of a PDF proves, checked offline against the given trust roots."""

    field_name: str
    """The signature field's name (``/T``), e.g. ``Signature1``."""
    sub_filter: str | None
    """``/SubFilter`` without the slash: ``ETSI.CAdES.detached`` for PAdES, ``adbe.pkcs7.detached``…"""
    signer: str | None
    """The signer certificate's common name (CN), ``None`` if it has none or no certificate was found."""
    signer_subject: str | None
    """The whole subject of the signer certificate, RFC 4514 (``CN=…,O=…,C=FR``)."""
    issuer: str | None
    """The issuer of the signer certificate, RFC 4514."""
    signing_time: dt.datetime | None
    """The signing time the signer claims (``/M`` or the CMS signing-time attribute); unproven."""
    timestamp_time: dt.datetime | None
    """The time of the RFC 3161 signature time-stamp (PAdES B-T), ``None`` without one."""
    timestamp_valid: bool | None
    """Whether that time-stamp token is intact and cryptographically valid; ``None`` without one."""
    intact: bool
    """The hash over the signed byte range matches the one that was signed."""
    valid: bool
    """The signature is cryptographically valid: the signature value verifies with the
    signer's key *and* the signed data is intact (pyHanko's own ``valid`` checks
    only the signed attributes, so stays ``True`` over changed bytes; not here)."""
    trusted: bool
    """The signer certificate chains to one of the trust roots, valid now (always ``False`` without roots)."""
    trust_problem: str | None
    """Why the chain was not trusted (an ETSI EN 319 102-1 sub-indication, e.g.
    ``NO_CERTIFICATE_CHAIN_FOUND``, ``OUT_OF_BOUNDS_NO_POE`` for an expired
    certificate), ``None`` when trusted or when the signature itself is broken."""
    coverage: str
    """pyHanko's coverage level: ``ENTIRE_FILE`` (nothing added after the signature),
    ``ENTIRE_REVISION`` (later incremental updates exist, see ``modification_level``),
    ``CONTIGUOUS_BLOCK_FROM_START`` or ``UNCLEAR`` (suspicious byte range)."""
    covers_whole_document: bool
    """The signature covers every byte of the file (coverage ``ENTIRE_FILE``)."""
    modification_level: str | None
    """What later updates changed: ``NONE``, ``LTA_UPDATES``, ``FORM_FILLING``,
    ``ANNOTATIONS`` or ``OTHER``; ``None`` when the changes could not be assessed."""
    certificate_not_before: dt.datetime | None
    """Start of the signer certificate's validity period."""
    certificate_not_after: dt.datetime | None
    """End of the signer certificate's validity period."""
    certificate_valid_now: bool
    """Whether the verification time falls within that period."""
    summary: str
    """One line for people, e.g. ``Signature1: ACME SAS, signed 2026-03-01T10:00:00+00:00, intact, valid, trusted``."""

    def acceptable(self, *, require_trust: bool) -> bool:
        """Tell whether the signature holds: intact, valid, and trusted when ``require_trust``."""
        return self.intact and self.valid and (self.trusted or not require_trust)


def load_trust_roots(data: bytes, *, source: str | None = None) -> list[bytes]:
    """Read trust-root certificates from PEM (one or more) or DER bytes.

    :param data: a PEM file (several certificates allowed) or one DER certificate.
    :param source: a file name for messages.
    :return: each certificate as DER, in file order.
    :raises ConfigError: no certificate could be read.
    """
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise ConfigError(f"not a PEM or DER X.509 certificate: {exc}", path=source) from exc
    return [cert.public_bytes(Encoding.DER) for cert in certs]


def verify_pdf_signatures(
    pdf: bytes,
    *,
    trust_roots: Sequence[bytes] = (),
    source: str | None = None,
    now: dt.datetime | None = None,
) -> list[SignatureReport]:
    """Verify every signature of ``pdf``, offline, against ``trust_roots``.

    :param pdf: the whole PDF file.
    :param trust_roots: PEM or DER certificates of the roots (or intermediate CAs)
        to trust; none means no signature can be ``trusted``.
    :param source: a file name for messages.
    :param now: the verification time (certificate validity, path validation);
        the current time by default.
    :return: one report per signature, in file order; empty when the PDF is unsigned.
    :raises ParseError: not a PDF, or damaged beyond pyHanko's reader.
    :raises ConfigError: a trust root is not a certificate.
    """
    roots = [
        asn1_x509.Certificate.load(der) for item in trust_roots for der in load_trust_roots(item, source="trust root")
    ]
    if b"%PDF-" not in pdf[:1024]:
        raise ParseError("not a PDF: no %PDF- header in the first 1024 bytes", path=source)
    moment = now or dt.datetime.now(dt.UTC)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ParseError(f"damaged PDF: {_first_line(exc)}", path=source) from exc
    except RecursionError as exc:
        raise ParseError("damaged PDF: objects nest too deeply", path=source) from exc
    reports = []
    for signature in signatures:
        # A fresh context per signature: it caches validated paths, and one signature's
        # certificates must not help another's chain.
        context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment)
        reports.append(_verify_one(signature, context, moment, source))
    return reports


def _verify_one(
    signature: EmbeddedPdfSignature, context: ValidationContext, moment: dt.datetime, source: str | None
) -> SignatureReport:
    field_name = str(signature.field_name or "?")
    sub_filter = _sub_filter(signature)
    try:
        cert: bytes | None = signature.signer_cert.dump()
    except (ValueError, KeyError, TypeError, PdfError):
        cert = None
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context, ts_validation_context=context)
    except Exception as exc:  # noqa: BLE001 — a malformed CMS blob is an outcome: report it as broken
        logger.info("%s: signature %s cannot be validated: %s", source or "PDF", field_name, _first_line(exc))
        return _report(
            field_name=field_name,
            sub_filter=sub_filter,
            cert=cert,
            moment=moment,
            problem=f"cannot be validated ({_first_line(exc)})",
        )
    return _report(
        field_name=field_name, sub_filter=sub_filter, cert=status.signing_cert.dump(), moment=moment, status=status
    )


def _report(
    *,
    field_name: str,
    sub_filter: str | None,
    cert: bytes | None,
    moment: dt.datetime,
    status: PdfSignatureStatus | None = None,
    problem: str | None = None,
) -> SignatureReport:
    """Assemble a report from pyHanko's status (or from the bare certificate when validation failed)."""
    signer = subject = issuer = None
    not_before = not_after = None
    if cert is not None:
        parsed = x509.load_der_x509_certificate(cert)
        subject = parsed.subject.rfc4514_string()
        issuer = parsed.issuer.rfc4514_string()
        names = parsed.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        signer = str(names[0].value) if names else None
        not_before, not_after = parsed.not_valid_before_utc, parsed.not_valid_after_utc
    valid_now = not_before is not None and not_after is not None and not_before <= moment <= not_after
    if status is None:
        coverage, level, intact, valid, trusted = "UNCLEAR", None, False, False, False
        trust_problem, signing_time, ts_time, ts_valid = None, None, None, None
    else:
        coverage = status.coverage.name if status.coverage is not None else "UNCLEAR"
        level = status.modification_level.name if status.modification_level is not None else None
        intact = bool(status.intact)
        valid = intact and bool(status.valid)
        trusted = valid and bool(status.trusted)
        indication = status.trust_problem_indic
        trust_problem = str(indication.standard_name) if indication is not None and intact and valid else None
        signing_time = status.signer_reported_dt
        ts = status.timestamp_validity
        ts_time = ts.timestamp if ts is not None else None
        ts_valid = bool(ts.intact and ts.valid) if ts is not None else None
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE.name
    summary = _summary(
        field_name=field_name,
        signer=signer or subject,
        signing_time=ts_time or signing_time,
        timestamped=ts_time is not None,
        intact=intact,
        valid=valid,
        trusted=trusted,
        trust_problem=trust_problem,
        coverage=coverage,
        level=level,
        valid_now=valid_now,
        problem=problem,
    )
    return SignatureReport(
        field_name=field_name,
        sub_filter=sub_filter,
        signer=signer,
        signer_subject=subject,
        issuer=issuer,
        signing_time=signing_time,
        timestamp_time=ts_time,
        timestamp_valid=ts_valid,
        intact=intact,
        valid=valid,
        trusted=trusted,
        trust_problem=trust_problem,
        coverage=coverage,
        covers_whole_document=whole,
        modification_level=level,
        certificate_not_before=not_before,
        certificate_not_after=not_after,
        certificate_valid_now=valid_now,
        summary=summary,
    )


def _summary(
    *,
    field_name: str,
    signer: str | None,
    signing_time: dt.datetime | None,
    timestamped: bool,
    intact: bool,
    valid: bool,
    trusted: bool,
    trust_problem: str | None,
    coverage: str,
    level: str | None,
    valid_now: bool,
    problem: str | None,
) -> str:
    when = f", {'time-stamped' if timestamped else 'signed'} {signing_time.isoformat()}" if signing_time else ""
    parts = [f"{field_name}: {signer or 'unknown signer'}{when}"]
    if problem:
        parts.append(problem)
    elif not intact:
        parts.append("NOT INTACT (the signed bytes were changed)")
    elif not valid:
        parts.append("intact, INVALID signature value")
    else:
        parts.append("intact, valid")
        parts.append("trusted" if trusted else f"untrusted ({(trust_problem or 'no chain').lower()})")
    if coverage != SignatureCoverageLevel.ENTIRE_FILE.name:
        parts.append(f"covers {coverage.lower().replace('_', ' ')}, later changes: {(level or 'unknown').lower()}")
    if not valid_now:
        parts.append("certificate not valid now")
    return ", ".join(parts)


def _sub_filter(signature: EmbeddedPdfSignature) -> str | None:
    value = signature.sig_object.get("/SubFilter")
    return str(value)[1:] if value is not None else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
