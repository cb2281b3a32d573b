"""``gateway retry`` and ``gateway cancel``: an operator's hand on an invoice."""

from __future__ import annotations

import getpass

import click
from sqlalchemy.orm import Session

from gateway.cli.errors import exception_manager
from gateway.cli.home import open_gateway
from gateway.cli.status import resolve_invoice
from gateway.operations import cancel_invoice, retry_invoice

__all__ = ["cancel_command", "retry_command"]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@click.command("retry")
@click.argument("invoices", nargs=-1, required=True)
@click.pass_context
def retry_command(ctx: click.Context, invoices: tuple[str, ...]) -> None:
    """Send INVOICES again: replay a quarantined invoice from intake (after the fix), or requeue dead deliveries."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx, migrate=False)
        for text in invoices:
            with Session(gateway.engine) as session:
                invoice_id = resolve_invoice(session, text)
            click.echo(retry_invoice(gateway.engine, invoice_id, actor=_actor(), clock=gateway.clock))
        gateway.close()


@click.command("cancel")
@click.argument("invoices", nargs=-1, required=True)
@click.pass_context
def cancel_command(ctx: click.Context, invoices: tuple[str, ...]) -> None:
    """Stop every delivery of INVOICES not yet made."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx, migrate=False)
        for text in invoices:
            with Session(gateway.engine) as session:
                invoice_id = resolve_invoice(session, text)
            click.echo(cancel_invoice(gateway.engine, invoice_id, actor=_actor(), clock=gateway.clock))
        gateway.close()
