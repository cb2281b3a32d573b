"""What Chorus Pro answers, as frozen dataclasses (field names in English, API names in the docstrings).

Each ``from_payload`` reads one answer object; unknown fields are ignored, so a
richer answer from the real platform never breaks the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chorus._payload import Payload, parse_date, parse_datetime
from chorus.codes import FLOW_FINAL_STATES, FLOW_INTEGRATED_STATES

__all__ = [
    "ActionResult",
    "BuyerService",
    "BuyerStructure",
    "Deposit",
    "FlowReport",
    "InvoiceError",
    "InvoiceHistory",
    "InvoiceSummary",
    "ServiceSummary",
    "StatusChange",
    "Structure",
    "StructureParameters",
    "StructureSummary",
    "TechnicalError",
]


@dataclass(frozen=True, slots=True)
class Deposit:
    """The answer to ``factures/v1/deposer/flux``."""

    flow_number: str
    """``numeroFluxDepot``: ``CPP`` + 22 digits; the key of every later flow query."""
    deposited_on: date | None
    """``dateDepot``."""
    syntax: str | None
    """``syntaxeFlux`` echoed back."""

    @classmethod
    def from_payload(cls, body: Payload) -> Deposit:
        """Read a deposit answer."""
        return cls(body.req_str("numeroFluxDepot"), parse_date(body.opt_str("dateDepot")), body.opt_str("syntaxeFlux"))


@dataclass(frozen=True, slots=True)
class TechnicalError:
    """One ``listeErreurTechnique`` entry: the file could not be read (XSD, format)."""

    code: str | None
    """``codeErreur``, e.g. ``ERR_XSD_001``."""
    label: str
    """``libelleErreur``, e.g. ``IRRECEVABILITE: cvc-datatype-valid…``."""
    nature: str | None
    """``natureErreur``."""

    def describe(self) -> str:
        """Return one line: code and label."""
        return f"{self.code}: {self.label}" if self.code else self.label


@dataclass(frozen=True, slots=True)
class InvoiceError:
    """One ``listeErreurDP`` entry: an invoice of the flow was refused (recipient, service, duplicate…)."""

    supplier: str | None
    """``identifiantFournisseur``."""
    recipient: str | None
    """``identifiantDestinataire``."""
    invoice_number: str | None
    """``numeroDP``."""
    label: str
    """``libelleErreurDP``."""

    def describe(self) -> str:
        """Return one line: invoice number and label."""
        return f"{self.invoice_number}: {self.label}" if self.invoice_number else self.label


@dataclass(frozen=True, slots=True)
class FlowReport:
    """The answer to ``transverses/v1/consulterCRDetaille``: where a flow is and what went wrong."""

    flow_number: str
    """``numeroFluxDepot`` asked about."""
    state: str
    """``etatCourantDepotFlux`` (a :class:`~chorus.codes.FlowState` value, kept as text)."""
    state_at: datetime | None
    """``dateHeureEtatCourantFlux``."""
    file_name: str | None
    """``nomFichier``."""
    deposited_on: date | None
    """``dateDepotFlux``."""
    interface_code: str | None
    """``codeInterfaceDepotFlux``: the ``syntaxeFlux`` of the deposit."""
    invoice_errors: tuple[InvoiceError, ...]
    """``listeErreurDP``."""
    technical_errors: tuple[TechnicalError, ...]
    """``listeErreurTechnique``."""

    @property
    def is_final(self) -> bool:
        """Whether the flow will not change any more."""
        return self.state in FLOW_FINAL_STATES

    @property
    def is_integrated(self) -> bool:
        """Whether invoices were created (``IN_INTEGRE`` or ``IN_INTEGRE_PARTIEL``)."""
        return self.state in FLOW_INTEGRATED_STATES

    def describe_errors(self) -> str:
        """Return every error on one line, ``; ``-separated (empty when none)."""
        parts = [e.describe() for e in self.technical_errors] + [e.describe() for e in self.invoice_errors]
        return "; ".join(parts)

    @classmethod
    def from_payload(cls, flow_number: str, body: Payload) -> FlowReport:
        """Read a ``consulterCRDetaille`` answer."""
        return cls(
            flow_number=flow_number,
            state=body.req_str("etatCourantDepotFlux"),
            state_at=parse_datetime(body.opt_str("dateHeureEtatCourantFlux")),
            file_name=body.opt_str("nomFichier"),
            deposited_on=parse_date(body.opt_str("dateDepotFlux")),
            interface_code=body.opt_str("codeInterfaceDepotFlux"),
            invoice_errors=tuple(
                InvoiceError(
                    e.opt_str("identifiantFournisseur"),
                    e.opt_str("identifiantDestinataire"),
                    e.opt_str("numeroDP"),
                    e.opt_str("libelleErreurDP") or "",
                )
                for e in body.items("listeErreurDP")
            ),
            technical_errors=tuple(
                TechnicalError(e.opt_str("codeErreur"), e.opt_str("libelleErreur") or "", e.opt_str("natureErreur"))
                for e in body.items("listeErreurTechnique")
            ),
        )


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    """One ``listeFactures`` entry of ``factures/v1/rechercher/fournisseur``."""

    invoice_id: int
    """``identifiantFactureCPP`` (the ``idFacture`` of later calls)."""
    number: str | None
    """``numeroFacture`` (BT-1)."""
    status: str | None
    """``statut``."""
    flow_number: str | None
    """``numeroFluxDepot``."""
    deposited_on: date | None
    """``dateDepot``."""
    recipient_code: str | None
    """``codeDestinataire`` (the buyer's SIRET)."""
    service_code: str | None
    """``codeServiceExecutant``."""
    comment: str | None
    """``commentaireEtatCourant``."""

    @classmethod
    def from_payload(cls, item: Payload) -> InvoiceSummary:
        """Read one search result."""
        return cls(
            invoice_id=item.req_int("identifiantFactureCPP"),
            number=item.opt_str("numeroFacture"),
            status=item.opt_str("statut"),
            flow_number=item.opt_str("numeroFluxDepot"),
            deposited_on=parse_date(item.opt_str("dateDepot")),
            recipient_code=item.opt_str("codeDestinataire"),
            service_code=item.opt_str("codeServiceExecutant"),
            comment=item.opt_str("commentaireEtatCourant"),
        )


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One ``histoStatut`` entry: an invoice entered a status."""

    entry_id: int | None
    """``histoStatutId``: orders entries that share a minute."""
    status: str
    """``histoStatutCode``."""
    at: datetime | None
    """``histoStatutDatePassage``."""
    comment: str
    """``histoStatutCommentaire`` (the buyer's motif for ``SUSPENDUE``/``REJETEE``)."""


@dataclass(frozen=True, slots=True)
class InvoiceHistory:
    """The answer to ``factures/v1/consulter/historique``, statuses oldest first."""

    invoice_id: int
    """``idFacture``."""
    number: str | None
    """``numeroFacture``."""
    current_status: str | None
    """``statutCourantCode``."""
    statuses: tuple[StatusChange, ...]
    """``historiquesDesStatuts.histoStatut``, sorted oldest first."""

    @classmethod
    def from_payload(cls, invoice_id: int, body: Payload) -> InvoiceHistory:
        """Read a history answer; entries are sorted by date then id, whatever order they came in."""
        entries = [
            StatusChange(
                e.opt_int("histoStatutId"),
                e.req_str("histoStatutCode"),
                parse_datetime(e.opt_str("histoStatutDatePassage")),
                e.opt_str("histoStatutCommentaire") or "",
            )
            for e in body.obj("historiquesDesStatuts").items("histoStatut")
        ]
        entries.sort(key=lambda e: (e.at or datetime.min, e.entry_id or 0))
        return cls(
            invoice_id=body.opt_int("idFacture") or invoice_id,
            number=body.opt_str("numeroFacture"),
            current_status=body.opt_str("statutCourantCode"),
            statuses=tuple(entries),
        )


@dataclass(frozen=True, slots=True)
class StructureSummary:
    """One ``listeStructures`` entry of ``structures/v1/rechercher``."""

    structure_id: int
    """``idStructureCPP``."""
    identifier: str
    """``identifiantStructure`` (a SIRET for French structures)."""
    identifier_type: str | None
    """``typeIdentifiantStructure``."""
    name: str | None
    """``designationStructure``."""
    status: str | None
    """``statut``."""


@dataclass(frozen=True, slots=True)
class StructureParameters:
    """``parametres`` of ``structures/v1/consulter``: what an invoice to this structure must carry."""

    service_code_required: bool
    """``codeServiceDoitEtreRenseigne``."""
    commitment_required: bool
    """``numeroEJDoitEtreRenseigne``."""
    commitment_or_service: bool
    """``gestionNumeroEJOuCodeService``: a service code *or* a commitment number."""


@dataclass(frozen=True, slots=True)
class Structure:
    """The answer to ``structures/v1/consulter``."""

    structure_id: int
    """``informationGenerales.idStructureCPP``."""
    identifier: str | None
    """``informationGenerales.identifiantStructure``."""
    name: str | None
    """``informationGenerales.raisonSocialeStructure``."""
    public_or_private: str | None
    """``informationGenerales.structurePriveePublique`` (``PUBLIQUE``/``PRIVEE``)."""
    parameters: StructureParameters
    """``parametres``."""

    @classmethod
    def from_payload(cls, structure_id: int, body: Payload) -> Structure:
        """Read a ``consulter`` answer."""
        info = body.obj("informationGenerales")
        params = body.obj("parametres")
        return cls(
            structure_id=info.opt_int("idStructureCPP") or structure_id,
            identifier=info.opt_str("identifiantStructure"),
            name=info.opt_str("raisonSocialeStructure"),
            public_or_private=info.opt_str("structurePriveePublique"),
            parameters=StructureParameters(
                service_code_required=bool(params.opt_bool("codeServiceDoitEtreRenseigne")),
                commitment_required=bool(params.opt_bool("numeroEJDoitEtreRenseigne")),
                commitment_or_service=bool(params.opt_bool("gestionNumeroEJOuCodeService")),
            ),
        )


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    """One ``listeServices`` entry of ``structures/v1/rechercher/services``."""

    service_id: int
    """``idService``."""
    code: str
    """``codeService`` (what BT-10 must hold)."""
    label: str | None
    """``libelleService``."""
    active: bool
    """``estActif``."""


@dataclass(frozen=True, slots=True)
class BuyerService:
    """A service of a buyer structure, with its own commitment-number requirement."""

    code: str
    """``codeService``."""
    label: str | None
    """``libelleService``."""
    active: bool
    """``estActif``."""
    commitment_required: bool | None
    """``parametres.numeroEngagement`` of ``structures/v1/consulter/service``; ``None`` when not consulted."""


@dataclass(frozen=True, slots=True)
class BuyerStructure:
    """Everything Chorus Pro says about a public buyer that decides what an invoice must carry."""

    structure: Structure
    services: tuple[BuyerService, ...]
    """Its services, ``FACTURES_PUBLIQUES`` included when listed."""
    status: str | None = None
    """``statut`` from the search (``ACTIF`` when usable)."""

    def service(self, code: str) -> BuyerService | None:
        """Return the service whose code is ``code`` (exact match), if any."""
        return next((s for s in self.services if s.code == code), None)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The answer to a supplier or recipient action (``completer``, ``recycler``, ``traiter/recue``)."""

    invoice_id: int
    """``identifiantFactureCPP`` / ``idFacture``."""
    number: str | None
    """``numeroFacture``."""
    status: str | None
    """``statutFacture`` / ``nouveauStatut``, when the answer gives it."""
    on: date | None
    """``dateTraitement`` / ``dateDepot``."""
