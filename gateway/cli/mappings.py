"""``gateway mappings``: try a mapping file on a plain PDF, check all mapping files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from formats.errors import ConfigError, FormatError
from formats.mappings import apply_mapping, load_mapping
from formats.pdf.text import pdf_text

__all__ = ["mappings"]

#: Exit status of ``mappings test``: all required fields matched / some did not / unusable input.
EXIT_OK, EXIT_INCOMPLETE, EXIT_UNUSABLE = 0, 1, 3


@click.group()
def mappings() -> None:
    """Plain-PDF mapping files (mappings/*.yaml)."""


@mappings.command("test")
@click.argument("mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def test_mapping(mapping_file: Path, pdf_file: Path) -> None:
    """Apply MAPPING_FILE to PDF_FILE; show every field and the rule that produced it."""
    try:
        mapping = load_mapping(mapping_file.read_text(encoding="utf-8"), str(mapping_file))
        text = pdf_text(pdf_file.read_bytes(), source=str(pdf_file))
    except (ConfigError, FormatError) as exc:
        click.echo(f"gateway: error: [{exc.code}] {exc.message}", err=True)
        sys.exit(EXIT_UNUSABLE)
    result = apply_mapping(mapping, text)
    click.echo(f"{pdf_file}: issuer {result.issuer} ({mapping_file})")
    for entry in result.trace:
        raw = f"  <- {entry.raw.strip()!r}" if entry.raw is not None else ""
        click.echo(f"  {entry.target:<45} {entry.term or '-':<9} {entry.value!s:<30} [{entry.kind}: {entry.rule}]{raw}")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    for finding in result.findings:
        click.echo(f"  {finding.flag:<11} {finding.rule:<14} {finding.message}")
    if result.missing_required:
        click.echo(f"  missing required: {', '.join(result.missing_required)}")
    sys.exit(EXIT_OK if result.complete else EXIT_INCOMPLETE)


@mappings.command("check")
@click.argument("directory", required=False, default="mappings", type=click.Path(file_okay=False, path_type=Path))
def check_mappings(directory: Path) -> None:
    """Check every mapping file in DIRECTORY; print file:line: key: message per problem."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    bad = 0
    for path in files:
        try:
            load_mapping(path.read_text(encoding="utf-8"), str(path))
        except ConfigError as exc:
            bad += 1
            for line in exc.message.splitlines()[1:] or [exc.message]:
                click.echo(line)
    click.echo(f"{len(files)} mapping file(s), {bad} with problems", err=True)
    sys.exit(EXIT_INCOMPLETE if bad else EXIT_OK)
