"""``gateway submit FILE…``: take invoices in from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.cli.home import open_gateway

__all__ = ["submit_command"]


@click.command("submit")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="cli", show_default=True, help="Where the files come from, kept on the timeline.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the invoice ids.")
@click.pass_context
def submit_command(ctx: click.Context, files: tuple[Path, ...], source: str, quiet: bool) -> None:
    """Store FILES as invoices; workers (`gateway run` or `gateway worker`) take them from there.

    Submitting the same bytes twice gives one invoice and a "duplicate" event.
    Prints one line per file: invoice id, "new" or "duplicate", file name.
    """
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx)
        lines = []
        show_bar = not quiet and len(files) > 1
        with click.progressbar(files, label="submitting", hidden=not show_bar) as bar:
            for path in bar:
                result = gateway.submit(path.read_bytes(), filename=path.name, source=f"{source}:{path}")
                lines.append(f"{result.invoice_id}  {'duplicate' if result.duplicate else 'new':<9}  {path}")
        for line in lines:
            click.echo(line.split()[0] if quiet else line)
        gateway.close()
    ctx.exit(EXIT_CODES["ok"])
