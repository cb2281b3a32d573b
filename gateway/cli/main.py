"""Entry point of the ``gateway`` command."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from formats.xml_safety import DEFAULT_MAX_BYTES
from gateway.cli.chorus import chorus
from gateway.cli.convert import convert
from gateway.cli.demo import demo
from gateway.cli.edifact import edifact
from gateway.cli.home import DEFAULT_HOME
from gateway.cli.init import init
from gateway.cli.inspect import inspect_command
from gateway.cli.mappings import mappings
from gateway.cli.operate import cancel_command, retry_command
from gateway.cli.partners import partners
from gateway.cli.pdf import pdf
from gateway.cli.run import run_command, worker_command
from gateway.cli.status import status_command
from gateway.cli.submit import submit_command
from gateway.cli.token import token
from gateway.cli.validate import validate
from gateway.log_redaction import install_redaction

__all__ = ["cli", "main"]

EPILOG = """\b
Exit status:
  0  success            3  input is not a readable invoice    6  no such invoice
  1  invalid document   4  configuration or official artefacts 7  nothing to retry/cancel
  2  bad arguments      5  file could not be read or written   8  database unreachable
                                                                   9  partner/platform refused or down
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show debug logs and tracebacks on errors.")
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse inputs larger than this many bytes.",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="AIGUILLAGE_HOME",
    default=DEFAULT_HOME,
    show_default=True,
    help="The gateway's data directory (configuration, SQLite database); env AIGUILLAGE_HOME.",
)
@click.version_option(package_name="aiguillage")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, max_size: int, home: Path) -> None:
    """Aiguillage: read, validate and convert e-invoices (UBL, CII, Factur-X PDF)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    install_redaction()
    ctx.obj = {"verbose": verbose, "max_size": max_size, "home": home}


cli.add_command(convert)
cli.add_command(validate)
cli.add_command(inspect_command)
cli.add_command(demo)
cli.add_command(pdf)
cli.add_command(mappings)
cli.add_command(init)
cli.add_command(run_command)
cli.add_command(worker_command)
cli.add_command(submit_command)
cli.add_command(status_command)
cli.add_command(retry_command)
cli.add_command(cancel_command)
cli.add_command(partners)
cli.add_command(edifact)
cli.add_command(token)
cli.add_command(chorus)


def main() -> None:
    """Run the command line."""
    cli()
