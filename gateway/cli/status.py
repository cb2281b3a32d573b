"""``gateway status [INVOICE]``: the invoices, or one invoice's timeline as a table."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.cli.errors import exception_manager
from gateway.cli.home import open_gateway
from gateway.errors import NotFound
from gateway.store.models import InvoiceRow
from gateway.store.repo import InvoiceFilter, list_invoices
from gateway.timeline import timeline_lines

__all__ = ["resolve_invoice", "status_command"]


@click.command("status")
@click.argument("invoice", required=False)
@click.option("--partner", help="Only invoices routed to this partner id.")
@click.option("--state", "status", help="Only invoices in this status (received, queued, sent, quarantined…).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.pass_context
def status_command(
    ctx: click.Context, invoice: str | None, partner: str | None, status: str | None, limit: int
) -> None:
    """Show the latest invoices, or INVOICE's timeline (an id or a unique id prefix)."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx, migrate=False)
        with Session(gateway.engine) as session:
            if invoice is None:
                rows, total = list_invoices(session, InvoiceFilter(partner_id=partner, status=status, limit=limit))
                click.echo(
                    f"{'invoice':<36}  {'status':<12}  {'number':<16}  {'partner':<16}  {'amount':>12}  received"
                )
                for row in rows:
                    amount = f"{row.amount_due} {row.currency or ''}" if row.amount_due is not None else ""
                    click.echo(
                        f"{row.id:<36}  {row.status:<12}  {(row.number or '-'):<16.16}  "
                        f"{(row.partner_id or '-'):<16.16}  {amount:>12}  {row.created_at:%Y-%m-%d %H:%M:%S}"
                    )
                click.echo(f"{len(rows)} of {total} invoice(s)")
                return
            for line in timeline_lines(session, resolve_invoice(session, invoice)):
                click.echo(line)
        gateway.close()


def resolve_invoice(session: Session, text: str) -> str:
    matches = list(session.scalars(select(InvoiceRow.id).where(InvoiceRow.id.startswith(text)).limit(2)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        by_number = list(session.scalars(select(InvoiceRow.id).where(InvoiceRow.number == text).limit(2)))
        if len(by_number) == 1:
            return by_number[0]
        raise NotFound(f"no invoice with id or number {text!r}")
    raise NotFound(f"{text!r} matches several invoices; give more of the id")
