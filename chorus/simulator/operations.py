"""The simulated API operations: one function per path, JSON body in, envelope fields out.

Field names are the API's (research notes §1.3-1.7). A handler returns the
answer without the envelope, which the app adds, or raises :class:`Refusal`,
which becomes ``{codeRetour, libelle}`` with HTTP 400. Codes 20000 and 20001
were observed on the real platform; codes 20002-20006 (libelle ``SIM_MSG_…``)
are this simulator's own, since the real ones were not found.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from chorus.codes import SyntaxeFlux
from chorus.simulator.directory import Account, Structure
from chorus.simulator.inspection import Inspector
from chorus.simulator.lifecycle import NEXT_BY_BUYER
from chorus.simulator.state import NO_RESULT, Flow, Refusal, SimInvoice, SimulatorState

__all__ = ["OPERATIONS", "Call", "Handler"]

_MAX_FILE_NAME = 200


def _bad(detail: str) -> Refusal:
    return Refusal(20002, f"SIM_MSG_00.002 - Requête invalide : {detail}")


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated call: who, with what body, against which state."""

    state: SimulatorState
    inspector: Inspector
    account: Account
    body: Mapping[str, object]

    def text(self, key: str, *, required: bool = True, within: Mapping[str, object] | None = None) -> str | None:
        value = (self.body if within is None else within).get(key)
        if value is None or value == "":
            if required:
                raise _bad(f"{key} est obligatoire")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _bad(f"{key} doit être une chaîne")
        return str(value)

    def number(self, key: str) -> int:
        value = self.body.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
            raise _bad(f"{key} doit être un entier")
        return int(value)

    def group(self, key: str) -> Mapping[str, object]:
        value = self.body.get(key) or {}
        if not isinstance(value, dict):
            raise _bad(f"{key} doit être un objet")
        return value


