"""The Chorus Pro channel: deposit renditions, then report flow and invoice statuses as acknowledgements.

``send`` checks the buyer's requirements first (service code in BT-10, EJ in
BT-13, active service: :func:`chorus.check_buyer_requirements`) so that an
invoice Chorus Pro would reject is refused here with a message that names the
business term; then it deposits the file with ``factures/v1/deposer/flux``
(``syntaxeFlux`` from :attr:`Envelope.format`) and remembers the
``numeroFluxDepot`` under the envelope's ``message_id``.

``poll_acks`` walks the deliveries still tracked: the flow report until the
flow is final (``chorus-flow`` acks), then the invoice history (one
``chorus-status`` ack per new status) until a final status. Progress is saved
after an item's acks are yielded, so an interrupted poll repeats acks rather
than losing them (at-least-once). The tracking store is a constructor argument
(:class:`PendingTracking`), so the gateway store can keep it across restarts;
:class:`InMemoryTracking` serves tests and one-shot runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

from chorus import (
    ChorusClient,
    ChorusError,
    Credentials,
    Endpoints,
    Environment,
    FlowReport,
    Problem,
    check_buyer_requirements,
    syntax_for_format,
)
from chorus.codes import INVOICE_FINAL_STATUSES, PAID_OR_MANDATED_STATUSES, FlowState
from formats.errors import ConfigError, FormatError
from formats.model import Invoice
from formats.reading import read_invoice
from gateway.errors import PermanentTransportError
from gateway.secrets import SecretRef, secret_ref
from gateway.transports.base import Ack, Envelope, Phase, SendResult
from gateway.transports.chorus_tracking import InMemoryTracking, PendingTracking, PollSchedule, TrackedDelivery

__all__ = [
    "ChorusConfig",
    "ChorusTransport",
    "InMemoryTracking",
    "PendingTracking",
    "PollSchedule",
    "TrackedDelivery",
]

_log = logging.getLogger(__name__)
_KEYS = frozenset(
    {
        "base-url",
        "environment",
        "client-id-env",
        "client-id-file",
        "client-secret-env",
        "client-secret-file",
        "login-env",
        "login-file",
        "password-env",
        "password-file",
        "technical-id",
        "timeout",
        "check-structure",
        "track-until",
        "poll-interval",
        "poll-max-interval",
        "poll-batch",
    }
)
_SECRETS = ("client-id", "client-secret", "login", "password")
#: Envelope metadata key that names the buyer's SIRET when the invoice does not carry one.
BUYER_SIRET_HINT = "buyer-siret"


@dataclass(frozen=True, slots=True)
class ChorusConfig:
    """A partner's ``chorus`` channel (``schemas/channels/chorus.schema.json``)."""

    KEYS: ClassVar[frozenset[str]] = _KEYS
    """The channel keys read here (the JSON Schema must list the same)."""

    endpoints: Endpoints
    """PISTE hosts (``environment``) or an explicit ``base-url`` (the simulator)."""
    client_id: SecretRef
    client_secret: SecretRef
    login: SecretRef
    """The Chorus Pro technical account's login."""
    password: SecretRef
    technical_id: int | None = None
    """``idUtilisateurCourant`` sent with deposits and actions, when the account needs it."""
    timeout_s: float = 30.0
    check_structure: bool = True
    """Check the buyer's service-code / EJ requirements before depositing."""
    stop_statuses: frozenset[str] = field(default=INVOICE_FINAL_STATUSES)
    """Invoice statuses after which tracking stops (``track-until``: ``payment`` or ``mandate``)."""
    schedule: PollSchedule = field(default_factory=PollSchedule)
    """When a followed delivery is polled again (``poll-interval``, ``poll-max-interval``)."""
    poll_batch: int = 100
    """At most this many deliveries polled per ``poll_acks`` (``poll-batch``), most overdue first."""

    @classmethod
    def from_config(cls, params: Mapping[str, object], *, where: str, base: Path | None = None) -> ChorusConfig:
        """Build the config from a channel's parameters, reporting every problem at once.

        :param where: file and key path of ``params`` (``partners/ville.yaml: channels[0].chorus``).
        :param base: directory relative ``*-file`` paths are resolved against.
        :raises ConfigError: unknown keys, missing ones, wrong values (all listed).
        """
        problems: list[str] = []
        unknown = sorted(set(params) - _KEYS)
        if unknown:
            problems.append(f"unknown keys: {', '.join(unknown)}")
        endpoints = _endpoints(params, problems)
        refs: dict[str, SecretRef] = {}
        for key in _SECRETS:
            try:
                ref = secret_ref(params, key, where=where, base=base)
            except ConfigError as exc:
                problems.append(exc.message)
                continue
            if ref is None:
                problems.append(f"missing {key}-env (or {key}-file)")
            else:
                refs[key] = ref
        technical_id = params.get("technical-id")
        if technical_id is not None and (isinstance(technical_id, bool) or not isinstance(technical_id, int)):
            problems.append(f"technical-id: expected an integer, got {technical_id!r}")
        timeout = params.get("timeout", 30)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            problems.append(f"timeout: expected a positive number of seconds, got {timeout!r}")
        check = params.get("check-structure", True)
        if not isinstance(check, bool):
            problems.append(f"check-structure: expected true or false, got {check!r}")
        track = params.get("track-until", "payment")
        if track not in ("payment", "mandate"):
            problems.append(f"track-until: expected payment or mandate, got {track!r}")
        schedule = _schedule(params, problems)
        batch = params.get("poll-batch", 100)
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            problems.append(f"poll-batch: expected a positive integer, got {batch!r}")
        if problems or endpoints is None or schedule is None:
            raise ConfigError("; ".join(problems), path=where)
        return cls(
            endpoints=endpoints,
            client_id=refs["client-id"],
            client_secret=refs["client-secret"],
            login=refs["login"],
            password=refs["password"],
            technical_id=technical_id if isinstance(technical_id, int) else None,
            timeout_s=float(timeout),  # type: ignore[arg-type]
            check_structure=bool(check),
            stop_statuses=PAID_OR_MANDATED_STATUSES if track == "mandate" else INVOICE_FINAL_STATUSES,
            schedule=schedule,
            poll_batch=int(batch),  # type: ignore[call-overload]
        )

    def credentials(self) -> Credentials:
        """Resolve the four secrets (at channel build time, so a missing variable names its key).

        :raises ConfigError: a variable is unset or a file unreadable.
        """
        return Credentials(self.client_id.text(), self.client_secret.text(), self.login.text(), self.password.text())


