"""The simulated platform's state: tokens, flows, invoices; one lock guards it all.

Requests arrive on uvicorn's worker threads; every method that reads or writes
takes the lock, and records are frozen dataclasses replaced whole, so a reader
never sees half an update. Time comes from injected clocks (wall time for the
dates Chorus Pro shows, monotonic time for token expiry).
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from chorus.codes import FlowState, InvoiceStatus, SyntaxeFlux
from chorus.simulator.acceptance import route_invoice
from chorus.simulator.directory import Account, Directory, Structure
from chorus.simulator.inspection import Inspection, TechnicalFault
from chorus.simulator.lifecycle import NEXT_BY_BUYER, REASON_REQUIRED, buyer_may_set
from formats.errors import AiguillageError
from formats.model import Invoice

__all__ = [
    "Flow",
    "HistoryEntry",
    "Refusal",
    "SimInvoice",
    "SimulatorState",
]

#: ``numeroFluxDepot`` = ``CPP`` + 22 digits; the counter starts where an observed number sits.
_FLOW_START = 11113000000000044750
_INVOICE_START = 7_000_001


class Refusal(AiguillageError):
    """A call the simulated platform answers with a non-zero ``codeRetour``."""

    code = "chorus.simulator.refusal"

    def __init__(self, code_retour: int, libelle: str, *, http_status: int = 400) -> None:
        super().__init__(libelle)
        self.code_retour = code_retour
        self.libelle = libelle
        self.http_status = http_status


FLOW_NOT_FOUND = (20001, "POQ_MSG_01.003 - Flux introuvable.")
NO_RESULT = (20000, "TRA_MSG_00.015")


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One ``histoStatut``."""

    entry_id: int
    status: str
    at: datetime
    comment: str = ""


@dataclass(frozen=True, slots=True)
class SimInvoice:
    """An invoice the platform integrated."""

    invoice_id: int
    number: str
    flow_number: str
    supplier_id: int
    recipient_id: int
    service_code: str | None
    commitment: str | None
    invoice_type: str
    """``FACTURE`` or ``AVOIR``."""
    deposited_on: date
    invoice_date: date | None
    total_ht: Decimal | None
    total_ttc: Decimal | None
    payable: Decimal | None
    currency: str | None
    history: tuple[HistoryEntry, ...]

    @property
    def status(self) -> str:
        """The current status (the last history entry)."""
        return self.history[-1].status


@dataclass(frozen=True, slots=True)
class Flow:
    """A deposited flow and what its processing will reveal."""

    number: str
    file_name: str
    syntax: str
    supplier_id: int
    deposited_at: datetime
    plan: tuple[str, ...]
    """The states it goes through, the final one last."""
    position: int
    """Index in ``plan`` of the current state."""
    state_at: datetime
    faults: tuple[TechnicalFault, ...]
    dp_errors: tuple[tuple[str, str, str, str], ...]
    """(identifiantFournisseur, identifiantDestinataire, numeroDP, libelleErreurDP)."""
    invoice: Invoice | None
    """The invoice to create when the flow is integrated."""
    routing_service: str | None = None
    routing_commitment: str | None = None
    recipient_id: int | None = None

    @property
    def state(self) -> str:
        """``etatCourantDepotFlux``."""
        return self.plan[self.position]


