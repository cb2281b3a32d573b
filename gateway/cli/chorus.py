"""``gateway chorus complete|recycle``: supplier actions on invoices sent through Chorus Pro."""

from __future__ import annotations

import getpass

import click
from sqlalchemy.orm import Session

from gateway.chorus_actions import complete_invoice, recycle_invoice
from gateway.cli.errors import exception_manager
from gateway.cli.home import open_gateway
from gateway.cli.status import resolve_invoice

__all__ = ["chorus"]


@click.group()
def chorus() -> None:
    """Act on invoices the buyer suspended or sent back on Chorus Pro."""


@chorus.command("complete")
@click.argument("invoice")
@click.option("--comment", required=True, help="The answer to the buyer's request (what was missing).")
@click.pass_context
def complete_command(ctx: click.Context, invoice: str, comment: str) -> None:
    """Answer INVOICE, suspended by the buyer (SUSPENDUE), with a comment (Chorus Pro `completer`)."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx, migrate=False)
        with Session(gateway.engine) as session:
            invoice_id = resolve_invoice(session, invoice)
        click.echo(complete_invoice(gateway, invoice_id, comment, actor=f"cli:{getpass.getuser()}"))
        gateway.close()


@chorus.command("recycle")
@click.argument("invoice")
@click.option("--service", "service_code", help="The corrected service code.")
@click.option("--commitment", help="The corrected commitment number (EJ).")
@click.option("--comment", default="", help="A note for the buyer.")
@click.pass_context
def recycle_command(
    ctx: click.Context, invoice: str, service_code: str | None, commitment: str | None, comment: str
) -> None:
    """Send INVOICE (A_RECYCLER) again to a corrected service and/or commitment (Chorus Pro `recycler`)."""
    with exception_manager(ctx.obj["verbose"]):
        if service_code is None and commitment is None:
            raise click.UsageError("give --service and/or --commitment: what should change")
        gateway = open_gateway(ctx, migrate=False)
        with Session(gateway.engine) as session:
            invoice_id = resolve_invoice(session, invoice)
        actor = f"cli:{getpass.getuser()}"
        click.echo(
            recycle_invoice(
                gateway, invoice_id, actor=actor, comment=comment, service_code=service_code, commitment=commitment
            )
        )
        gateway.close()
