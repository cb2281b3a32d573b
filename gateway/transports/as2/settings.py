"""The ``as2`` channel's partner-file keys (``schemas/channels/as2.schema.json``) and the keys they name.

One channel mapping serves both directions of one AS2 relationship: outbound,
we sign with our key and encrypt to the partner's certificate; inbound, the
endpoint decrypts with our key and verifies with the partner's certificate.

:meth:`As2ChannelConfig.from_config` checks the keys without touching a file
or a secret (``gateway partners check``); :meth:`As2ChannelConfig.load` reads
keys and certificates and checks their validity, when a channel is built.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509

from formats.errors import ConfigError
from gateway.secrets import SecretRef, secret_ref
from gateway.transports.as2.algorithms import (
    ContentEncryption,
    DigestAlgorithm,
    DigestSpelling,
    KeyTransport,
    SignatureScheme,
)
from gateway.transports.as2.certificates import (
    CertificateStatus,
    KeyPair,
    check_chain,
    check_validity,
    load_certificate,
    load_key_pair,
)
from gateway.transports.as2.config import As2Identity, As2Partner, As2Quirks, Compression, MdnMode
from gateway.transports.as2.errors import CertificateProblem
from gateway.transports.as2.identifiers import quote_as2_name

__all__ = ["As2ChannelConfig", "As2Setup", "CertificateReport", "KEYS"]

_log = logging.getLogger(__name__)

KEYS = frozenset(
    {
        "url",
        "as2-from",
        "as2-to",
        "sign",
        "signature",
        "encrypt",
        "compress",
        "mdn",
        "mdn-signed",
        "mdn-url",
        "mdn-timeout",
        "connect-timeout",
        "partner-certificate-file",
        "key-file",
        "key-password-env",
        "key-password-file",
        "certificate-file",
        "p12-file",
        "p12-password-env",
        "p12-password-file",
        "ca-file",
        "verify-chain",
        "certificate-warning-days",
        "message-id-domain",
        "mic",
        "digest-spelling",
        "key-transport",
        "rfc6211",
        "fold-headers",
        "accept-unsigned-mdn",
        "accept-unsigned-messages",
        "chunked",
    }
)
"""Every key the channel takes; anything else is refused (a typo must not pass silently)."""

_SIGN = {"none": None, **{d.value: d for d in DigestAlgorithm if d is not DigestAlgorithm.SHA224}}
_ENCRYPT: dict[str, ContentEncryption | None] = {
    "none": None,
    "aes128-cbc": ContentEncryption.AES128_CBC,
    "aes192-cbc": ContentEncryption.AES192_CBC,
    "aes256-cbc": ContentEncryption.AES256_CBC,
    "3des": ContentEncryption.TRIPLE_DES,
    "aes128-gcm": ContentEncryption.AES128_GCM,
    "aes192-gcm": ContentEncryption.AES192_GCM,
    "aes256-gcm": ContentEncryption.AES256_GCM,
}
_SIGNATURE = {"pkcs1v15": SignatureScheme.PKCS1V15, "rsassa-pss": SignatureScheme.PSS}
_KEY_TRANSPORT = {
    "rsa-pkcs1": KeyTransport.RSA_PKCS1V15,
    "rsa-oaep-sha1": KeyTransport.RSA_OAEP_SHA1,
    "rsa-oaep-sha256": KeyTransport.RSA_OAEP_SHA256,
}
_SPELLING = {"sha-256": DigestSpelling.RFC5751, "sha256": DigestSpelling.LEGACY}
_DEFAULT_MDN_TIMEOUT = {MdnMode.SYNC: 120.0, MdnMode.ASYNC: 3600.0, MdnMode.NONE: 120.0}


@dataclass(frozen=True, slots=True)
class CertificateReport:
    """The validity of one certificate the channel uses, for logs and ``gateway partners check``."""

    role: str
    """``our`` or ``partner``."""
    path: str
    status: CertificateStatus

    def describe(self) -> str:
        """Return one line: whose certificate, its state and end date."""
        state = self.status.validity.value
        return (
            f"{self.role} certificate {self.status.subject} ({self.path}) is {state}: "
            f"not after {self.status.not_after:%Y-%m-%d}, {self.status.days_left} day(s) left"
        )


@dataclass(frozen=True, slots=True)
class As2Setup:
    """A channel with its keys loaded: what the sender and the endpoint work with."""

    config: As2ChannelConfig
    identity: As2Identity
    partner: As2Partner
    certificates: tuple[CertificateReport, ...]


@dataclass(frozen=True, slots=True)
class As2ChannelConfig:
    """One partner's ``as2`` channel, checked but with nothing loaded."""

    url: str
    """The partner's AS2 endpoint."""
    as2_from: str
    """Our AS2 name (AS2-From of what we send, AS2-To of what the partner sends us)."""
    as2_to: str
    """The partner's AS2 name."""
    partner_certificate: Path
    key: Path
    """PEM key or PKCS#12 file."""
    key_password: SecretRef | None
    certificate: Path | None
    """Our certificate, when ``key`` is a PEM key without it."""
    sign: DigestAlgorithm | None = DigestAlgorithm.SHA256
    signature: SignatureScheme = SignatureScheme.PKCS1V15
    encrypt: ContentEncryption | None = ContentEncryption.AES256_CBC
    compress: Compression = Compression.NONE
    mdn: MdnMode = MdnMode.SYNC
    mdn_signed: bool = True
    mdn_url: str | None = None
    """Our URL for asynchronous MDNs (``Receipt-Delivery-Option``)."""
    mdn_timeout_s: float = 120.0
    """Sync: how long to wait for the HTTP answer; async: how long before a timeout event."""
    connect_timeout_s: float = 30.0
    ca_file: Path | None = None
    verify_chain: bool = False
    warning_days: int = 30
    message_id_domain: str = "aiguillage.invalid"
    quirks: As2Quirks = field(default_factory=As2Quirks)
    where: str = ""

    @classmethod
    def from_config(cls, params: Mapping[str, object], *, where: str, base: Path | None = None) -> As2ChannelConfig:
        """Check a channel mapping, reporting every problem at once; reads no file and no secret.

        :param where: file and key path of ``params`` (``partners/acme.yaml: channels[0]``).
        :param base: directory that relative paths resolve against.
        :raises ConfigError: unknown, missing or wrong keys (all listed).
        """
        if not isinstance(params, Mapping):
            raise ConfigError(f"expected a mapping, got {type(params).__name__}", path=where)
        reader = _Reader(params, where, base or Path.cwd())
        unknown = sorted(str(key) for key in params if key not in KEYS)
        if unknown:
            reader.problems.append(f"unknown key(s): {', '.join(unknown)}")
        url = reader.url("url", required=True)
        as2_from = reader.as2_name("as2-from")
        as2_to = reader.as2_name("as2-to")
        mdn = MdnMode(reader.choice("mdn", "sync", [m.value for m in MdnMode]))
        mdn_url = reader.url("mdn-url", required=mdn is MdnMode.ASYNC)
        key, key_password, certificate = reader.our_key()
        config = cls(
            url=url or "",
            as2_from=as2_from or "",
            as2_to=as2_to or "",
            partner_certificate=reader.path("partner-certificate-file", required=True) or Path(),
            key=key or Path(),
            key_password=key_password,
            certificate=certificate,
            sign=_SIGN[reader.choice("sign", "sha256", _SIGN)],
            signature=_SIGNATURE[reader.choice("signature", "pkcs1v15", _SIGNATURE)],
            encrypt=_ENCRYPT[reader.choice("encrypt", "aes256-cbc", _ENCRYPT)],
            compress=Compression(reader.choice("compress", "none", [c.value for c in Compression])),
            mdn=mdn,
            mdn_signed=reader.flag("mdn-signed", True),
            mdn_url=mdn_url,
            mdn_timeout_s=reader.seconds("mdn-timeout", _DEFAULT_MDN_TIMEOUT[mdn]),
            connect_timeout_s=reader.seconds("connect-timeout", 30.0),
            ca_file=reader.path("ca-file", required=False),
            verify_chain=reader.flag("verify-chain", False),
            warning_days=reader.integer("certificate-warning-days", 30),
            message_id_domain=reader.domain("message-id-domain", "aiguillage.invalid"),
            quirks=As2Quirks(
                canonicalize_as_binary=reader.choice("mic", "canonical", ("canonical", "binary")) == "binary",
                digest_spelling=_SPELLING[reader.choice("digest-spelling", "sha-256", _SPELLING)],
                key_transport=_KEY_TRANSPORT[reader.choice("key-transport", "rsa-pkcs1", _KEY_TRANSPORT)],
                fold_headers=reader.flag("fold-headers", False),
                algorithm_protection=reader.flag("rfc6211", True),
                accept_unsigned_mdn=reader.flag("accept-unsigned-mdn", False),
                reject_unsigned_messages=not reader.flag("accept-unsigned-messages", False),
                http_chunked=reader.flag("chunked", False),
            ),
            where=where,
        )
        if config.verify_chain and config.ca_file is None:
            reader.problems.append("verify-chain: true needs ca-file")
        if reader.problems:
            raise ConfigError("; ".join(reader.problems), path=where)
        return config

    # -- loading ------------------------------------------------------------------

    def load(self, *, now: dt.datetime) -> As2Setup:
        """Read our key pair and the partner's certificate, and check both at ``now``.

        An expiring certificate (within ``certificate-warning-days``) is logged as a warning.

        :raises CertificateProblem: a file is unreadable, a password wrong, a certificate
            expired or not yet valid, or (``verify-chain``) not issued by ``ca-file``.
        :raises ConfigError: a password variable is unset.
        """
        password = self.key_password.bytes() if self.key_password is not None else None
        pair: KeyPair = load_key_pair(self.key, password=password, certificate=self.certificate)
        partner_cert = load_certificate(self.partner_certificate)
        reports = self.check_certificates(now=now, ours=pair.certificate, partner=partner_cert)
        for report in reports:
            if not report.status.usable:
                raise CertificateProblem(report.describe(), path=self.where)
            if report.status.validity.value == "expiring":
                _log.warning("AS2 channel %s: %s; renew it", self.where, report.describe())
        if self.verify_chain and self.ca_file is not None:
            trusted = x509.load_pem_x509_certificates(self.ca_file.read_bytes())
            check_chain(partner_cert, trusted=trusted, now=now)
        identity = As2Identity(self.as2_from, pair.certificate, pair.key)
        partner = As2Partner(
            as2_name=self.as2_to,
            certificate=partner_cert,
            sign=self.sign,
            signature_scheme=self.signature,
            encryption=self.encrypt,
            compression=self.compress,
            mdn=self.mdn,
            mdn_signed=self.mdn_signed,
            mdn_digest=self.sign or DigestAlgorithm.SHA256,
            async_mdn_url=self.mdn_url,
            quirks=self.quirks,
        )
        return As2Setup(self, identity, partner, reports)

    def check_certificates(
        self,
        *,
        now: dt.datetime,
        ours: x509.Certificate | None = None,
        partner: x509.Certificate | None = None,
    ) -> tuple[CertificateReport, ...]:
        """Return the validity of our certificate and the partner's (``gateway partners check``).

        Reads only public certificates: ours from ``certificate-file`` (or the PEM key file,
        which may hold it); a PKCS#12 file is skipped unless ``ours`` is given, since
        opening it needs the password.

        :raises CertificateProblem: a certificate file is unreadable.
        """
        reports = []
        if ours is None:
            source = self.certificate or (self.key if _is_pem(self.key) else None)
            if source is not None:
                ours = _first_certificate(source)
        if ours is not None:
            path = str(self.certificate or self.key)
            reports.append(CertificateReport("our", path, check_validity(ours, now=now, warn_days=self.warning_days)))
        if partner is None:
            partner = load_certificate(self.partner_certificate)
        status = check_validity(partner, now=now, warn_days=self.warning_days)
        reports.append(CertificateReport("partner", str(self.partner_certificate), status))
        return tuple(reports)


