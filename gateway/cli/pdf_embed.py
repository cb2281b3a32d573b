"""``gateway pdf embed``: make a Factur-X PDF/A-3 from a CII invoice and a visual PDF."""

from __future__ import annotations

import sys

import click

from formats.pdf.facturx_writer import RELATIONSHIPS, embed_facturx
from formats.profiles import FACTURX_PROFILES, Profile
from gateway.cli.errors import EXIT_CODES, exception_manager, fail
from gateway.local_files import read_input, write_output

__all__ = ["embed", "refuse_pdf_to_terminal"]

_LEVELS = sorted(p.value for p in (*FACTURX_PROFILES, Profile.XRECHNUNG))


def refuse_pdf_to_terminal(output: str | None) -> None:
    """Exit with a usage error when a PDF would be written to an interactive terminal."""
    if (output is None or output == "-") and sys.stdout.isatty():
        fail("refusing to write a PDF to the terminal; use -o OUT.pdf or redirect stdout", EXIT_CODES["usage"])


@click.command()
@click.argument("xml_file", metavar="IN.xml")
@click.argument("visual_file", metavar="VISUAL.pdf")
@click.option("-o", "--output", metavar="OUT.pdf", help="Write the PDF here instead of stdout.")
@click.option(
    "--profile",
    type=click.Choice(_LEVELS),
    help="XMP ConformanceLevel; by default the profile BT-24 of IN.xml names.",
)
@click.option(
    "--relationship",
    type=click.Choice(RELATIONSHIPS),
    default="Data",
    show_default=True,
    help="/AFRelationship of the embedded XML.",
)
@click.pass_obj
def embed(
    obj: dict[str, object], xml_file: str, visual_file: str, output: str | None, profile: str | None, relationship: str
) -> None:
    """Embed the CII invoice IN.xml into VISUAL.pdf as a Factur-X (PDF/A-3) hybrid invoice.

    The XML is embedded byte for byte as factur-x.xml (xrechnung.xml for
    XRECHNUNG), referenced from /AF, and described in the XMP with the fx
    extension schema. VISUAL.pdf should already be PDF/A (fonts embedded);
    an sRGB OutputIntent is added when it has none.
    """
    with exception_manager(bool(obj["verbose"])):
        refuse_pdf_to_terminal(output)
        max_size = int(str(obj["max_size"]))
        xml = read_input(xml_file, max_size)
        visual = read_input(visual_file, max_size)
        level = Profile(profile) if profile else None
        write_output(output, embed_facturx(visual, xml, profile=level, relationship=relationship))
