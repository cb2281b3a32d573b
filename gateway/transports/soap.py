"""The ``soap`` channel: deliver to a partner's SOAP web service, described by its WSDL, with zeep.

Chorus Pro has no public WSDL (research notes §1.8), so this is a generic channel
for partners who expose a SOAP service of their own. The partner file names the
WSDL, the operation, and how to fill the operation's input parts from the
envelope::

    channels:
      - type: soap
        wsdl: https://partner.example/invoices?wsdl     # or a file, relative to the partner file
        operation: submitInvoice
        fields:
          fileName: {from: filename}
          content: {from: content}          # bytes: zeep encodes base64Binary
          messageId: {from: message_id}
          channel: EDI                      # a literal
        result: {id: ticket, status: status, accepted: [ACCEPTED], rejected: [REFUSED]}
        username-env: PARTNER_SOAP_USER
        password-env: PARTNER_SOAP_PASSWORD
        auth: ws-security                   # UsernameToken (PasswordText); or basic (HTTP)
        on-fault: rejected                  # or permanent

A SOAP Fault is the peer's verdict (``on-fault``); transport failures are mapped
in :mod:`._soap_errors`. The WSDL is read at the first send, not when partner
files are checked, so ``gateway partners check`` needs no network.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, Final, Self

import requests
import zeep
import zeep.helpers
import zeep.transports
import zeep.wsse.username

from formats.errors import ConfigError
from gateway.errors import PermanentTransportError, TransientTransportError
from gateway.secrets import SecretRef, secret_ref
from gateway.transports._soap_errors import SoapFaultError, map_soap_errors
from gateway.transports.base import Ack, Envelope, Outcome, Phase, SendResult

__all__ = ["SOURCES", "FieldValue", "ResultRule", "SoapConfig", "SoapTransport"]

_KEYS: Final = frozenset(
    {
        "wsdl",
        "service",
        "port",
        "operation",
        "fields",
        "result",
        "username-env",
        "username-file",
        "password-env",
        "password-file",
        "auth",
        "timeout",
        "on-fault",
    }
)
_RESULT_KEYS: Final = frozenset({"id", "status", "accepted", "rejected"})


def _content_base64(envelope: Envelope) -> object:
    return base64.b64encode(envelope.content).decode("ascii")


def _content_text(envelope: Envelope) -> object:
    return envelope.content.decode("utf-8")


SOURCES: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "content": lambda e: e.content,
        "content-base64": _content_base64,
        "content-text": _content_text,
        "filename": lambda e: e.filename,
        "message_id": lambda e: e.message_id,
        "invoice_id": lambda e: e.invoice_id,
        "partner_id": lambda e: e.partner_id,
        "format": lambda e: e.format,
        "media_type": lambda e: e.media_type,
    }
)
"""``fields.<part>: {from: NAME}`` → what of the envelope goes there. ``content`` is bytes
(for an ``xsd:base64Binary`` part, which zeep encodes); ``content-base64`` is the base64
text (for an ``xsd:string`` part that carries it); ``content-text`` is the file as UTF-8."""


@dataclass(frozen=True, slots=True)
class FieldValue:
    """What one input part of the operation receives."""

    source: str | None
    """A :data:`SOURCES` name, or ``None`` for the literal :attr:`value`."""
    value: str | int | float | bool | None = None

    def resolve(self, envelope: Envelope) -> object:
        """Return the part's value for ``envelope``."""
        return SOURCES[self.source](envelope) if self.source is not None else self.value


@dataclass(frozen=True, slots=True)
class ResultRule:
    """How to read the operation's answer (``result``)."""

    id_field: str | None = None
    """Dotted path of the field holding the peer's reference (``remote_ref``)."""
    status_field: str | None = None
    """Dotted path of the field holding a status; without it any non-Fault answer is accepted."""
    accepted: frozenset[str] = frozenset()
    """Status values meaning accepted; empty: anything not rejected."""
    rejected: frozenset[str] = frozenset()
    """Status values meaning the peer refused the invoice."""


