"""The Chorus Pro API client (synchronous, httpx): PISTE auth, the return envelope, the operations.

Every operation is ``POST {api}/cpro/<api>/v1/<op>`` with a JSON body, a PISTE
Bearer token and the ``cpro-account`` header; every answer carries
``codeRetour``/``libelle`` (research notes §1.1-1.7). The client:

- caches the token and renews it before expiry (:class:`~chorus.token.TokenCache`);
  a 401 that is *not* about the technical account drops the token and retries
  the call once, since PISTE may revoke a token early;
- turns HTTP 401/403 into :class:`ChorusAuthError`, 5xx/429 and network
  failures into :class:`ChorusTransientError`, any non-zero ``codeRetour``
  (whatever the HTTP status, 400 included) into :class:`ChorusApiError`;
- never retries otherwise: the outbox owns retries (STYLE.md §24).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx

from chorus._payload import Payload, parse_date, parse_json
from chorus.codes import NO_RESULT_CODES, OK_CODE, SyntaxeFlux
from chorus.edge import map_httpx_errors
from chorus.errors import ChorusApiError, ChorusAuthError, ChorusError, ChorusProtocolError, ChorusTransientError
from chorus.records import (
    ActionResult,
    BuyerService,
    BuyerStructure,
    Deposit,
    FlowReport,
    InvoiceHistory,
    InvoiceSummary,
    ServiceSummary,
    Structure,
    StructureSummary,
)
from chorus.settings import Credentials, Endpoints
from chorus.token import DEFAULT_RENEW_MARGIN_S, TokenCache

__all__ = ["ChorusClient", "PUBLIC_INVOICES_SERVICE"]

#: The pseudo-service Chorus Pro lists for invoices without a service; never a BT-10 value (OCA skips it).
PUBLIC_INVOICES_SERVICE = "FACTURES_PUBLIQUES"
#: ``nomFichier`` limit (CPP-2017 C# model).
MAX_FILE_NAME = 200
_PAGE = {"nbResultatsParPage": 100, "pageResultatDemandee": 1}
_log = logging.getLogger(__name__)


class ChorusClient:
    """A Chorus Pro client for one PISTE application and one technical account."""

    def __init__(
        self,
        endpoints: Endpoints,
        credentials: Credentials,
        *,
        timeout_s: float = 30.0,
        renew_margin_s: float = DEFAULT_RENEW_MARGIN_S,
        user_id: int | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        """Build a client; no connection is made until the first call.

        :param endpoints: PISTE hosts (:meth:`Endpoints.for_environment`) or the simulator's (:meth:`Endpoints.at`).
        :param credentials: the resolved secrets.
        :param timeout_s: connect/read/write timeout of each HTTP exchange.
        :param renew_margin_s: fetch a new token this long before the current one expires.
        :param user_id: ``idUtilisateurCourant`` sent with deposits and actions, when the account needs it.
        :param http: an httpx client to use (the caller keeps ownership); one is made otherwise.
        """
        self._endpoints = endpoints
        self._credentials = credentials
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout_s, follow_redirects=False)
        self._user_id = user_id
        self.tokens = TokenCache(self._http, endpoints.token_url, credentials, renew_margin_s=renew_margin_s)

    def __repr__(self) -> str:
        return f"ChorusClient(api={self._endpoints.api_base!r}, credentials=<redacted>)"

    # -- plumbing -------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections (only if this client made them)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def call(self, operation: str, body: Mapping[str, object]) -> Payload:
        """POST ``body`` to ``operation`` and return the answer once its envelope says OK.

        :param operation: path under ``/cpro/``, e.g. ``transverses/v1/consulterCRDetaille``.
        :raises ChorusAuthError: 401 (token or technical account refused) or 403 (application not subscribed).
        :raises ChorusTransientError: unreachable, timeout, 5xx, 429.
        :raises ChorusApiError: a non-zero ``codeRetour``, or another 4xx.
        :raises ChorusProtocolError: an answer that is not the documented JSON.
        """
        response = self._post(operation, body)
        if response.status_code == 401 and not _is_account_refusal(response):
            # PISTE can revoke a token before expires_in: one fresh token, one more try.
            self.tokens.invalidate()
            response = self._post(operation, body)
        return _read_answer(operation, response)

    def _post(self, operation: str, body: Mapping[str, object]) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.tokens.get()}",
            "cpro-account": self._credentials.cpro_account(),
            "Content-Type": "application/json;charset=utf-8",
            "Accept": "application/json",
        }
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        with map_httpx_errors(operation):
            response = self._http.post(self._endpoints.operation_url(operation), content=content, headers=headers)
        _log.debug("chorus %s -> HTTP %d", operation, response.status_code)
        return response

    def health_check(self) -> bool:
        """Return whether ``GET transverses/v1/health-check`` answers 200 (authenticated like any call)."""
        headers = {"Authorization": f"Bearer {self.tokens.get()}", "cpro-account": self._credentials.cpro_account()}
        operation = "transverses/v1/health-check"
        with map_httpx_errors(operation):
            response = self._http.get(self._endpoints.operation_url(operation), headers=headers)
        if response.status_code in (401, 403):
            _raise_auth(response)
        return response.status_code == 200

    def _with_user(self, body: dict[str, object]) -> dict[str, object]:
        if self._user_id is not None:
            body["idUtilisateurCourant"] = self._user_id
        return body

    # -- deposit and flow -----------------------------------------------------

    def deposit_flow(self, content: bytes, file_name: str, syntax: SyntaxeFlux | str) -> Deposit:
        """Deposit one file (``factures/v1/deposer/flux``).

        :param content: the UBL/CII XML or the Factur-X PDF, as rendered.
        :param file_name: ``nomFichier``, with its extension.
        :param syntax: ``syntaxeFlux`` (see :func:`chorus.codes.syntax_for_format`).
        :return: the deposit, whose ``flow_number`` tracks the flow.
        :raises ChorusApiError: the name is too long, or Chorus Pro refused the deposit.
        """
        if len(file_name) > MAX_FILE_NAME:
            raise ChorusApiError(
                f"nomFichier is {len(file_name)} characters long; Chorus Pro takes at most {MAX_FILE_NAME}",
                operation="factures/v1/deposer/flux",
                code_retour=None,
                libelle=None,
            )
        body = self._with_user(
            {
                "fichierFlux": base64.b64encode(content).decode("ascii"),
                "nomFichier": file_name,
                "syntaxeFlux": str(syntax),
                "avecSignature": False,
            }
        )
        return Deposit.from_payload(self.call("factures/v1/deposer/flux", body))

    def flow_report(self, flow_number: str) -> FlowReport:
        """Return the detailed report of a flow (``transverses/v1/consulterCRDetaille``).

        OCA uses it rather than ``consulterCR``, which was broken for Factur-X.
        """
        answer = self.call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow_number})
        return FlowReport.from_payload(flow_number, answer)

    # -- invoices -------------------------------------------------------------

    def search_supplier_invoices(
        self, *, flow_number: str | None = None, invoice_number: str | None = None
    ) -> list[InvoiceSummary]:
        """Find the account's issued invoices (``factures/v1/rechercher/fournisseur``); empty when none.

        :param flow_number: ``numeroFluxDepot``: the invoices a flow created.
        :param invoice_number: ``numeroFacture`` (BT-1).
        """
        body: dict[str, object] = {
            "rechercheFactureParFournisseur": {**_PAGE, "triColonne": "IdentifiantFactureCPP", "triSens": "Ascendant"}
        }
        if flow_number is not None:
            body["numeroFluxDepot"] = flow_number
        if invoice_number is not None:
            body["numeroFacture"] = invoice_number
        answer = self._search("factures/v1/rechercher/fournisseur", body)
        return [InvoiceSummary.from_payload(item) for item in answer.items("listeFactures")] if answer else []

    def invoice_history(self, invoice_id: int, *, max_results: int = 50) -> InvoiceHistory:
        """Return every status change of an invoice, oldest first (``factures/v1/consulter/historique``)."""
        body = {"idFacture": invoice_id, "nbResultatsMaximum": max_results}
        return InvoiceHistory.from_payload(invoice_id, self.call("factures/v1/consulter/historique", body))

    def complete(self, invoice_id: int, comment: str) -> ActionResult:
        """Answer a ``SUSPENDUE`` invoice with a comment (``factures/v1/completer``); it becomes ``COMPLETEE``."""
        body = self._with_user({"identifiantFactureCPP": invoice_id, "commentaire": comment})
        answer = self.call("factures/v1/completer", body)
        return _action(invoice_id, answer, "dateTraitement")

    def recycle(
        self,
        invoice_id: int,
        *,
        comment: str = "",
        recipient: str | None = None,
        service_code: str | None = None,
        commitment: str | None = None,
    ) -> ActionResult:
        """Send an ``A_RECYCLER`` invoice again, to a corrected recipient or service (``factures/v1/recycler``).

        :param recipient: ``destinataire.codeDestinataire`` (SIRET), when it changes.
        :param service_code: ``destinataire.codeServiceExecutant``, when it changes.
        :param commitment: ``reference.numeroBonCommande`` (the EJ), when it changes.
        """
        destinataire = {
            k: v for k, v in (("codeDestinataire", recipient), ("codeServiceExecutant", service_code)) if v is not None
        }
        body = self._with_user({"identifiantFactureCPP": invoice_id, "commentaire": comment})
        if destinataire:
            body["destinataire"] = destinataire
        if commitment is not None:
            body["reference"] = {"numeroBonCommande": commitment}
        return _action(invoice_id, self.call("factures/v1/recycler", body), "dateDepot")

    def process_received(
        self, invoice_id: int, new_status: str, *, reason: str = "", mandate_number: str | None = None
    ) -> ActionResult:
        """Recipient side: move a received invoice to ``new_status`` (``factures/v1/traiter/recue``).

        A ``motif`` is required for ``REJETEE`` and ``SUSPENDUE``.
        """
        body = self._with_user({"idFacture": invoice_id, "nouveauStatut": new_status, "motif": reason})
        if mandate_number is not None:
            body["numeroDPMandat"] = mandate_number
        answer = self.call("factures/v1/traiter/recue", body)
        return ActionResult(
            invoice_id,
            answer.opt_str("numeroFacture"),
            answer.opt_str("nouveauStatut"),
            parse_date(answer.opt_str("dateTraitement")),
        )

    # -- structures -----------------------------------------------------------

    def search_structures(self, identifier: str, *, identifier_type: str = "SIRET") -> list[StructureSummary]:
        """Find structures by identifier (``structures/v1/rechercher``); empty when none."""
        body = {
            "structure": {"identifiantStructure": identifier, "typeIdentifiantStructure": identifier_type},
            "restreindreStructuresPrivees": False,
            "parametres": _PAGE,
        }
        answer = self._search("structures/v1/rechercher", body)
        if answer is None:
            return []
        return [
            StructureSummary(
                s.req_int("idStructureCPP"),
                s.opt_str("identifiantStructure") or identifier,
                s.opt_str("typeIdentifiantStructure"),
                s.opt_str("designationStructure"),
                s.opt_str("statut"),
            )
            for s in answer.items("listeStructures")
        ]

    def structure(self, structure_id: int) -> Structure:
        """Return a structure with its obligation flags (``structures/v1/consulter``)."""
        answer = self.call("structures/v1/consulter", {"idStructureCPP": structure_id, "codeLangue": "fr"})
        return Structure.from_payload(structure_id, answer)

    def services(self, structure_id: int) -> list[ServiceSummary]:
        """List a structure's services (``structures/v1/rechercher/services``); empty when none."""
        body = {
            "idStructure": structure_id,
            "parametresRechercherServicesStructure": {**_PAGE, "triColonne": "CodeService", "triSens": "Descendant"},
        }
        answer = self._search("structures/v1/rechercher/services", body)
        if answer is None:
            return []
        return [
            ServiceSummary(
                s.req_int("idService"),
                s.req_str("codeService"),
                s.opt_str("libelleService"),
                bool(s.opt_bool("estActif")),
            )
            for s in answer.items("listeServices")
        ]

    def service_requires_commitment(self, structure_id: int, service_id: int) -> bool:
        """Return ``parametres.numeroEngagement`` of a service (``structures/v1/consulter/service``)."""
        body = {"idStructure": structure_id, "idService": service_id, "codeLangue": "fr"}
        answer = self.call("structures/v1/consulter/service", body)
        return bool(answer.obj("parametres").opt_bool("numeroEngagement"))

    def commitment_exists(self, structure_id: int, number: str) -> bool:
        """Return whether a structure has EJ ``number`` in ``COMMANDE`` (``engagementsJuridiques/v1/rechercher``)."""
        body = {
            "structureReceptriceEngagementJuridique": str(structure_id),
            "numeroEngagementJuridique": number,
            "etatCourantEngagementJuridique": "COMMANDE",
        }
        answer = self._search("engagementsJuridiques/v1/rechercher", body)
        return answer is not None and any(True for _ in answer.items("listeEngagementJuridique"))

    def buyer_structure(
        self, siret: str, *, service_code: str | None = None, all_services: bool = False
    ) -> BuyerStructure | None:
        """Resolve a buyer by SIRET into what decides its requirements; ``None`` if Chorus Pro does not know it.

        Calls ``structures/v1/rechercher``, ``structures/v1/consulter`` and
        ``structures/v1/rechercher/services``; ``structures/v1/consulter/service``
        only for ``service_code`` (the invoice's BT-10), the one service whose
        commitment requirement matters.

        :param all_services: consult every service's commitment requirement (one call each: for
            ``gateway chorus check-buyer``, not for each send).
        """
        found = self.search_structures(siret)
        if not found:
            return None
        summary = found[0]
        structure = self.structure(summary.structure_id)
        services = []
        for service in self.services(summary.structure_id):
            needs_ej: bool | None = None
            if all_services or (service_code is not None and service.code == service_code):
                needs_ej = self.service_requires_commitment(summary.structure_id, service.service_id)
            services.append(BuyerService(service.code, service.label, service.active, needs_ej))
        return BuyerStructure(structure, tuple(services), summary.status)

    def _search(self, operation: str, body: Mapping[str, object]) -> Payload | None:
        try:
            return self.call(operation, body)
        except ChorusApiError as exc:
            if exc.code_retour in NO_RESULT_CODES:
                return None
            raise


