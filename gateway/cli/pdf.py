"""``gateway pdf …``: work with hybrid (Factur-X / ZUGFeRD) PDF invoices."""

from __future__ import annotations

import click

from formats.pdf import extract_invoice_xml
from gateway.cli.errors import exception_manager
from gateway.local_files import read_input, write_output

__all__ = ["pdf"]


@click.group()
def pdf() -> None:
    """Hybrid PDF invoices (Factur-X, ZUGFeRD 2.x, XRechnung in PDF/A-3)."""


@pdf.command()
@click.argument("input_file", metavar="IN.pdf")
@click.option("-o", "--output", metavar="OUT.xml", help="Write the XML here instead of stdout.")
@click.pass_obj
def extract(obj: dict[str, object], input_file: str, output: str | None) -> None:
    """Extract the embedded invoice XML from IN.pdf.

    The XML is chosen by name (factur-x.xml, zugferd-invoice.xml, xrechnung.xml,
    ZUGFeRD-invoice.xml, then any other .xml). What the PDF declares about it is
    printed on stderr: file name, /AFRelationship, XMP level, PDF/A, signature.
    """
    with exception_manager(bool(obj["verbose"])):
        embedded = extract_invoice_xml(read_input(input_file, int(str(obj["max_size"]))), source=input_file)
        click.echo(
            f"{input_file}: {embedded.filename} (AFRelationship {embedded.relationship or 'none'}), "
            f"XMP level {embedded.xmp_conformance_level or '-'}, PDF {embedded.pdf_version}"
            f"{', PDF/A-' + embedded.pdfa if embedded.pdfa else ''}{', signed' if embedded.signed else ''}",
            err=True,
        )
        write_output(output, embedded.xml)


def _register() -> None:
    # The subcommands live in their own modules (one job each); they join the group here.
    from gateway.cli.pdf_embed import embed
    from gateway.cli.pdf_sign import sign, verify

    for command in (embed, sign, verify):
        pdf.add_command(command)


_register()