class SimulatorState:
    """In-memory Chorus Pro: thread-safe."""

    def __init__(
        self,
        directory: Directory,
        *,
        token_lifetime_s: int = 3600,
        instant_flows: bool = False,
        now: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.token_lifetime_s = token_lifetime_s
        self.instant_flows = instant_flows
        self._now = now
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._flows: dict[str, Flow] = {}
        self._invoices: dict[int, SimInvoice] = {}
        self._flow_ids = itertools.count(_FLOW_START)
        self._invoice_ids = itertools.count(_INVOICE_START)
        self._history_ids = itertools.count(1)
        self._failures: list[int] = []
        #: Calls served per operation path (what tests count).
        self.calls: dict[str, int] = {}
        self.tokens_issued = 0

    # -- PISTE ----------------------------------------------------------------

    def issue_token(self, client_id: str, client_secret: str) -> str | None:
        """Return a new access token for valid client credentials, else ``None``."""
        app = next((a for a in self.directory.applications if a.client_id == client_id), None)
        if app is None or not secrets.compare_digest(app.client_secret, client_secret):
            return None
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self._monotonic()
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (client_id, now + self.token_lifetime_s)
            self.tokens_issued += 1
        return token

    def token_client(self, token: str) -> str | None:
        """Return the client id a live token was issued to, or ``None`` (unknown or expired)."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None or entry[1] <= self._monotonic():
                return None
            return entry[0]

    def is_subscribed(self, client_id: str) -> bool:
        """Return whether the application subscribed to the Chorus Pro API."""
        return any(a.client_id == client_id and a.subscribed for a in self.directory.applications)

    def revoke_tokens(self) -> None:
        """Forget every token (PISTE revoking early)."""
        with self._lock:
            self._tokens.clear()

    def account(self, login: str, password: str) -> Account | None:
        """Return the technical account for these credentials."""
        for account in self.directory.accounts:
            if account.login == login and secrets.compare_digest(account.password, password):
                return account
        return None

    def fail_next(self, http_status: int, count: int = 1) -> None:
        """Make the next ``count`` API calls answer ``http_status`` (outage injection)."""
        with self._lock:
            self._failures.extend([http_status] * count)

    def take_failure(self) -> int | None:
        """Return the HTTP status the current call must fail with, if an outage was injected."""
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def count_call(self, operation: str) -> None:
        """Count one served call of ``operation``."""
        with self._lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1

    # -- flows ----------------------------------------------------------------

    def deposit(self, account: Account, file_name: str, syntax: SyntaxeFlux, inspection: Inspection) -> Flow:
        """Record a deposited flow; its outcome is decided now and revealed as it is consulted."""
        supplier = self._structure(account.structure_id)
        now = self._now()
        with self._lock:
            number = f"CPP{next(self._flow_ids):022d}"
            dp_errors: list[tuple[str, str, str, str]] = []
            routing = None
            if inspection.invoice is not None:
                routing = route_invoice(inspection.invoice, supplier, self.directory)
                number_dp = inspection.invoice.number or ""
                errors = list(routing.errors)
                if self._is_duplicate(supplier.structure_id, number_dp):
                    errors.append(f"Doublon : la facture {number_dp} a déjà été déposée")
                recipient = routing.recipient.siret if routing.recipient else ""
                dp_errors = [(supplier.siret, recipient, number_dp, e) for e in errors]
            final = FlowState.INTEGRE if routing is not None and not dp_errors else FlowState.REJETE
            plan = (FlowState.RECU.value, FlowState.EN_COURS_TRAITEMENT_CPP.value, final.value)
            flow = Flow(
                number=number,
                file_name=file_name,
                syntax=syntax.value,
                supplier_id=supplier.structure_id,
                deposited_at=now,
                plan=plan,
                position=0,
                state_at=now,
                faults=inspection.faults,
                dp_errors=tuple(dp_errors),
                invoice=inspection.invoice if final is FlowState.INTEGRE else None,
                routing_service=routing.service_code if routing else None,
                routing_commitment=routing.commitment if routing else None,
                recipient_id=routing.recipient.structure_id if routing and routing.recipient else None,
            )
            self._flows[number] = flow
            if self.instant_flows:
                self._advance(number, to_end=True)
            return self._flows[number]

    def consult_flow(self, account: Account, number: str) -> Flow:
        """Return a flow as it is now, then let its processing move one step on."""
        with self._lock:
            flow = self._flows.get(number)
            if flow is None or flow.supplier_id != account.structure_id:
                raise Refusal(*FLOW_NOT_FOUND)
            self._advance(number, to_end=False)
            return flow

    def finish_flow(self, number: str) -> Flow:
        """Complete a flow's processing now (admin hook)."""
        with self._lock:
            if number not in self._flows:
                raise Refusal(*FLOW_NOT_FOUND)
            self._advance(number, to_end=True)
            return self._flows[number]

    def _advance(self, number: str, *, to_end: bool) -> None:
        flow = self._flows[number]
        last = len(flow.plan) - 1
        if flow.position == last:
            return
        position = last if to_end else flow.position + 1
        flow = replace(flow, position=position, state_at=self._now())
        self._flows[number] = flow
        if position == last and flow.state == FlowState.INTEGRE and flow.invoice is not None:
            self._integrate(flow, flow.invoice)

    def _integrate(self, flow: Flow, invoice: Invoice) -> None:
        assert flow.recipient_id is not None
        now = self._now()
        totals = invoice.totals
        created = SimInvoice(
            invoice_id=next(self._invoice_ids),
            number=invoice.number or "",
            flow_number=flow.number,
            supplier_id=flow.supplier_id,
            recipient_id=flow.recipient_id,
            service_code=flow.routing_service,
            commitment=flow.routing_commitment,
            invoice_type="AVOIR" if invoice.is_credit_note else "FACTURE",
            deposited_on=flow.deposited_at.date(),
            invoice_date=invoice.issue_date,
            total_ht=totals.tax_exclusive if totals else None,
            total_ttc=totals.tax_inclusive if totals else None,
            payable=totals.payable if totals else None,
            currency=invoice.currency,
            history=(
                HistoryEntry(next(self._history_ids), InvoiceStatus.DEPOSEE.value, now),
                HistoryEntry(next(self._history_ids), InvoiceStatus.MISE_A_DISPOSITION.value, now),
            ),
        )
        self._invoices[created.invoice_id] = created

    def _is_duplicate(self, supplier_id: int, number: str) -> bool:
        return any(
            i.supplier_id == supplier_id and i.number == number and i.status != InvoiceStatus.REJETEE
            for i in self._invoices.values()
        )

    # -- invoices -------------------------------------------------------------

    def supplier_invoices(
        self, account: Account, *, flow_number: str | None, invoice_number: str | None
    ) -> list[SimInvoice]:
        """Return the account's issued invoices matching the filters, oldest first."""
        with self._lock:
            return [
                i
                for i in sorted(self._invoices.values(), key=lambda i: i.invoice_id)
                if i.supplier_id == account.structure_id
                and flow_number in (None, i.flow_number)
                and invoice_number in (None, i.number)
            ]

    def invoice_for(self, account: Account, invoice_id: int) -> SimInvoice:
        """Return an invoice the account issued or received."""
        with self._lock:
            invoice = self._invoices.get(invoice_id)
        if invoice is None or account.structure_id not in (invoice.supplier_id, invoice.recipient_id):
            raise Refusal(20003, "SIM_MSG_00.003 - Facture introuvable.")
        return invoice

    def _set_status(self, invoice: SimInvoice, status: str, comment: str, **changes: object) -> SimInvoice:
        entry = HistoryEntry(next(self._history_ids), status, self._now(), comment)
        updated = replace(invoice, history=(*invoice.history, entry), **changes)  # type: ignore[arg-type]
        self._invoices[invoice.invoice_id] = updated
        return updated

    def process_received(self, account: Account, invoice_id: int, target: str, reason: str) -> SimInvoice:
        """Recipient side (``traiter/recue``): move an invoice, as the public buyer."""
        with self._lock:
            invoice = self._invoices.get(invoice_id)
            if invoice is None or invoice.recipient_id != account.structure_id:
                raise Refusal(20003, "SIM_MSG_00.003 - Facture introuvable.")
            if not buyer_may_set(invoice.status, target):
                allowed = ", ".join(sorted(NEXT_BY_BUYER.get(invoice.status, ()))) or "aucun"  # type: ignore[call-overload]
                raise Refusal(
                    20004,
                    f"SIM_MSG_00.004 - Statut {target} impossible depuis {invoice.status} (possibles : {allowed})",
                )
            if target in REASON_REQUIRED and not reason.strip():
                raise Refusal(20004, f"SIM_MSG_00.004 - Un motif est obligatoire pour le statut {target}")
            return self._set_status(invoice, target, reason)

    def complete(self, account: Account, invoice_id: int, comment: str) -> SimInvoice:
        """Supplier answer to ``SUSPENDUE`` (``completer``)."""
        with self._lock:
            invoice = self._supplier_invoice(account, invoice_id)
            if invoice.status != InvoiceStatus.SUSPENDUE:
                raise Refusal(20004, f"SIM_MSG_00.004 - Seule une facture SUSPENDUE se complète ({invoice.status})")
            return self._set_status(invoice, InvoiceStatus.COMPLETEE.value, comment)

    def recycle(
        self,
        account: Account,
        invoice_id: int,
        comment: str,
        *,
        recipient_siret: str | None,
        service_code: str | None,
        commitment: str | None,
    ) -> SimInvoice:
        """Supplier answer to ``A_RECYCLER`` (``recycler``): new routing, checked like a deposit."""
        with self._lock:
            invoice = self._supplier_invoice(account, invoice_id)
            if invoice.status != InvoiceStatus.A_RECYCLER:
                raise Refusal(20004, f"SIM_MSG_00.004 - Seule une facture A_RECYCLER se recycle ({invoice.status})")
            recipient = (
                self.directory.structure_by_siret(recipient_siret)
                if recipient_siret
                else self.directory.structure_by_id(invoice.recipient_id)
            )
            if recipient is None:
                raise Refusal(20005, "SIM_MSG_00.005 - Structure destinataire introuvable.")
            new_service = service_code if service_code is not None else invoice.service_code
            new_ej = commitment if commitment is not None else invoice.commitment
            service = recipient.service(new_service) if new_service else None
            if new_service and (service is None or not service.active):
                raise Refusal(20004, f"SIM_MSG_00.004 - Service {new_service} inconnu ou inactif")
            return self._set_status(
                invoice,
                InvoiceStatus.MISE_A_DISPOSITION.value,
                comment,
                recipient_id=recipient.structure_id,
                service_code=new_service,
                commitment=new_ej,
            )

    def _supplier_invoice(self, account: Account, invoice_id: int) -> SimInvoice:
        invoice = self._invoices.get(invoice_id)
        if invoice is None or invoice.supplier_id != account.structure_id:
            raise Refusal(20003, "SIM_MSG_00.003 - Facture introuvable.")
        return invoice

    def _structure(self, structure_id: int) -> Structure:
        structure = self.directory.structure_by_id(structure_id)
        if structure is None:
            raise Refusal(20005, "SIM_MSG_00.005 - Structure introuvable.")
        return structure
