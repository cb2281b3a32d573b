"""``gateway edifact``: look at EDIFACT interchanges with the syntax layer (ISO 9735)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from formats.edifact.contrl import write_contrl, write_contrl_for_unreadable
from formats.edifact.control_numbers import InMemoryControlNumbers
from formats.edifact.segments import Interchange, SyntaxFinding
from formats.edifact.syntax import EdifactSyntaxError, parse_interchange
from formats.errors import InputTooLarge
from gateway.cli.errors import EXIT_CODES, exception_manager

__all__ = ["edifact"]


@click.group()
def edifact() -> None:
    """Check EDIFACT interchanges and show the CONTRL we would answer."""


def _finding_json(finding: SyntaxFinding) -> dict[str, object]:
    return {
        "code": finding.code,
        "fatal": finding.fatal,
        "segment_tag": finding.segment_tag,
        "segment_position": finding.segment_position,
        "element_position": finding.element_position,
        "component_position": finding.component_position,
        "message_reference": finding.message_reference,
        "message": finding.message,
    }


def _where(finding: SyntaxFinding) -> str:
    where = finding.segment_tag or "-"
    if finding.segment_position is not None:
        where += f"@{finding.segment_position}"
    if finding.element_position is not None:
        where += f" e{finding.element_position}"
        if finding.component_position is not None:
            where += f".{finding.component_position}"
    if finding.message_reference is not None:
        where = f"msg {finding.message_reference} {where}"
    return where


def _print_text(name: str, summary: str, findings: tuple[SyntaxFinding, ...]) -> None:
    click.echo(f"{name}: {summary}")
    for finding in findings:
        flag = "fatal" if finding.fatal else "tolerated"
        click.echo(f"  {flag:<9} {finding.code:>3}  {_where(finding):<24} {finding.message}")


def _summary(interchange: Interchange) -> str:
    fatal = sum(f.fatal for f in interchange.findings)
    count = len(interchange.findings)
    return (
        f"{'INVALID' if fatal else 'ok'} ({interchange.syntax_id} syntax {interchange.syntax_version}, "
        f"interchange {interchange.control_reference}, {len(interchange.messages)} message(s), "
        f"{len(interchange.packages)} package(s); {count} finding(s), {fatal} fatal)"
    )


@edifact.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on tolerated findings too (small letters in UNOA); by default only fatal findings fail.",
)
@click.option("--contrl", "show_contrl", is_flag=True, help="Also print the CONTRL we would send back.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='json prints one object: {"file", "readable", "valid", "syntax_id", "syntax_version", '
    '"control_reference", "messages", "packages", "findings": [{"code", "fatal", "segment_tag", '
    '"segment_position", "element_position", "component_position", "message_reference", "message"}], "contrl"}.',
)
@click.pass_obj
def check(obj: dict[str, object], file: Path, strict: bool, show_contrl: bool, output_format: str) -> None:
    """Check the envelope and syntax of one EDIFACT interchange FILE.

    Every finding is printed with its ISO 9735 syntax error code (0085), the
    segment tag and position and, when known, the data element. Exit 0 when
    there is no fatal finding (with --strict: no finding at all), 1 when there
    is, 3 when the file cannot be read as an interchange (the reason is
    printed, and with --contrl the rejecting CONTRL).
    """
    with exception_manager(bool(obj.get("verbose", False))):
        max_bytes = int(str(obj.get("max_size", 0) or 0))
        if max_bytes and file.stat().st_size > max_bytes:
            raise InputTooLarge(f"{file.stat().st_size} bytes, more than the limit of {max_bytes}", path=str(file))
        data = file.read_bytes()
        numbers = InMemoryControlNumbers()
        try:
            interchange = parse_interchange(data)
        except EdifactSyntaxError as exc:
            contrl = ""
            if show_contrl:
                contrl = write_contrl_for_unreadable(
                    exc, control_reference=numbers.next_reference("us", "them"), newlines=True
                ).decode("utf-8", "replace")
            if output_format == "json":
                report = {
                    "file": str(file),
                    "readable": False,
                    "valid": False,
                    "error": exc.one_line(),
                    "findings": [_finding_json(f) for f in exc.findings],
                    "contrl": contrl or None,
                }
                click.echo(json.dumps(report, ensure_ascii=False))
            else:
                click.echo(f"{file}: UNREADABLE: {exc.one_line()}")
                if contrl:
                    click.echo("CONTRL:")
                    click.echo(contrl, nl=False)
            sys.exit(EXIT_CODES["input"])
        failed = any(f.fatal or strict for f in interchange.findings)
        contrl = ""
        if show_contrl:
            contrl = write_contrl(
                interchange,
                control_reference=numbers.next_reference("us", "them"),
                newlines=True,
            ).decode("utf-8", "replace")
        if output_format == "json":
            report = {
                "file": str(file),
                "readable": True,
                "valid": not failed,
                "syntax_id": interchange.syntax_id,
                "syntax_version": interchange.syntax_version,
                "control_reference": interchange.control_reference,
                "messages": len(interchange.messages),
                "packages": len(interchange.packages),
                "findings": [_finding_json(f) for f in interchange.findings],
                "contrl": contrl or None,
            }
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            _print_text(str(file), _summary(interchange), interchange.findings)
            if contrl:
                click.echo("CONTRL:")
                click.echo(contrl, nl=False)
    sys.exit(EXIT_CODES["invalid"] if failed else EXIT_CODES["ok"])