def _action(invoice_id: int, answer: Payload, date_key: str) -> ActionResult:
    return ActionResult(
        answer.opt_int("identifiantFactureCPP") or invoice_id,
        answer.opt_str("numeroFacture"),
        answer.opt_str("statutFacture"),
        parse_date(answer.opt_str(date_key)),
    )


def _is_account_refusal(response: httpx.Response) -> bool:
    # PISTE says so in WWW-Authenticate: error_description="login or password incorrects" (OCA, PR #425).
    return "login or password" in response.headers.get("WWW-Authenticate", "")


def _raise_auth(response: httpx.Response) -> None:
    if response.status_code == 403:
        raise ChorusAuthError(
            "PISTE answered 403: the application is not allowed to call Chorus Pro "
            "(check its subscription to the Chorus Pro API in the PISTE portal)",
            http_status=403,
        )
    if _is_account_refusal(response):
        raise ChorusAuthError(
            "Chorus Pro answered HTTP 401: it refused the technical account (cpro-account); "
            "check login and password, "
            "which expire (see dateExpirationMotPasseCompteTech)",
            http_status=401,
        )
    raise ChorusAuthError("PISTE refused the access token (HTTP 401)", http_status=401)


def _read_answer(operation: str, response: httpx.Response) -> Payload:
    status = response.status_code
    if status in (401, 403):
        _raise_auth(response)
    if status >= 500 or status == 429:
        raise ChorusTransientError(f"{operation}: Chorus Pro answered HTTP {status}")
    if status >= 400:
        try:
            envelope = parse_json(response.content, operation)
        except ChorusProtocolError:
            raise ChorusApiError(
                f"{operation}: HTTP {status} without a Chorus Pro envelope",
                operation=operation,
                code_retour=None,
                libelle=None,
                http_status=status,
            ) from None
        _check_envelope(operation, envelope, status)
        raise ChorusApiError(
            f"{operation}: HTTP {status}", operation=operation, code_retour=None, libelle=None, http_status=status
        )
    answer = parse_json(response.content, operation)
    _check_envelope(operation, answer, status)
    return answer


def _check_envelope(operation: str, answer: Payload, status: int) -> None:
    try:
        code = answer.opt_int("codeRetour")
    except ChorusError:
        code = None
    libelle = answer.opt_str("libelle") if isinstance(answer.data.get("libelle"), str) else None
    if code is None:
        if status >= 400:
            return  # the caller reports the bare HTTP status
        raise ChorusProtocolError(f"{operation}: the answer has no codeRetour")
    if code != OK_CODE:
        raise ChorusApiError(
            f"{operation}: Chorus Pro answered codeRetour {code}: {libelle or '(no libelle)'}",
            operation=operation,
            code_retour=code,
            libelle=libelle,
            http_status=status,
        )
