"""``gateway convert``: one invoice from any supported syntax to another."""

from __future__ import annotations

import click

from formats.reading import read_invoice
from formats.rendering import Target, render_invoice
from gateway.cli.errors import EXIT_CODES, exception_manager, fail
from gateway.cli.pdf_embed import refuse_pdf_to_terminal
from gateway.local_files import read_input, write_output

__all__ = ["convert"]


@click.command()
@click.argument("input_file", metavar="INPUT")
@click.option("--to", "target", type=click.Choice([t.value for t in Target]), required=True, help="Output syntax.")
@click.option("-o", "--output", metavar="OUTPUT", help="Write here instead of stdout.")
@click.option("--strict", is_flag=True, help="Fail (exit 3) if the target cannot hold every business term.")
@click.pass_obj
def convert(obj: dict[str, object], input_file: str, target: str, output: str | None, strict: bool) -> None:
    """Convert INPUT (UBL, CII or a Factur-X/ZUGFeRD PDF, detected from its content) to UBL, CII or Factur-X.

    With --to facturx the CII is embedded into INPUT itself when INPUT is a PDF,
    else into a PDF drawn from the invoice; a PDF is never written to a terminal.

    Terms the target syntax cannot hold are listed on stderr as warnings, each
    naming its business term; with --strict they make the command fail.
    """
    verbose = bool(obj["verbose"])
    with exception_manager(verbose):
        if target == Target.FACTURX:
            refuse_pdf_to_terminal(output)
        data = read_input(input_file, int(str(obj["max_size"])))
        read = read_invoice(data, source=input_file)
        visual = read.visual if target == Target.FACTURX else None
        rendered = render_invoice(read.invoice, target, visual=visual)
        warnings = (*read.warnings, *rendered.warnings)
        for warning in warnings:
            click.echo(f"gateway: warning: [{warning.code}] {warning.term}: {warning.message}", err=True)
        if strict and warnings:
            fail(f"{len(warnings)} conversion warning(s) with --strict; nothing written", EXIT_CODES["input"])
        write_output(output, rendered.data)
