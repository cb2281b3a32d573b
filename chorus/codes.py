"""Chorus Pro code lists: deposit syntaxes, flow states, invoice statuses.

Values are the API's own (``syntaxeFlux``, ``etatCourantDepotFlux``,
``statutCourantCode``), as observed by public clients that ran against the real
platform (OCA ``l10n_fr_chorus_*``, Tryton, Pastell, chorus-api, go-choruspro);
see the project's research notes, section 1.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "FLOW_FINAL_STATES",
    "FLOW_INTEGRATED_STATES",
    "INVOICE_FINAL_STATUSES",
    "NO_RESULT_CODES",
    "OK_CODE",
    "OK_LIBELLE",
    "PAID_OR_MANDATED_STATUSES",
    "SYNTAX_BY_FORMAT",
    "FlowState",
    "InvoiceStatus",
    "SyntaxeFlux",
    "syntax_for_format",
]

#: ``codeRetour`` of a successful call, and its ``libelle``.
OK_CODE: Final = 0
OK_LIBELLE: Final = "TRA_MSG_00.000"

#: ``codeRetour`` values that mean "the search found nothing" (Pastell ``CPPWrapper.php``):
#: searches turn them into an empty result instead of an error.
NO_RESULT_CODES: Final = frozenset({20000, 20007})


class SyntaxeFlux(StrEnum):
    """``syntaxeFlux`` of a deposit: the interface code of the file's format."""

    UBL_INVOICE = "IN_DP_E1_UBL_INVOICE"
    """E1 (structured), UBL 2.1 Invoice or CreditNote."""
    CII_16B = "IN_DP_E1_CII_16B"
    """E1 (structured), UN/CEFACT CII D16B."""
    CII_FACTURX = "IN_DP_E2_CII_FACTURX"
    """E2 (mixed), a Factur-X PDF/A-3 with its CII."""


SYNTAX_BY_FORMAT: Final = MappingProxyType(
    {"ubl": SyntaxeFlux.UBL_INVOICE, "cii": SyntaxeFlux.CII_16B, "facturx": SyntaxeFlux.CII_FACTURX}
)
"""Aiguillage rendition format id → ``syntaxeFlux``."""


def syntax_for_format(format_id: str) -> SyntaxeFlux | None:
    """Return the ``syntaxeFlux`` to deposit a rendition of ``format_id`` with, or ``None`` if Chorus Pro takes none."""
    return SYNTAX_BY_FORMAT.get(format_id)


class FlowState(StrEnum):
    """``etatCourantDepotFlux``: where a deposited flow is in Chorus Pro's intake."""

    RECU = "IN_RECU"
    TRAITE_SE_CPP = "IN_TRAITE_SE_CPP"
    EN_ATTENTE_TRAITEMENT_CPP = "IN_EN_ATTENTE_TRAITEMENT_CPP"
    EN_COURS_TRAITEMENT_CPP = "IN_EN_COURS_TRAITEMENT_CPP"
    EN_ATTENTE_RETRAITEMENT_CPP = "IN_EN_ATTENTE_RETRAITEMENT_CPP"
    INTEGRE = "IN_INTEGRE"
    INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL"
    REJETE = "IN_REJETE"
    INCIDENTE = "IN_INCIDENTE"


#: States after which a flow never changes (OCA stops polling on them).
FLOW_FINAL_STATES: Final = frozenset(
    {FlowState.INTEGRE, FlowState.INTEGRE_PARTIEL, FlowState.REJETE, FlowState.INCIDENTE}
)
#: Final states in which at least one invoice was created.
FLOW_INTEGRATED_STATES: Final = frozenset({FlowState.INTEGRE, FlowState.INTEGRE_PARTIEL})


class InvoiceStatus(StrEnum):
    """``statutCourantCode`` / ``histoStatutCode``: the statuses a supplier-side tracker sees."""

    DEPOSEE = "DEPOSEE"
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT"
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
    PRISE_EN_COMPTE_DESTINATAIRE = "PRISE_EN_COMPTE_DESTINATAIRE"
    SUSPENDUE = "SUSPENDUE"
    COMPLETEE = "COMPLETEE"
    A_RECYCLER = "A_RECYCLER"
    REJETEE = "REJETEE"
    SERVICE_FAIT = "SERVICE_FAIT"
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE"
    COMPTABILISEE = "COMPTABILISEE"
    MANDATEE = "MANDATEE"
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"


#: Statuses after which an invoice never changes.
INVOICE_FINAL_STATUSES: Final = frozenset({InvoiceStatus.REJETEE, InvoiceStatus.MISE_EN_PAIEMENT})
#: Where OCA stops polling: once mandated, payment follows without supplier action.
PAID_OR_MANDATED_STATUSES: Final = INVOICE_FINAL_STATUSES | {InvoiceStatus.MANDATEE}
