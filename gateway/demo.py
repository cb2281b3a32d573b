"""The main job on the embedded default: convert and validate the sample invoices.

Until the engine lands, the demo shows the format layer end to end: every sample
in ``samples/`` is read, converted to the other syntax, both files are validated
against the official schemas, and the converted file is read back and compared
with the original, term by term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formats.model.compare import diff_invoices
from formats.reading import read_invoice
from formats.rendering import render_invoice
from formats.validation import XsdValidator
from formats.xml_safety import parse_xml

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

    @property
    def ok(self) -> bool:
        return self.source_valid and self.output_valid and self.same_model


def run_demo(samples: Path, out_dir: Path, echo: Callable[[str], None]) -> list[DemoRow]:
    """Convert and validate every ``*.xml`` in ``samples``, writing results to ``out_dir``."""
    validator = XsdValidator()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    files = sorted(samples.glob("*.xml"))
    if not files:
        echo(f"no sample invoices found in {samples}")
    for path in files:
        data = path.read_bytes()
        read = read_invoice(data, source=str(path))
        source = read.detected.syntax if read.detected and read.detected.syntax else "?"
        target = "cii" if source == "ubl" else "ubl"
        rendered = render_invoice(read.invoice, target)
        output = out_dir / f"{path.stem}.to-{target}.xml"
        output.write_bytes(rendered.data)
        source_report = validator.validate_document(parse_xml(data))
        output_report = validator.validate_document(parse_xml(rendered.data))
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
        )
        rows.append(row)
        echo(
            f"  {path.name:<28} {source.upper()} → {target.upper()}  "
            f"source XSD {'ok' if row.source_valid else 'FAIL'}, output XSD {'ok' if row.output_valid else 'FAIL'}, "
            f"model {'identical' if row.same_model else 'DIFFERS'}, {row.warnings} warning(s)"
        )
        for difference in differences:
            echo(f"      {difference}")
    return rows
