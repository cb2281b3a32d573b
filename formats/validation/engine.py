"""Validate one document in this process: parse, detect, choose layers, run them, report.

This is what every validator worker runs; :mod:`formats.validation.pool` spreads
documents over several such workers. A layer that cannot run on a document
(engine error) yields a fatal finding, never silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from lxml import etree

from formats.cii import read_cii
from formats.detection import Detected, DocumentKind, describe, detect_tree
from formats.edifact.iso20625 import interchange_to_iso20625
from formats.errors import FormatError, LegacyFormat, UnsupportedFormat
from formats.model import Invoice
from formats.pdf import extract_invoice_xml
from formats.ubl import read_ubl
from formats.validation.artefacts import ArtefactStore
from formats.validation.findings import Finding, Flag, ValidationReport
from formats.validation.layers import Layer, LayerPlan, artefact_for, choose_layers
from formats.validation.schematron import SchematronRunner
from formats.validation.xsd import XsdValidator, choose_schemas, profile_from_guideline, syntax_of
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml

__all__ = ["NativeChecks", "Validator", "input_failure"]

#: Native pre-checks: (invoice, syntax) → findings. Injected so this module does
#: not depend on which checks exist.
NativeChecks = Callable[[Invoice, str], list[Finding]]

_SCHEMATRON_SYNTAX = {
    DocumentKind.UBL_INVOICE: "ubl",
    DocumentKind.UBL_CREDIT_NOTE: "ubl",
    DocumentKind.CII: "cii",
    DocumentKind.CDAR: "cdar",
}


def input_failure(error: FormatError) -> ValidationReport:
    """Return the report of a document that could not even be parsed."""
    finding = Finding(rule=error.code, flag=Flag.FATAL, layer="input", location=None, message=error.message)
    return ValidationReport(syntax="unknown", profile=None, findings=(finding,), layers_run=("input",))


class Validator:
    """Run the validation layers on documents, one at a time, in this process.

    Compiled schemas and stylesheets are kept for the validator's lifetime.
    """

    def __init__(
        self,
        store: ArtefactStore | None = None,
        *,
        native_checks: NativeChecks | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._store = store if store is not None else ArtefactStore.from_env()
        self._xsd = XsdValidator(self._store)
        self._schematron = SchematronRunner(self._store)
        self._native = native_checks
        self._max_bytes = max_bytes

    def preload(self, artefact_ids: Iterable[str]) -> None:
        """Load schemas and compile stylesheets ahead of traffic (they are otherwise loaded on first use).

        :param artefact_ids: ``xsd:`` ids load schemas, other ids compile Schematron XSLTs.
        :raises ArtefactError: an artefact is missing or does not load.
        """
        for artefact_id in artefact_ids:
            if artefact_id.startswith("xsd:"):
                self._xsd.preload(artefact_id)
            else:
                self._schematron.executable(artefact_id)

    def plan(self, detected: Detected, invoice: Invoice | None, *, french: bool | None = None) -> LayerPlan:
        """Choose the layers for a document (see :func:`choose_layers`).

        :param french: force BR-FR on or off; ``None`` decides from the seller's country (BT-40).
        """
        if french is None:
            seller = invoice.seller if invoice is not None else None
            french = bool(seller and seller.address and seller.address.country_code == "FR")
        return choose_layers(detected, french=french, native=self._native is not None)

    def validate(
        self,
        data: bytes,
        *,
        layers: Sequence[Layer] | None = None,
        french: bool | None = None,
        source: str | None = None,
    ) -> ValidationReport:
        """Validate one document.

        :param layers: run exactly these (``--layers``); ``None`` chooses automatically.
        :param french: see :meth:`plan`.
        :return: the report; unreadable input is a report with one fatal ``input`` finding.
        :raises ArtefactError: an official artefact a chosen layer needs is missing.
        """
        try:
            if data[:1024].find(b"%PDF-") >= 0:
                # A hybrid PDF is validated through its embedded invoice XML.
                data = extract_invoice_xml(data, source=source, max_bytes=self._max_bytes).xml
            elif data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"UNA", b"UNB")):
                # EDIFACT is validated on its ISO 20625 XML form, which the CEN EDIFACT rules address.
                data = interchange_to_iso20625(data, source=source)
            root = parse_xml(data, max_bytes=self._max_bytes, source=source)
        except FormatError as exc:
            return input_failure(exc)
        detected = detect_tree(root)
        if detected.kind is DocumentKind.ZUGFERD_1:
            return input_failure(
                LegacyFormat("ZUGFeRD 1.0 predates EN 16931: no official rules apply; ask for Factur-X / ZUGFeRD 2.x")
            )
        if detected.kind is DocumentKind.OTHER_XML and detected.root != "M_INVOIC":
            # Nothing to validate against is not the same as valid.
            return input_failure(UnsupportedFormat(f"not a document Aiguillage validates: {describe(detected)}"))
        findings: list[Finding] = []
        invoice = self._read(root, detected, findings)
        chosen = tuple(layers) if layers is not None else self.plan(detected, invoice, french=french).layers
        run: list[str] = []
        text: str | None = None
        syntax = _SCHEMATRON_SYNTAX.get(detected.kind, "edifact-xml" if detected.root == "M_INVOIC" else "")
        for layer in chosen:
            if layer.is_schema:
                schema_findings = self._schema_layer(root, detected, layer)
                if schema_findings is None:
                    continue  # e.g. fx-xsd on UBL: no such schema, so not "run"
                findings += schema_findings
            elif layer is Layer.NATIVE:
                if invoice is None or self._native is None:
                    continue
                findings += self._native(invoice, syntax)
            else:
                artefact = artefact_for(layer, syntax, detected.profile)
                if artefact is None:
                    continue
                if text is None:
                    text = etree.tostring(root, encoding="unicode")
                findings += self._schematron.run_text(text, artefact, layer.value)
            run.append(layer.value)
        kind = syntax_of(root)
        return ValidationReport(
            syntax=str(kind) if kind is not None else detected.kind.value,
            profile=detected.profile.value if detected.profile else None,
            findings=tuple(findings),
            layers_run=tuple(run),
        )

    def _read(self, root: etree._Element, detected: Detected, findings: list[Finding]) -> Invoice | None:
        if detected.kind not in (DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE, DocumentKind.CII):
            return None
        try:
            result = read_cii(root) if detected.kind is DocumentKind.CII else read_ubl(root)
        except FormatError as exc:
            # The schema and rule layers will say more; the model-based checks cannot run.
            findings.append(
                Finding(rule=exc.code, flag=Flag.FATAL, layer="native", location=exc.path, message=exc.message)
            )
            return None
        return result.invoice

    def _schema_layer(self, root: etree._Element, detected: Detected, layer: Layer) -> list[Finding] | None:
        """Run the schemas of one XSD layer; ``None`` when the layer has no schema for this document."""
        syntax = syntax_of(root)
        if syntax is None:
            return None
        profile = profile_from_guideline(detected.specification)
        schemas = [
            schema_id
            for schema_id, schema_layer in choose_schemas(syntax, profile, detected.specification, store=self._store)
            if schema_layer == layer.value
        ]
        if not schemas:
            return None
        found: list[Finding] = []
        for schema_id in schemas:
            found += self._xsd.validate(root, schema_id, layer.value)
        return found
