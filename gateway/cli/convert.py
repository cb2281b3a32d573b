"""``gateway convert``: one invoice from any supported syntax to another."""

from __future__ import annotations

from pathlib import Path

import click

from formats.conversion import RenderResult
from formats.edifact.eancom import default_profile, load_profile, render_edifact_eancom
from formats.model import Invoice
from formats.reading import read_invoice
from formats.rendering import Target, render_invoice
from gateway.cli.errors import EXIT_CODES, exception_manager, fail
from gateway.cli.pdf_embed import refuse_pdf_to_terminal
from gateway.local_files import read_input, write_output

__all__ = ["convert"]

#: ``--edifact-profile`` names; any other value is read as the path of an EANCOM profile file.
EDIFACT_PROFILES = ("cen", "eancom-d96a")


@click.command()
@click.argument("input_file", metavar="INPUT")
@click.option("--to", "target", type=click.Choice([t.value for t in Target]), required=True, help="Output syntax.")
@click.option(
    "--edifact-profile",
    metavar="cen|eancom-d96a|FILE",
    help="With --to edifact: CEN/TS 16931-3-4 (default), EANCOM D96A with the default profile, "
    "or EANCOM D96A with a partner profile file (YAML).",
)
@click.option("-o", "--output", metavar="OUTPUT", help="Write here instead of stdout.")
@click.option("--strict", is_flag=True, help="Fail (exit 3) if the target cannot hold every business term.")
@click.pass_obj
def convert(
    obj: dict[str, object], input_file: str, target: str, edifact_profile: str | None, output: str | None, strict: bool
) -> None:
    """Convert INPUT (UBL, CII, EDIFACT or a Factur-X/ZUGFeRD PDF, detected from its content) to another syntax.

    With --to facturx the CII is embedded into INPUT itself when INPUT is a PDF,
    else into a PDF drawn from the invoice; a PDF is never written to a terminal.
    --to edifact writes CEN/TS 16931-3-4 INVOIC unless --edifact-profile names
    EANCOM (eancom-d96a, or a profile file); --to edifact-eancom is EANCOM D96A.

    Terms the target syntax cannot hold are listed on stderr as warnings, each
    naming its business term; with --strict they make the command fail.
    """
    verbose = bool(obj["verbose"])
    with exception_manager(verbose):
        _check_profile_choice(target, edifact_profile)
        if target == Target.FACTURX:
            refuse_pdf_to_terminal(output)
        data = read_input(input_file, int(str(obj["max_size"])))
        read = read_invoice(data, source=input_file)
        visual = read.visual if target == Target.FACTURX else None
        if target in (Target.EDIFACT, Target.EDIFACT_EANCOM) and (edifact_profile or "cen") != "cen":
            rendered = _render_eancom(read.invoice, edifact_profile)
        else:
            rendered = render_invoice(read.invoice, target, visual=visual)
        warnings = (*read.warnings, *rendered.warnings)
        for warning in warnings:
            click.echo(f"gateway: warning: [{warning.code}] {warning.term}: {warning.message}", err=True)
        if strict and warnings:
            fail(f"{len(warnings)} conversion warning(s) with --strict; nothing written", EXIT_CODES["input"])
        write_output(output, rendered.data)


def _check_profile_choice(target: str, profile: str | None) -> None:
    if profile is None:
        return
    if target not in (Target.EDIFACT, Target.EDIFACT_EANCOM):
        fail(f"--edifact-profile applies to --to edifact, not --to {target}", EXIT_CODES["usage"])
    if target == Target.EDIFACT_EANCOM and profile == "cen":
        fail("--to edifact-eancom cannot use --edifact-profile cen; use --to edifact", EXIT_CODES["usage"])


def _render_eancom(invoice: Invoice, profile: str | None) -> RenderResult:
    if profile in (None, "eancom-d96a"):
        return render_edifact_eancom(invoice, default_profile())
    return render_edifact_eancom(invoice, load_profile(Path(str(profile))))