def _is_pem(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"-----BEGIN" in handle.read(4096)
    except OSError:
        return False


def _first_certificate(path: Path) -> x509.Certificate | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateProblem(f"cannot read {path}: {exc.strerror}", path=str(path)) from exc
    if b"CERTIFICATE-----" not in data:
        return None
    return x509.load_pem_x509_certificates(data)[0]


class _Reader:
    """Typed access to the mapping, collecting problems instead of stopping at the first."""

    def __init__(self, params: Mapping[str, object], where: str, base: Path) -> None:
        self.params = params
        self.where = where
        self.base = base
        self.problems: list[str] = []

    def _bad(self, key: str, expected: str) -> None:
        self.problems.append(f"{key}: expected {expected}, got {self.params.get(key)!r}")

    def url(self, key: str, *, required: bool) -> str | None:
        value = self.params.get(key)
        if value is None:
            if required:
                self.problems.append(f"missing {key}")
            return None
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            self._bad(key, "an http(s) URL")
            return None
        return value

    def as2_name(self, key: str) -> str | None:
        value = self.params.get(key)
        if value is None:
            self.problems.append(f"missing {key}")
            return None
        try:
            quote_as2_name(value if isinstance(value, str) else "")
        except ValueError:
            self._bad(key, "an AS2 name (1-128 printable ASCII characters)")
            return None
        return str(value)

    def choice(self, key: str, default: str, choices: Mapping[str, object] | list[str] | tuple[str, ...]) -> str:
        value = self.params.get(key, default)
        # YAML reads ``sign: none`` as a string, but ``chunked: no`` as False: only strings are choices.
        if not isinstance(value, str) or value not in choices:
            self._bad(key, "one of " + ", ".join(choices))
            return default
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.params.get(key, default)
        if not isinstance(value, bool):
            self._bad(key, "true or false")
            return default
        return value

    def seconds(self, key: str, default: float) -> float:
        value = self.params.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self._bad(key, "a positive number of seconds")
            return default
        return float(value)

    def integer(self, key: str, default: int) -> int:
        value = self.params.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
            self._bad(key, "a number of days (0-3650)")
            return default
        return value

    def domain(self, key: str, default: str) -> str:
        value = self.params.get(key, default)
        if not isinstance(value, str) or not value or not all(c.isalnum() or c in ".-" for c in value):
            self._bad(key, "a domain name (letters, digits, dots, hyphens)")
            return default
        return value

    def path(self, key: str, *, required: bool) -> Path | None:
        value = self.params.get(key)
        if value is None:
            if required:
                self.problems.append(f"missing {key}")
            return None
        if not isinstance(value, str) or not value:
            self._bad(key, "a path")
            return None
        path = Path(value)
        return path if path.is_absolute() else self.base / path

    def secret(self, name: str) -> SecretRef | None:
        try:
            return secret_ref(self.params, name, where=self.where, base=self.base)
        except ConfigError as exc:
            self.problems.append(exc.message)
            return None

    def our_key(self) -> tuple[Path | None, SecretRef | None, Path | None]:
        pem = "key-file" in self.params
        p12 = "p12-file" in self.params
        if pem and p12:
            self.problems.append("give key-file (with certificate-file) or p12-file, not both")
            return None, None, None
        if p12:
            for key in ("certificate-file", "key-password-env", "key-password-file"):
                if key in self.params:
                    self.problems.append(f"{key} goes with key-file, not p12-file")
            return self.path("p12-file", required=True), self.secret("p12-password"), None
        if not pem:
            self.problems.append("missing key-file (with certificate-file) or p12-file: our signing key")
            return None, None, None
        for key in ("p12-password-env", "p12-password-file"):
            if key in self.params:
                self.problems.append(f"{key} goes with p12-file, not key-file")
        return (
            self.path("key-file", required=True),
            self.secret("key-password"),
            self.path("certificate-file", required=False),
        )