def _schedule(params: Mapping[str, object], problems: list[str]) -> PollSchedule | None:
    values: dict[str, float] = {}
    for key, default in (("poll-interval", 300), ("poll-max-interval", 6 * 3600)):
        value = params.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(f"{key}: expected a number of seconds (0 or more), got {value!r}")
        else:
            values[key] = float(value)
    if len(values) < 2:
        return None
    if values["poll-max-interval"] < values["poll-interval"]:
        problems.append(
            f"poll-max-interval ({values['poll-max-interval']:g}) is below poll-interval ({values['poll-interval']:g})"
        )
        return None
    return PollSchedule(values["poll-interval"], values["poll-max-interval"])


def _endpoints(params: Mapping[str, object], problems: list[str]) -> Endpoints | None:
    base_url = params.get("base-url")
    environment = params.get("environment")
    if base_url is not None and environment is not None:
        problems.append("give base-url or environment, not both")
        return None
    if base_url is not None:
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            problems.append(f"base-url: expected an http(s) URL, got {base_url!r}")
            return None
        return Endpoints.at(base_url)
    if environment is None:
        problems.append("missing environment (sandbox or production) or base-url")
        return None
    if environment not in ("sandbox", "production"):
        problems.append(f"environment: expected sandbox or production, got {environment!r}")
        return None
    return Endpoints.for_environment(Environment(str(environment)))


