"""Validation outcomes as data: one :class:`Finding` per failed rule, one report per document.

Severity follows the ``flag`` attribute of Schematron SVRL ``failed-assert``
(``fatal``, ``warning``, ``information``), the vocabulary the CEN, Peppol and
French CTC rule sets use; an XSD violation is always ``fatal``. A report is
*valid* when no finding is fatal: ``UBL-CR-*`` warnings, for instance, never
reject a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Flag", "ValidationReport"]


class Flag(StrEnum):
    """Severity of a finding, as in SVRL ``@flag``."""

    FATAL = "fatal"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One failed check."""

    rule: str
    """Rule id: ``XSD`` for schema violations, else the Schematron id (``BR-CO-10``, ``BR-FR-12``)."""
    flag: Flag
    """Severity; only :attr:`Flag.FATAL` makes a document invalid."""
    layer: str
    """The validation layer that produced it: ``xsd``, ``fx-xsd``, ``cen``, ``peppol``, ``br-fr``..."""
    location: str | None
    """Where: an XPath (``/Invoice/cac:AccountingSupplierParty/cac:Party``) or ``line N``; None if unknown."""
    message: str
    """One readable line saying what is wrong."""

    def to_json_dict(self) -> dict[str, str | None]:
        """Return the finding as a JSON-ready mapping with exactly the five public keys.

        :return: ``{"rule", "flag", "layer", "location", "message"}``.
        """
        return {
            "rule": self.rule,
            "flag": str(self.flag),
            "layer": self.layer,
            "location": self.location,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationReport:
    """Everything the validation layers found in one document."""

    syntax: str
    """Syntax id of the document: ``ubl-invoice``, ``ubl-creditnote``, ``cii``..."""
    profile: str | None
    """Factur-X profile read from BT-24 (``minimum`` ... ``extended``), or None."""
    findings: tuple[Finding, ...] = ()
    """All findings of all layers, in the order the layers ran."""
    layers_run: tuple[str, ...] = ()
    """The layers that actually ran, so that "no finding" is never mistaken for "not checked"."""

    @property
    def valid(self) -> bool:
        """True when no finding is fatal."""
        return not any(f.flag is Flag.FATAL for f in self.findings)

    def to_json_dict(self, file: str) -> dict[str, object]:
        """Return the report as the JSON object the CLI and API print.

        :param file: the document's name, as the caller knows it.
        :return: ``{"file", "syntax", "profile", "valid", "findings": [...]}``.
        """
        return {
            "file": file,
            "syntax": self.syntax,
            "profile": self.profile,
            "valid": self.valid,
            "findings": [f.to_json_dict() for f in self.findings],
        }
