"""The invoice status machine the simulated public buyer and supplier move through.

Targets a recipient may set with ``factures/v1/traiter/recue`` are Pastell's list
(research notes §1.5); which status may follow which is this simulator's model of
the supplier-side sequence in §1.6 (``DEPOSEE`` → ``MISE_A_DISPOSITION`` → …
→ ``MANDATEE`` → ``MISE_EN_PAIEMENT``), not an official table. The platform
itself puts a new invoice in ``DEPOSEE`` then ``MISE_A_DISPOSITION``; the
supplier answers ``SUSPENDUE`` with ``completer`` (→ ``COMPLETEE``) and
``A_RECYCLER`` with ``recycler`` (→ ``MISE_A_DISPOSITION`` again).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from chorus.codes import InvoiceStatus as S

__all__ = ["BUYER_TARGETS", "NEXT_BY_BUYER", "REASON_REQUIRED", "buyer_may_set"]

#: ``nouveauStatut`` values ``traiter/recue`` accepts at all (Pastell).
BUYER_TARGETS: Final = frozenset(
    {
        S.MISE_A_DISPOSITION,
        S.A_RECYCLER,
        S.REJETEE,
        S.SUSPENDUE,
        S.SERVICE_FAIT,
        S.MANDATEE,
        S.MISE_A_DISPOSITION_COMPTABLE,
        S.COMPTABILISEE,
        S.MISE_EN_PAIEMENT,
    }
)
#: Targets that need a ``motif`` (Pastell for REJETEE, factpulse docs for SUSPENDUE).
REASON_REQUIRED: Final = frozenset({S.REJETEE, S.SUSPENDUE})

_OPEN = frozenset({S.SUSPENDUE, S.A_RECYCLER, S.REJETEE, S.SERVICE_FAIT, S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE})

NEXT_BY_BUYER: Final = MappingProxyType(
    {
        S.MISE_A_DISPOSITION: _OPEN,
        S.COMPLETEE: _OPEN | {S.MISE_A_DISPOSITION},
        S.SUSPENDUE: frozenset({S.REJETEE}),
        S.SERVICE_FAIT: frozenset({S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, S.SUSPENDUE, S.REJETEE}),
        S.MISE_A_DISPOSITION_COMPTABLE: frozenset({S.COMPTABILISEE, S.MANDATEE, S.REJETEE}),
        S.COMPTABILISEE: frozenset({S.MANDATEE, S.MISE_EN_PAIEMENT}),
        S.MANDATEE: frozenset({S.MISE_EN_PAIEMENT}),
    }
)
"""Current status → what the recipient may set next (``transverses/v1/recuperer/etats/traitement``)."""


def buyer_may_set(current: str, target: str) -> bool:
    """Return whether a recipient may move an invoice from ``current`` to ``target``."""
    # StrEnum members hash and compare as their text, so plain strings look them up.
    return target in BUYER_TARGETS and target in NEXT_BY_BUYER.get(current, frozenset())  # type: ignore[call-overload]
