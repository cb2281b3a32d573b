"""Drift check: the names in the research notes (../shared/research/chorus-reform-peppol.md §1) against what the
simulator actually serves over HTTP.

The tables below are copied from the notes, section by section; the test calls the
simulator with raw httpx (not our client, whose reading could hide a renamed field)
and lists every name the notes give that the simulator does not use. If the notes or
the simulator change, the failure names the field and its section.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

from chorus.simulator import RunningSimulator

from .conftest import APP, BUYER, SUPPLIER, render, sample_invoice

#: §1.1 token response fields.
TOKEN_FIELDS = ("access_token", "token_type", "expires_in", "scope")
#: §1.1 observed envelope: (codeRetour, libelle) for success, an unknown flow, a search with no result.
ENVELOPE = {"ok": (0, "TRA_MSG_00.000"), "unknown-flow": (20001, "POQ_MSG_01.003 - Flux introuvable."), "none": 20000}
#: §1.3 deposerFluxFacture response.
DEPOSIT_FIELDS = ("codeRetour", "libelle", "numeroFluxDepot", "dateDepot", "syntaxeFlux")
FLOW_NUMBER = re.compile(r"^CPP\d{22}$")
#: §1.3 consulterCR and consulterCRDetaille responses, and the error entries.
CR_FIELDS = (
    "numeroFluxDepot",
    "dateDepotFlux",
    "dateHeureEtatCourantFlux",
    "etatCourantFlux",
    "nomFichierFlux",
    "codeInterfaceFlux",
)
CR_DETAILED_FIELDS = (
    "nomFichier",
    "dateDepotFlux",
    "codeInterfaceDepotFlux",
    "etatCourantDepotFlux",
    "dateHeureEtatCourantFlux",
    "listeErreurDP",
    "listeErreurTechnique",
)
TECHNICAL_ERROR_FIELDS = ("codeErreur", "libelleErreur", "natureErreur")
#: §1.3 flow states (etatCourantFlux / etatCourantDepotFlux).
FLOW_STATES = {
    "IN_RECU",
    "IN_TRAITE_SE_CPP",
    "IN_EN_ATTENTE_TRAITEMENT_CPP",
    "IN_EN_COURS_TRAITEMENT_CPP",
    "IN_EN_ATTENTE_RETRAITEMENT_CPP",
    "IN_INTEGRE",
    "IN_INTEGRE_PARTIEL",
    "IN_REJETE",
    "IN_INCIDENTE",
}
#: §1.5 rechercher/fournisseur listeFactures[] main fields, and consulter/historique.
SEARCH_FIELDS = (
    "identifiantFactureCPP",
    "numeroFacture",
    "statut",
    "numeroFluxDepot",
    "dateDepot",
    "dateFacture",
    "dateHeureEtatCourant",
    "montantHT",
    "montantTTC",
    "montantAPayer",
    "codeDestinataire",
    "codeServiceExecutant",
)
HISTORY_FIELDS = ("idFacture", "numeroFacture", "statutCourantCode", "historiquesDesStatuts")
HISTO_STATUT_FIELDS = ("histoStatutId", "histoStatutCode", "histoStatutDatePassage", "histoStatutCommentaire")
#: §1.5 traiter/recue targets (Pastell) and §1.6 supplier-side statuses.
BUYER_TARGETS = (
    "MISE_A_DISPOSITION",
    "A_RECYCLER",
    "REJETEE",
    "SUSPENDUE",
    "SERVICE_FAIT",
    "MANDATEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "COMPTABILISEE",
    "MISE_EN_PAIEMENT",
)
INVOICE_STATUSES = {
    "DEPOSEE",
    "EN_COURS_ACHEMINEMENT",
    "MISE_A_DISPOSITION",
    "SUSPENDUE",
    "COMPLETEE",
    "A_RECYCLER",
    "REJETEE",
    "SERVICE_FAIT",
    "MANDATEE",
    "MISE_EN_PAIEMENT",
    "COMPTABILISEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "PRISE_EN_COMPTE_DESTINATAIRE",
    "TRANSMISE_MOA",
}
#: §1.7 structures.
STRUCTURE_SEARCH_FIELDS = (
    "idStructureCPP",
    "identifiantStructure",
    "typeIdentifiantStructure",
    "designationStructure",
    "statut",
)
STRUCTURE_INFO_FIELDS = ("idStructureCPP", "identifiantStructure", "raisonSocialeStructure", "structurePriveePublique")
STRUCTURE_FLAGS = ("codeServiceDoitEtreRenseigne", "numeroEJDoitEtreRenseigne", "gestionNumeroEJOuCodeService")
SERVICE_FIELDS = ("idService", "codeService", "libelleService", "estActif")
#: §1.1 wrong cpro-account answer.
ACCOUNT_REFUSAL = "login or password incorrects"


def _missing(where: str, names: tuple[str, ...], body: dict[str, Any]) -> list[str]:
    return [f"{where}: {name}" for name in names if name not in body]


class Platform:
    """Raw calls, as the notes describe them: POST {base}/cpro/{path}, Bearer + cpro-account."""

    def __init__(self, base_url: str, account: tuple[str, str]) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        form = {"grant_type": "client_credentials", "client_id": APP[0], "client_secret": APP[1], "scope": "openid"}
        self.token = self.http.post("/api/oauth/token", data=form).json()
        self.headers = {
            "Authorization": f"Bearer {self.token.get('access_token')}",
            "cpro-account": base64.b64encode(f"{account[0]}:{account[1]}".encode()).decode(),
            "Content-Type": "application/json;charset=utf-8",
        }

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.post(f"/cpro/{path}", json=body, headers=self.headers).json()
        return answer


def _deposit(platform: Platform, content: bytes) -> dict[str, Any]:
    body = {
        "fichierFlux": base64.b64encode(content).decode(),
        "nomFichier": "facture.xml",
        "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
        "avecSignature": False,
    }
    return platform.post("factures/v1/deposer/flux", body)


def test_the_simulator_speaks_the_names_of_the_research_notes(sim: RunningSimulator) -> None:
    supplier, buyer = Platform(sim.base_url, SUPPLIER), Platform(sim.base_url, BUYER)
    drift: list[str] = _missing("§1.1 token", TOKEN_FIELDS, supplier.token)
    if (supplier.token.get("token_type"), supplier.token.get("scope")) != ("Bearer", "openid"):
        drift.append(f"§1.1 token: token_type/scope {supplier.token.get('token_type')}/{supplier.token.get('scope')}")
    # §1.3 deposit, then the flow states one consultation at a time.
    deposit = _deposit(supplier, render(sample_invoice()))
    drift += _missing("§1.3 deposer/flux", DEPOSIT_FIELDS, deposit)
    if (deposit.get("codeRetour"), deposit.get("libelle")) != ENVELOPE["ok"]:
        drift.append(f"§1.1 envelope ok: {deposit.get('codeRetour')} {deposit.get('libelle')}")
    number = str(deposit.get("numeroFluxDepot"))
    if not FLOW_NUMBER.match(number):
        drift.append(f"§1.3 numeroFluxDepot format: {number}")
    report = supplier.post("transverses/v1/consulterCR", {"numeroFluxDepot": number})
    drift += _missing("§1.3 consulterCR", CR_FIELDS, report)
    states = [report.get("etatCourantFlux")]
    for _ in range(5):
        detailed = supplier.post("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number})
        drift += _missing("§1.3 consulterCRDetaille", CR_DETAILED_FIELDS, detailed)
        states.append(detailed.get("etatCourantDepotFlux"))
        if detailed.get("etatCourantDepotFlux") == "IN_INTEGRE":
            break
    drift += [f"§1.3 flow state not in the notes: {s}" for s in states if s not in FLOW_STATES]
    unknown = supplier.post("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": "CPP" + "9" * 22})
    if (unknown.get("codeRetour"), unknown.get("libelle")) != ENVELOPE["unknown-flow"]:
        drift.append(f"§1.1 envelope unknown flow: {unknown.get('codeRetour')} {unknown.get('libelle')}")
    # §1.3 a rejected flow carries listeErreurTechnique entries.
    broken = render(sample_invoice()).replace(b"</cbc:IssueDate>", b"</cbc:IssueDate><cbc:Stray>1</cbc:Stray>", 1)
    rejected_number = _deposit(supplier, broken).get("numeroFluxDepot")
    rejected: dict[str, Any] = {}
    for _ in range(5):
        rejected = supplier.post("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": rejected_number})
        if rejected.get("etatCourantDepotFlux") == "IN_REJETE":
            break
    errors = rejected.get("listeErreurTechnique") or [{}]
    drift += _missing("§1.3 listeErreurTechnique[]", TECHNICAL_ERROR_FIELDS, errors[0])
    # §1.5 search and history.
    search = supplier.post("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number})
    [found] = search.get("listeFactures") or [{}]
    drift += _missing("§1.5 listeFactures[]", SEARCH_FIELDS, found)
    invoice_id = found.get("identifiantFactureCPP")
    for target in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
        moved = buyer.post("factures/v1/traiter/recue", {"idFacture": invoice_id, "nouveauStatut": target})
        if moved.get("codeRetour") != 0:
            drift.append(f"§1.5 traiter/recue {target}: {moved.get('codeRetour')} {moved.get('libelle')}")
    history = supplier.post("factures/v1/consulter/historique", {"idFacture": invoice_id, "nbResultatsMaximum": 50})
    drift += _missing("§1.5 consulter/historique", HISTORY_FIELDS, history)
    entries = (history.get("historiquesDesStatuts") or {}).get("histoStatut") or [{}]
    drift += _missing("§1.5 histoStatut[]", HISTO_STATUT_FIELDS, entries[0])
    statuses = [e.get("histoStatutCode") for e in entries]
    drift += [f"§1.6 invoice status not in the notes: {s}" for s in statuses if s not in INVOICE_STATUSES]
    for current in ("MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE"):
        possible = supplier.post("transverses/v1/recuperer/etats/traitement", {"statutCourant": current})
        for item in possible.get("listeStatutsPossiblesPourTraitement") or [{}]:
            value = item.get("statutPossiblePourTraitement")
            if value not in BUYER_TARGETS:
                drift.append(f"§1.5 etats/traitement from {current}: {value} not a traiter/recue target")
    # §1.7 structures.
    search_body = {
        "structure": {"identifiantStructure": "81234567600017", "typeIdentifiantStructure": "SIRET"},
        "restreindreStructuresPrivees": False,
    }
    structures = supplier.post("structures/v1/rechercher", search_body)
    [structure] = structures.get("listeStructures") or [{}]
    drift += _missing("§1.7 listeStructures[]", STRUCTURE_SEARCH_FIELDS, structure)
    consulted = supplier.post("structures/v1/consulter", {"idStructureCPP": structure.get("idStructureCPP")})
    drift += _missing("§1.7 informationGenerales", STRUCTURE_INFO_FIELDS, consulted.get("informationGenerales") or {})
    drift += _missing("§1.7 parametres", STRUCTURE_FLAGS, consulted.get("parametres") or {})
    services = supplier.post("structures/v1/rechercher/services", {"idStructure": structure.get("idStructureCPP")})
    listed = services.get("listeServices") or [{}]
    drift += _missing("§1.7 listeServices[]", SERVICE_FIELDS, listed[0])
    if "FACTURES_PUBLIQUES" not in {s.get("codeService") for s in listed}:
        drift.append("§1.7 the FACTURES_PUBLIQUES pseudo-service is not listed")
    service = supplier.post(
        "structures/v1/consulter/service", {"idStructure": structure.get("idStructureCPP"), "idService": 30002}
    )
    drift += _missing("§1.7 consulter/service parametres", ("numeroEngagement",), service.get("parametres") or {})
    ej_body = {
        "structureReceptriceEngagementJuridique": str(structure.get("idStructureCPP")),
        "numeroEngagementJuridique": "EJ-2026-000123",
        "etatCourantEngagementJuridique": "COMMANDE",
    }
    drift += _missing(
        "§1.7 engagementsJuridiques",
        ("listeEngagementJuridique",),
        supplier.post("engagementsJuridiques/v1/rechercher", ej_body),
    )
    nothing = supplier.post("structures/v1/rechercher", {"structure": {"identifiantStructure": "99999999999999"}})
    if nothing.get("codeRetour") != ENVELOPE["none"]:
        drift.append(f"§1.1 envelope no result: {nothing.get('codeRetour')}")
    # §1.1 a wrong technical account.
    refused = httpx.post(
        f"{sim.base_url}/cpro/structures/v1/consulter",
        json={"idStructureCPP": 25002},
        headers={**supplier.headers, "cpro-account": base64.b64encode(b"TECH_AFR@cpro.example:wrong").decode()},
    )
    if refused.status_code != 401 or ACCOUNT_REFUSAL not in refused.headers.get("WWW-Authenticate", ""):
        drift.append(f"§1.1 cpro-account refusal: {refused.status_code} {refused.headers.get('WWW-Authenticate')}")
    health = supplier.http.get("/cpro/transverses/v1/health-check", headers=supplier.headers)
    if health.status_code != 200:
        drift.append(f"§1.1 GET transverses/v1/health-check: HTTP {health.status_code}")
    supplier.http.close()
    buyer.http.close()
    assert drift == [], "the simulator drifted from the research notes:\n" + "\n".join(drift)
    assert states[0] == "IN_RECU" and states[-1] == "IN_INTEGRE"  # the walk reached the end it checks
    assert {"SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"} <= set(statuses)
