"""``gateway chorus …``: Chorus Pro buyers, invoice views, supplier actions, and the local simulator.

- ``check-buyer SIRET``: a public buyer's structure, services and obligations;
- ``status INVOICE``: what Chorus Pro says about one of our invoices, beside our timeline;
- ``complete`` / ``recycle``: supplier actions on ``SUSPENDUE`` / ``A_RECYCLER`` invoices;
- ``simulator``: serve ``chorus.simulator`` in the foreground.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from sqlalchemy.orm import Session

from chorus import BuyerStructure, ChorusClient, describe_obligations
from gateway.chorus_actions import complete_invoice, recycle_invoice
from gateway.chorus_view import ChorusInvoiceView, chorus_invoice_view, partner_chorus_channel
from gateway.cli.errors import exception_manager
from gateway.cli.home import open_gateway
from gateway.cli.status import resolve_invoice
from gateway.transports.chorus import ChorusConfig

__all__ = ["chorus"]

#: Variables holding the PISTE application and technical account when no ``--partner`` is given.
ENV_VARIABLES = {
    "client-id-env": "CPRO_CLIENT_ID",
    "client-secret-env": "CPRO_CLIENT_SECRET",
    "login-env": "CPRO_LOGIN",
    "password-env": "CPRO_PASSWORD",
}


@click.group()
def chorus() -> None:
    """Chorus Pro: check a public buyer, follow an invoice, answer the buyer, run the simulator."""


@chorus.command("check-buyer")
@click.argument("siret")
@click.option("--partner", help="Use this partner's chorus channel (its host and credentials; needs --home).")
@click.option("--base-url", help="Chorus Pro host to ask (e.g. the simulator http://127.0.0.1:8787).")
@click.option("--environment", type=click.Choice(["sandbox", "production"]), help="PISTE environment to ask instead.")
@click.pass_context
def check_buyer_command(
    ctx: click.Context, siret: str, partner: str | None, base_url: str | None, environment: str | None
) -> None:
    """Show the public buyer SIRET on Chorus Pro: structure, services, what an invoice must carry.

    Without --partner, credentials come from CPRO_CLIENT_ID, CPRO_CLIENT_SECRET,
    CPRO_LOGIN and CPRO_PASSWORD.
    """
    with exception_manager(ctx.obj["verbose"]):
        if partner is not None:
            if base_url or environment:
                raise click.UsageError("give --partner, or --base-url/--environment, not both")
            gateway = open_gateway(ctx, migrate=False)
            with partner_chorus_channel(gateway, partner) as channel:
                buyer = channel.client.buyer_structure(siret, all_services=True)
            gateway.close()
        else:
            if (base_url is None) == (environment is None):
                raise click.UsageError("give --partner, --base-url or --environment (one of them)")
            params: dict[str, object] = {**ENV_VARIABLES}
            params["base-url" if base_url else "environment"] = base_url or environment
            config = ChorusConfig.from_config(params, where="gateway chorus check-buyer", base=Path.cwd())
            with ChorusClient(config.endpoints, config.credentials(), timeout_s=config.timeout_s) as client:
                buyer = client.buyer_structure(siret, all_services=True)
        if buyer is None:
            click.echo(f"Chorus Pro knows no structure with SIRET {siret}")
            ctx.exit(6)  # "not found", as gateway --help lists it
        for line in _buyer_lines(buyer):
            click.echo(line)


def _buyer_lines(buyer: BuyerStructure) -> list[str]:
    info = buyer.structure
    flags = info.parameters
    lines = [
        f"structure   {info.identifier}  {info.name or ''}  (idStructureCPP {info.structure_id})",
        f"status      {buyer.status or '-'}   {info.public_or_private or ''}".rstrip(),
        "obligations " + describe_obligations(flags),
        f"  codeServiceDoitEtreRenseigne={_yes(flags.service_code_required)}"
        f"  numeroEJDoitEtreRenseigne={_yes(flags.commitment_required)}"
        f"  gestionNumeroEJOuCodeService={_yes(flags.commitment_or_service)}",
        f"services    {len(buyer.services)}",
    ]
    for service in buyer.services:
        needs_ej = "EJ required" if service.commitment_required else ""
        state = "active" if service.active else "INACTIVE"
        lines.append(f"  {service.code:<24} {state:<8} {needs_ej:<11}  {service.label or ''}".rstrip())
    return lines


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@chorus.command("status")
@click.argument("invoice")
@click.pass_context
def status_command(ctx: click.Context, invoice: str) -> None:
    """Show INVOICE on Chorus Pro (flow, invoice id, status history) beside what our timeline recorded."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx, migrate=False)
        with Session(gateway.engine) as session:
            invoice_id = resolve_invoice(session, invoice)
        view = chorus_invoice_view(gateway, invoice_id)
        gateway.close()
        for line in _view_lines(view):
            click.echo(line)


def _view_lines(view: ChorusInvoiceView) -> list[str]:
    flow = view.flow
    lines = [
        f"invoice     {view.invoice_id}  (partner {view.partner_id})",
        f"flow        {view.flow_number}  {flow.state}"
        + (f"  since {flow.state_at:%Y-%m-%d %H:%M}" if flow.state_at else ""),
    ]
    if flow.describe_errors():
        lines.append(f"  errors    {flow.describe_errors()}")
    recorded = set(view.timeline_statuses)
    lines.append(f"  on our timeline: {'yes' if flow.state in recorded else 'not yet'}")
    found = view.platform_invoice
    if found is None or view.history is None:
        lines.append("chorus invoice  none yet (the flow is not integrated)")
        return lines
    lines.append(f"chorus invoice  identifiantFactureCPP {found.invoice_id}  {found.number or ''}".rstrip())
    lines.append(f"current status  {view.history.current_status or found.status or '-'}")
    lines.append("history (Chorus Pro)                              our timeline")
    for change in view.history.statuses:
        when = f"{change.at:%Y-%m-%d %H:%M}" if change.at else "-"
        mark = "recorded" if change.status in recorded else "not yet polled"
        comment = f"  {change.comment}" if change.comment else ""
        lines.append(f"  {when}  {change.status:<30} {mark}{comment}")
    return lines


@chorus.command("simulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True, help="Port to listen on.")
@click.option(
    "--fixture",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML directory of applications, accounts and structures (default: the demo fixture).",
)
@click.option("--token-lifetime", type=click.IntRange(min=1), default=3600, show_default=True, help="Token seconds.")
@click.option("--instant-flows", is_flag=True, help="Integrate or reject each flow at deposit, not step by step.")
@click.pass_context
def simulator_command(
    ctx: click.Context, host: str, port: int, fixture: Path | None, token_lifetime: int, instant_flows: bool
) -> None:
    """Serve the local Chorus Pro simulator (PISTE token, /cpro/… operations, a public buyer) until Ctrl-C."""
    with exception_manager(ctx.obj["verbose"]):
        # Imported here: the simulator needs FastAPI and uvicorn, which other commands do not.
        from chorus.simulator import DEMO_FIXTURE, load_directory, serve

        directory = load_directory(fixture if fixture is not None else DEMO_FIXTURE)
        click.echo(f"Chorus Pro simulator on http://{host}:{port} (token URL /api/oauth/token); Ctrl-C stops it")
        serve(host, port, directory=directory, token_lifetime_s=token_lifetime, instant_flows=instant_flows)


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