class ChorusTransport:
    """Deliver to Chorus Pro and report its flow and invoice statuses."""

    name: ClassVar[str] = "chorus"
    tracking_record: ClassVar[type[TrackedDelivery]] = TrackedDelivery
    """The channel follows deliveries after sending: the worker hands it durable storage for these records."""
    config_class: ClassVar[type[ChorusConfig]] = ChorusConfig
    """Checks the channel keys without resolving secrets (``gateway partners check``)."""

    def __init__(
        self,
        config: ChorusConfig,
        *,
        tracking: PendingTracking | None = None,
        client: ChorusClient | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """Build the channel.

        :param tracking: where followed deliveries are kept; in memory otherwise.
        :param client: a ready client (tests); otherwise built from ``config`` (secrets resolved now).
        :param clock: the current time, timezone-aware (tests move it instead of sleeping); UTC now otherwise.
        :raises ConfigError: a secret cannot be resolved.
        """
        self.config = config
        self._clock = clock if clock is not None else _utc_now
        self.tracking: PendingTracking = tracking if tracking is not None else InMemoryTracking()
        self.client = client or ChorusClient(
            config.endpoints, config.credentials(), timeout_s=config.timeout_s, user_id=config.technical_id
        )

    @classmethod
    def from_config(
        cls,
        params: Mapping[str, Any],
        *,
        where: str,
        base: Path,
        tracking: PendingTracking | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> Self:
        """Return a channel built from a partner file's channel mapping (secrets resolved now).

        :param tracking: the gateway store's view of the deliveries this channel follows.
        :param clock: the current time (see :meth:`__init__`).
        """
        return cls(ChorusConfig.from_config(params, where=where, base=base), tracking=tracking, clock=clock)

    def __repr__(self) -> str:
        return f"ChorusTransport(api={self.config.endpoints.api_base!r})"

    # -- send -----------------------------------------------------------------

    def send(self, envelope: Envelope) -> SendResult:
        """Check the buyer's requirements, then deposit the rendition; never raises for a platform failure."""
        syntax = syntax_for_format(envelope.format)
        if syntax is None:
            return SendResult.permanent(
                f"Chorus Pro takes ubl, cii or facturx renditions, not {envelope.format!r}; change the route's format"
            )
        phases: list[Phase] = []
        if self.config.check_structure:
            started = time.monotonic()
            try:
                problems = self._buyer_problems(envelope)
            except ChorusError as exc:
                phases.append(Phase("structure-check", time.monotonic() - started, exc.code))
                return _failure(exc, phases)
            except FormatError as exc:
                return SendResult.permanent(f"cannot read the invoice to check the buyer: {exc.one_line()}")
            phases.append(Phase("structure-check", time.monotonic() - started, "rejected" if problems else None))
            if problems:
                detail = "refused before deposit: " + "; ".join(p.message for p in problems)
                return SendResult.permanent(detail, phases=tuple(phases))
        started = time.monotonic()
        try:
            deposit = self.client.deposit_flow(envelope.content, envelope.filename, syntax)
        except ChorusError as exc:
            phases.append(Phase("deposit", time.monotonic() - started, exc.code))
            return _failure(exc, phases)
        phases.append(Phase("deposit", time.monotonic() - started))
        self.tracking.add(TrackedDelivery(envelope.message_id, deposit.flow_number))
        _log.info("deposited %s as flow %s", envelope.message_id, deposit.flow_number)
        return SendResult.delivered(
            f"deposited as flow {deposit.flow_number}",
            remote_ref=deposit.flow_number,
            awaits_ack=True,
            phases=tuple(phases),
        )

    def _buyer_problems(self, envelope: Envelope) -> list[Problem]:
        invoice = read_invoice(envelope.content, source=envelope.filename).invoice
        siret = envelope.metadata.get(BUYER_SIRET_HINT) or _buyer_siret(invoice)
        if siret is None:
            return [Problem("chorus.no-buyer-siret", "BT-46", "the invoice names no buyer SIRET (scheme 0009)")]
        structure = self.client.buyer_structure(siret, service_code=(invoice.buyer_reference or "").strip() or None)
        if structure is None:
            return [Problem("chorus.unknown-buyer", "BT-46", f"Chorus Pro knows no structure with SIRET {siret}")]
        return check_buyer_requirements(invoice, structure)

    # -- acknowledgements -----------------------------------------------------

    def poll_acks(self) -> Iterator[Ack]:
        """Yield new flow and invoice statuses of the tracked deliveries that are due.

        At most ``poll-batch`` deliveries are polled, most overdue first; each is
        rescheduled after its poll (backing off while nothing changes), and its
        progress is saved once its acks have been taken.

        :raises PermanentTransportError: the platform refuses our credentials (no item can be polled).
        """
        schedule = self.config.schedule
        now = self._clock()
        due = [item for item in self.tracking.pending() if schedule.is_due(item, now)]
        # ISO-8601 UTC strings sort in time order; "" (never polled) first.
        due.sort(key=lambda item: item.next_poll_at or "")
        for item in due[: self.config.poll_batch]:
            try:
                acks, progress, done = self._poll_one(item)
            except ChorusError as exc:
                if exc.code == "chorus.auth":
                    raise PermanentTransportError(exc.one_line()) from exc
                # One item's failure must not stop the others; it is retried later, backing off like silence.
                _log.warning("chorus: polling %s failed: %s", item.flow_number, exc.one_line())
                self.tracking.update(schedule.after_poll(item, changed=False, now=self._clock()))
                continue
            yield from acks
            if done:
                self.tracking.finish(item.message_id)
            else:
                self.tracking.update(schedule.after_poll(progress, changed=bool(acks), now=self._clock()))

    def _poll_one(self, item: TrackedDelivery) -> tuple[list[Ack], TrackedDelivery, bool]:
        acks: list[Ack] = []
        if item.flow_state is None or item.flow_state not in (FlowState.INTEGRE, FlowState.INTEGRE_PARTIEL):
            report = self.client.flow_report(item.flow_number)
            if report.state != item.flow_state:
                acks.append(_flow_ack(item.message_id, report))
                item = replace(item, flow_state=report.state)
            if not report.is_integrated:
                return acks, item, report.is_final
        if item.invoice_id is None:
            found = self.client.search_supplier_invoices(flow_number=item.flow_number)
            if not found:
                return acks, item, False  # integrated but not searchable yet
            item = replace(item, invoice_id=found[0].invoice_id)
        assert item.invoice_id is not None
        history = self.client.invoice_history(item.invoice_id)
        new = history.statuses[item.statuses_reported :]
        done = False
        for change in new:
            terminal = change.status in self.config.stop_statuses
            acks.append(
                Ack(
                    message_id=item.message_id,
                    kind="chorus-status",
                    status=change.status,
                    detail=change.comment,
                    at=change.at,
                    terminal=terminal,
                )
            )
            done = done or terminal
        return acks, replace(item, statuses_reported=len(history.statuses)), done

    # -- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _flow_ack(message_id: str, report: FlowReport) -> Ack:
    return Ack(
        message_id=message_id,
        kind="chorus-flow",
        status=report.state,
        detail=report.describe_errors(),
        at=report.state_at,
        # Integrated is not the end: invoice statuses follow under the same message id.
        terminal=report.is_final and not report.is_integrated,
    )


def _failure(exc: ChorusError, phases: list[Phase]) -> SendResult:
    detail = exc.one_line()
    if exc.transient:
        return SendResult.transient(detail, phases=tuple(phases))
    return SendResult.permanent(detail, phases=tuple(phases))


def _buyer_siret(invoice: Invoice) -> str | None:
    buyer = invoice.buyer
    if buyer is None:
        return None
    for ident in (*buyer.identifiers, buyer.legal_registration, buyer.electronic_address):
        if ident is not None and ident.scheme == "0009" and ident.value.strip():
            return ident.value.strip()
    return None
