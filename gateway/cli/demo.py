"""``gateway demo``: the README's main job."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.demo import DEFAULT_SAMPLES, run_demo

__all__ = ["demo"]


@click.command()
@click.option(
    "--samples",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SAMPLES,
    show_default=True,
    help="Folder of sample invoices.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Where converted invoices are written.",
)
@click.pass_obj
def demo(obj: dict[str, object], samples: Path, out: Path) -> None:
    """Convert and validate the sample invoices (UBL ⇄ CII), then compare the models."""
    with exception_manager(bool(obj["verbose"])):
        click.echo(f"Aiguillage demo: samples from {samples}, output in {out}/")
        rows = run_demo(samples, out, click.echo)
        good = sum(row.ok for row in rows)
        click.echo(f"{good}/{len(rows)} samples converted, valid and identical after the round trip.")
    sys.exit(EXIT_CODES["ok"] if rows and good == len(rows) else EXIT_CODES["invalid"])