@dataclass(frozen=True, slots=True)
class SoapConfig:
    """A partner's ``soap`` channel (``schemas/channels/soap.schema.json``)."""

    KEYS: ClassVar[frozenset[str]] = _KEYS

    wsdl: str
    """URL, or an absolute path (relative paths are resolved against the partner file)."""
    operation: str
    fields: tuple[tuple[str, FieldValue], ...]
    """Input part name → value, in the configured order."""
    result: ResultRule = ResultRule()
    service: str | None = None
    """WSDL service to bind (with :attr:`port`); the WSDL's first otherwise."""
    port: str | None = None
    username: SecretRef | None = None
    password: SecretRef | None = None
    auth: str = "ws-security"
    """``ws-security`` (UsernameToken) or ``basic`` (HTTP), when a username is given."""
    timeout_s: float = 30.0
    on_fault: str = "rejected"
    """A SOAP Fault is a peer rejection (``rejected``) or a ``permanent`` error."""

    @classmethod
    def from_config(cls, params: Mapping[str, object], *, where: str, base: Path | None = None) -> SoapConfig:
        """Build the config from a channel's parameters, reporting every problem at once.

        :raises ConfigError: unknown keys, missing ones, wrong values (all listed).
        """
        problems: list[str] = []
        unknown = sorted(set(params) - _KEYS)
        if unknown:
            problems.append(f"unknown keys: {', '.join(unknown)}")
        wsdl = _text(params, "wsdl", problems, required=True)
        operation = _text(params, "operation", problems, required=True)
        service, port = _text(params, "service", problems), _text(params, "port", problems)
        if (service is None) != (port is None):
            problems.append("give service and port together (or neither)")
        fields = _fields(params.get("fields"), problems)
        result = _result(params.get("result", {}), problems)
        refs: dict[str, SecretRef | None] = {}
        for key in ("username", "password"):
            try:
                refs[key] = secret_ref(params, key, where=where, base=base)
            except ConfigError as exc:
                problems.append(exc.message)
        if (refs.get("username") is None) != (refs.get("password") is None):
            problems.append("give username-env/-file and password-env/-file together")
        auth = params.get("auth", "ws-security")
        if auth not in ("ws-security", "basic"):
            problems.append(f"auth: expected ws-security or basic, got {auth!r}")
        timeout = params.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            problems.append(f"timeout: expected a positive number of seconds, got {timeout!r}")
        on_fault = params.get("on-fault", "rejected")
        if on_fault not in ("rejected", "permanent"):
            problems.append(f"on-fault: expected rejected or permanent, got {on_fault!r}")
        if problems or wsdl is None or operation is None:
            raise ConfigError("; ".join(problems), path=where)
        if not wsdl.startswith(("http://", "https://")):
            path = Path(wsdl)
            wsdl = str(path if path.is_absolute() or base is None else base / path)
        return cls(
            wsdl=wsdl,
            operation=operation,
            fields=fields,
            result=result,
            service=service,
            port=port,
            username=refs.get("username"),
            password=refs.get("password"),
            auth=str(auth),
            timeout_s=float(timeout),  # type: ignore[arg-type]
            on_fault=str(on_fault),
        )


def _text(params: Mapping[str, object], key: str, problems: list[str], *, required: bool = False) -> str | None:
    value = params.get(key)
    if value is None:
        if required:
            problems.append(f"missing {key}")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key}: expected a non-empty string, got {value!r}")
        return None
    return value


def _fields(raw: object, problems: list[str]) -> tuple[tuple[str, FieldValue], ...]:
    if raw is None:
        problems.append("missing fields (operation input part → {from: …} or a literal)")
        return ()
    if not isinstance(raw, Mapping) or not raw:
        problems.append("fields: expected a mapping of input part names")
        return ()
    fields: list[tuple[str, FieldValue]] = []
    for name, spec in raw.items():
        if isinstance(spec, Mapping):
            if set(spec) == {"from"} and spec["from"] in SOURCES:
                fields.append((str(name), FieldValue(str(spec["from"]))))
            elif set(spec) == {"value"} and _is_literal(spec["value"]):
                fields.append((str(name), FieldValue(None, spec["value"])))
            else:
                known = ", ".join(SOURCES)
                problems.append(f"fields.{name}: expected {{from: one of {known}}} or {{value: …}}, got {dict(spec)!r}")
        elif _is_literal(spec):
            fields.append((str(name), FieldValue(None, spec)))
        else:
            problems.append(f"fields.{name}: expected a literal or a mapping, got {spec!r}")
    return tuple(fields)


