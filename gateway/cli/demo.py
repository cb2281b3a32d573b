"""``gateway demo``: the README's main job."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.demo import DEFAULT_SAMPLES, installed_layers, run_demo
from gateway.engine_demo import run_engine_demo

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
@click.option(
    "--formats", "formats_only", is_flag=True, help="Only the format layer: convert, validate and compare the samples."
)
@click.pass_obj
def demo(obj: dict[str, object], samples: Path, out: Path, formats_only: bool) -> None:
    """Run the gateway end to end on the embedded default (SQLite, a local SFTP partner, the samples).

    Creates a data directory in OUT/gateway, starts OpenSSH's sshd as the partner's
    SFTP server, submits the samples (UBL, CII, Factur-X PDF), delivers them as UBL,
    collects the partner's acknowledgements and prints each invoice's timeline.
    With --formats, only converts and validates the samples (UBL ⇄ CII).
    """
    if not formats_only:
        with exception_manager(bool(obj["verbose"])):
            layers = installed_layers()
            click.echo(f"Aiguillage demo: the gateway end to end, data in {out / 'gateway'}/")
            statuses = run_engine_demo(samples, out / "gateway", layers, click.echo)
            good = sum(status in ("acknowledged", "paid") for status in statuses)
            outcome = "invoices received, validated, converted, delivered, acknowledged or paid."
            click.echo(f"\n{good}/{len(statuses)} {outcome}")
        sys.exit(EXIT_CODES["ok"] if statuses and good == len(statuses) else EXIT_CODES["invalid"])
    with exception_manager(bool(obj["verbose"])):
        click.echo(f"Aiguillage demo: samples from {samples}, output in {out}/")
        rows = run_demo(samples, out, click.echo)
        good = sum(row.ok for row in rows)
        click.echo(f"{good}/{len(rows)} samples converted, valid and identical after the round trip.")
    sys.exit(EXIT_CODES["ok"] if rows and good == len(rows) else EXIT_CODES["invalid"])