Handler = Callable[[Call], dict[str, object]]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _amount(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def deposit_flow(call: Call) -> dict[str, object]:
    """``factures/v1/deposer/flux``."""
    name = call.text("nomFichier") or ""
    if len(name) > _MAX_FILE_NAME:
        raise _bad(f"nomFichier dépasse {_MAX_FILE_NAME} caractères")
    syntax_text = call.text("syntaxeFlux") or ""
    try:
        syntax = SyntaxeFlux(syntax_text)
    except ValueError:
        raise Refusal(20006, f"SIM_MSG_00.006 - Syntaxe de flux non gérée par le simulateur : {syntax_text}") from None
    try:
        content = base64.b64decode(call.text("fichierFlux") or "", validate=True)
    except (binascii.Error, ValueError):
        raise _bad("fichierFlux n'est pas du base64") from None
    # The XSD check runs outside the state lock: it is the slow part.
    inspection = call.inspector.inspect(content, syntax)
    flow = call.state.deposit(call.account, name, syntax, inspection)
    return {"numeroFluxDepot": flow.number, "dateDepot": _day(flow.deposited_at.date()), "syntaxeFlux": flow.syntax}


def _flow_errors(flow: Flow) -> dict[str, object]:
    final = flow.position == len(flow.plan) - 1
    return {
        "listeErreurDP": [
            {"identifiantFournisseur": s, "identifiantDestinataire": r, "numeroDP": n, "libelleErreurDP": label}
            for s, r, n, label in (flow.dp_errors if final else ())
        ],
        "listeErreurTechnique": [
            {"codeErreur": f.code, "libelleErreur": f.label, "natureErreur": f.nature}
            for f in (flow.faults if final else ())
        ],
    }


def consult_report_detailed(call: Call) -> dict[str, object]:
    """``transverses/v1/consulterCRDetaille``."""
    flow = call.state.consult_flow(call.account, call.text("numeroFluxDepot") or "")
    return {
        "nomFichier": flow.file_name,
        "dateDepotFlux": _day(flow.deposited_at.date()),
        "codeInterfaceDepotFlux": flow.syntax,
        "etatCourantDepotFlux": flow.state,
        "dateHeureEtatCourantFlux": _moment(flow.state_at),
        **_flow_errors(flow),
    }


def consult_report(call: Call) -> dict[str, object]:
    """``transverses/v1/consulterCR`` (no PDF report: ``fichierCR`` is absent)."""
    flow = call.state.consult_flow(call.account, call.text("numeroFluxDepot") or "")
    return {
        "numeroFluxDepot": flow.number,
        "dateDepotFlux": _day(flow.deposited_at.date()),
        "dateHeureEtatCourantFlux": _moment(flow.state_at),
        "etatCourantFlux": flow.state,
        "nomFichierFlux": flow.file_name,
        "codeInterfaceFlux": flow.syntax,
    }


def _summary(state: SimulatorState, invoice: SimInvoice) -> dict[str, object]:
    recipient = state.directory.structure_by_id(invoice.recipient_id)
    supplier = state.directory.structure_by_id(invoice.supplier_id)
    return {
        "identifiantFactureCPP": invoice.invoice_id,
        "numeroFacture": invoice.number,
        "statut": invoice.status,
        "numeroFluxDepot": invoice.flow_number,
        "dateDepot": _day(invoice.deposited_on),
        "dateFacture": _day(invoice.invoice_date),
        "dateHeureEtatCourant": _moment(invoice.history[-1].at),
        "typeFacture": invoice.invoice_type,
        "montantHT": _amount(invoice.total_ht),
        "montantTTC": _amount(invoice.total_ttc),
        "montantAPayer": _amount(invoice.payable),
        "devise": invoice.currency,
        "codeDestinataire": recipient.siret if recipient else None,
        "idDestinataire": invoice.recipient_id,
        "designationDestinataire": recipient.name if recipient else None,
        "codeServiceExecutant": invoice.service_code,
        "codeFournisseur": supplier.siret if supplier else None,
        "designationFournisseur": supplier.name if supplier else None,
        "commentaireEtatCourant": invoice.history[-1].comment,
    }


def search_supplier(call: Call) -> dict[str, object]:
    """``factures/v1/rechercher/fournisseur``."""
    found = call.state.supplier_invoices(
        call.account,
        flow_number=call.text("numeroFluxDepot", required=False),
        invoice_number=call.text("numeroFacture", required=False),
    )
    if not found:
        raise Refusal(*NO_RESULT)
    return {
        "listeFactures": [_summary(call.state, i) for i in found],
        "parametresRetour": {"nbResultatsParPage": len(found), "pageCourante": 1, "pages": 1, "total": len(found)},
    }


def consult_history(call: Call) -> dict[str, object]:
    """``factures/v1/consulter/historique``: newest first, at most ``nbResultatsMaximum``."""
    invoice = call.state.invoice_for(call.account, call.number("idFacture"))
    limit = call.number("nbResultatsMaximum") if "nbResultatsMaximum" in call.body else 50
    entries = list(reversed(invoice.history))[:limit]
    return {
        "idFacture": invoice.invoice_id,
        "numeroFacture": invoice.number,
        "statutCourantCode": invoice.status,
        "historiquesDesStatuts": {
            "histoStatut": [
                {
                    "histoStatutId": e.entry_id,
                    "histoStatutCode": e.status,
                    "histoStatutDatePassage": _moment(e.at),
                    "histoStatutCommentaire": e.comment,
                }
                for e in entries
            ]
        },
    }


def process_received(call: Call) -> dict[str, object]:
    """``factures/v1/traiter/recue`` (the public buyer)."""
    invoice = call.state.process_received(
        call.account,
        call.number("idFacture"),
        call.text("nouveauStatut") or "",
        call.text("motif", required=False) or "",
    )
    return {
        "idFacture": invoice.invoice_id,
        "numeroFacture": invoice.number,
        "nouveauStatut": invoice.status,
        "dateTraitement": _day(invoice.history[-1].at.date()),
    }


def complete(call: Call) -> dict[str, object]:
    """``factures/v1/completer``."""
    invoice = call.state.complete(
        call.account, call.number("identifiantFactureCPP"), call.text("commentaire", required=False) or ""
    )
    return {
        "identifiantFactureCPP": invoice.invoice_id,
        "numeroFacture": invoice.number,
        "dateTraitement": _day(invoice.history[-1].at.date()),
    }


def recycle(call: Call) -> dict[str, object]:
    """``factures/v1/recycler``."""
    recipient = call.group("destinataire")
    reference = call.group("reference")
    invoice = call.state.recycle(
        call.account,
        call.number("identifiantFactureCPP"),
        call.text("commentaire", required=False) or "",
        recipient_siret=call.text("codeDestinataire", required=False, within=recipient),
        service_code=call.text("codeServiceExecutant", required=False, within=recipient),
        commitment=call.text("numeroBonCommande", required=False, within=reference),
    )
    return {
        "identifiantFactureCPP": invoice.invoice_id,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "dateDepot": _day(invoice.history[-1].at.date()),
    }


def _visible(call: Call, structure: Structure, restrict_private: bool) -> bool:
    # Pastell: unless told otherwise, only public structures plus the caller's own.
    return structure.public or not restrict_private or structure.structure_id == call.account.structure_id


def search_structures(call: Call) -> dict[str, object]:
    """``structures/v1/rechercher``."""
    wanted = call.group("structure")
    siret = call.text("identifiantStructure", within=wanted)
    kind = call.text("typeIdentifiantStructure", required=False, within=wanted) or "SIRET"
    restrict = call.body.get("restreindreStructuresPrivees")
    found = [
        s
        for s in call.state.directory.structures
        if kind == "SIRET" and s.siret == siret and _visible(call, s, restrict is not False)
    ]
    if not found:
        raise Refusal(*NO_RESULT)
    return {
        "listeStructures": [
            {
                "idStructureCPP": s.structure_id,
                "identifiantStructure": s.siret,
                "typeIdentifiantStructure": "SIRET",
                "designationStructure": s.name,
                "statut": "ACTIF" if s.active else "INACTIF",
            }
            for s in found
        ],
        "parametresRetour": {"total": len(found), "pageCourante": 1, "pages": 1, "nbResultatsParPage": len(found)},
    }


def _structure(call: Call, key: str) -> Structure:
    structure = call.state.directory.structure_by_id(call.number(key))
    if structure is None:
        raise Refusal(20005, "SIM_MSG_00.005 - Structure introuvable.")
    return structure


def consult_structure(call: Call) -> dict[str, object]:
    """``structures/v1/consulter``."""
    s = _structure(call, "idStructureCPP")
    return {
        "informationGenerales": {
            "idStructureCPP": s.structure_id,
            "identifiantStructure": s.siret,
            "typeIdentifiantStructure": "SIRET",
            "raisonSocialeStructure": s.name,
            "structurePriveePublique": "PUBLIQUE" if s.public else "PRIVEE",
        },
        "parametres": {
            "codeServiceDoitEtreRenseigne": s.service_code_required,
            "numeroEJDoitEtreRenseigne": s.commitment_required,
            "gestionNumeroEJOuCodeService": s.commitment_or_service,
        },
    }


def search_services(call: Call) -> dict[str, object]:
    """``structures/v1/rechercher/services``."""
    s = _structure(call, "idStructure")
    if not s.services:
        raise Refusal(*NO_RESULT)
    return {
        "listeServices": [
            {
                "idService": v.service_id,
                "codeService": v.code,
                "libelleService": v.label,
                "estActif": v.active,
                "statutService": "ACTIF" if v.active else "INACTIF",
            }
            for v in s.services
        ],
        "parametresRetour": {"total": len(s.services), "pageCourante": 1, "pages": 1},
    }


def consult_service(call: Call) -> dict[str, object]:
    """``structures/v1/consulter/service``."""
    s = _structure(call, "idStructure")
    service_id = call.number("idService")
    service = next((v for v in s.services if v.service_id == service_id), None)
    if service is None:
        raise Refusal(20005, "SIM_MSG_00.005 - Service introuvable.")
    return {
        "parametres": {"numeroEngagement": service.commitment_required, "miseEnPaiement": False},
        "informationsGenerales": {
            "codeService": service.code,
            "nomService": service.label,
            "descriptionService": service.label,
        },
    }


def search_commitments(call: Call) -> dict[str, object]:
    """``engagementsJuridiques/v1/rechercher`` (only EJs in state ``COMMANDE`` exist here)."""
    structure_id = call.text("structureReceptriceEngagementJuridique") or ""
    structure = call.state.directory.structure_by_id(int(structure_id)) if structure_id.isdigit() else None
    number = call.text("numeroEngagementJuridique", required=False)
    state = call.text("etatCourantEngagementJuridique", required=False)
    found = [
        c for c in (structure.commitments if structure else ()) if number in (None, c) and state in (None, "COMMANDE")
    ]
    if not found:
        raise Refusal(*NO_RESULT)
    return {
        "listeEngagementJuridique": [
            {"numeroEngagementJuridique": c, "etatCourantEngagementJuridique": "COMMANDE"} for c in found
        ]
    }


def possible_statuses(call: Call) -> dict[str, object]:
    """``transverses/v1/recuperer/etats/traitement``: what a recipient may set from ``statutCourant``."""
    current = call.text("statutCourant") or ""
    allowed = sorted(NEXT_BY_BUYER.get(current, frozenset()))  # type: ignore[call-overload]
    return {"listeStatutsPossiblesPourTraitement": [{"statutPossiblePourTraitement": s} for s in allowed]}


OPERATIONS: Mapping[str, Handler] = MappingProxyType(
    {
        "factures/v1/deposer/flux": deposit_flow,
        "transverses/v1/consulterCRDetaille": consult_report_detailed,
        "transverses/v1/consulterCR": consult_report,
        "factures/v1/rechercher/fournisseur": search_supplier,
        "factures/v1/consulter/historique": consult_history,
        "factures/v1/traiter/recue": process_received,
        "factures/v1/completer": complete,
        "factures/v1/recycler": recycle,
        "structures/v1/rechercher": search_structures,
        "structures/v1/consulter": consult_structure,
        "structures/v1/rechercher/services": search_services,
        "structures/v1/consulter/service": consult_service,
        "engagementsJuridiques/v1/rechercher": search_commitments,
        "transverses/v1/recuperer/etats/traitement": possible_statuses,
    }
)
"""Operation path under ``/cpro/`` → handler; a path not listed answers 404."""