def _is_literal(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _result(raw: object, problems: list[str]) -> ResultRule:
    if not isinstance(raw, Mapping):
        problems.append(f"result: expected a mapping, got {raw!r}")
        return ResultRule()
    unknown = sorted(set(raw) - _RESULT_KEYS)
    if unknown:
        problems.append(f"result: unknown keys: {', '.join(unknown)}")
    sets: dict[str, frozenset[str]] = {}
    for key in ("accepted", "rejected"):
        values = raw.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
            problems.append(f"result.{key}: expected a list of status values, got {values!r}")
            values = []
        sets[key] = frozenset(str(v) for v in values)
    status, ident = raw.get("status"), raw.get("id")
    for key, value in (("status", status), ("id", ident)):
        if value is not None and not isinstance(value, str):
            problems.append(f"result.{key}: expected a dotted field path, got {value!r}")
    if (sets["accepted"] or sets["rejected"]) and status is None:
        problems.append("result: accepted/rejected need result.status (the field holding the status)")
    return ResultRule(
        id_field=ident if isinstance(ident, str) else None,
        status_field=status if isinstance(status, str) else None,
        accepted=sets["accepted"],
        rejected=sets["rejected"],
    )


class SoapTransport:
    """Deliver by calling one operation of a partner's SOAP service."""

    name: ClassVar[str] = "soap"
    config_class: ClassVar[type[SoapConfig]] = SoapConfig
    """Checks the channel keys without resolving secrets or reading the WSDL (``gateway partners check``)."""

    def __init__(self, config: SoapConfig) -> None:
        """Build the channel; secrets are resolved now, the WSDL at the first send.

        :raises ConfigError: a secret cannot be resolved.
        """
        self.config = config
        self._session = requests.Session()
        self._wsse: zeep.wsse.username.UsernameToken | None = None
        if config.username is not None and config.password is not None:
            user, password = config.username.text(), config.password.text()
            if config.auth == "basic":
                self._session.auth = (user, password)
            else:
                self._wsse = zeep.wsse.username.UsernameToken(user, password)  # type: ignore[no-untyped-call]
        self._operation: Any = None

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return a channel built from a partner file's channel mapping (see :meth:`SoapConfig.from_config`)."""
        return cls(SoapConfig.from_config(params, where=where, base=base))

    def __repr__(self) -> str:
        return f"SoapTransport(wsdl={self.config.wsdl!r}, operation={self.config.operation!r})"

    def _bind(self) -> Any:
        if self._operation is None:
            config = self.config
            transport = zeep.transports.Transport(  # type: ignore[no-untyped-call]
                session=self._session, timeout=config.timeout_s, operation_timeout=config.timeout_s
            )
            settings = zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True)
            client = zeep.Client(config.wsdl, transport=transport, wsse=self._wsse, settings=settings)  # type: ignore[no-untyped-call]
            proxy = client.bind(config.service, config.port) if config.service else client.service
            try:
                self._operation = proxy[config.operation]  # a lookup by key, never getattr on configuration
            except AttributeError:
                raise PermanentTransportError(
                    f"the WSDL {config.wsdl} has no operation {config.operation!r}; check the channel's operation"
                ) from None
        return self._operation

    def send(self, envelope: Envelope) -> SendResult:
        """Call the operation with the configured fields; never raises for a peer or network failure."""
        phases: list[Phase] = []
        started = time.monotonic()
        try:
            with map_soap_errors(f"read WSDL {self.config.wsdl}"):
                operation = self._bind()
            phases.append(Phase("wsdl", time.monotonic() - started))
            started = time.monotonic()
            arguments = {name: value.resolve(envelope) for name, value in self.config.fields}
            with map_soap_errors(f"call {self.config.operation}"):
                answer = operation(**arguments)
            phases.append(Phase("call", time.monotonic() - started))
        except UnicodeDecodeError:
            return SendResult.permanent("fields: content-text needs a UTF-8 file; use content or content-base64")
        except TypeError as exc:
            # zeep's way of saying a configured field is not an input part of the operation.
            return SendResult.permanent(f"fields do not fit {self.config.operation}: {exc}", phases=tuple(phases))
        except SoapFaultError as exc:
            phases.append(Phase("call", time.monotonic() - started, exc.code))
            if self.config.on_fault == "rejected":
                return SendResult(Outcome.REJECTED_BY_PEER, False, exc.one_line(), phases=tuple(phases))
            return SendResult.permanent(exc.one_line(), phases=tuple(phases))
        except TransientTransportError as exc:
            phases.append(Phase("call", time.monotonic() - started, exc.code))
            return SendResult.transient(exc.one_line(), phases=tuple(phases))
        except PermanentTransportError as exc:
            phases.append(Phase("call", time.monotonic() - started, exc.code))
            return SendResult.permanent(exc.one_line(), phases=tuple(phases))
        answer = zeep.helpers.serialize_object(answer, dict)  # type: ignore[no-untyped-call]
        return self._judge(answer, tuple(phases))

    def _judge(self, answer: object, phases: tuple[Phase, ...]) -> SendResult:
        rule = self.config.result
        ref = _pick(answer, rule.id_field)
        remote_ref = str(ref) if ref is not None else None
        if rule.status_field is None:
            return SendResult.delivered(f"{self.config.operation} answered", remote_ref=remote_ref, phases=phases)
        status = _pick(answer, rule.status_field)
        text = str(status) if status is not None else None
        detail = f"{self.config.operation} answered {rule.status_field}={text}"
        if text in rule.rejected:
            return SendResult(Outcome.REJECTED_BY_PEER, False, detail, remote_ref=remote_ref, phases=phases)
        if text is not None and (not rule.accepted or text in rule.accepted):
            return SendResult.delivered(detail, remote_ref=remote_ref, phases=phases)
        expected = ", ".join(sorted(rule.accepted | rule.rejected))
        return SendResult.permanent(f"{detail}, expected one of {expected}", remote_ref=remote_ref, phases=phases)

    def poll_acks(self) -> Iterator[Ack]:
        """Yield nothing: the operation's answer is the whole acknowledgement."""
        return iter(())

    def close(self) -> None:
        """Close the HTTP connections."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _pick(answer: object, path: str | None) -> object:
    """Return the value at dotted ``path`` of a serialised answer (``None`` if absent)."""
    if path is None:
        return None
    value = answer
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
