"""``gateway partners check|list``: partner profiles as the gateway sees them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from formats.errors import ConfigError
from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.config import CONFIG_NAME, GatewayConfig
from gateway.partners import Partner, load_partner_file, partner_files
from gateway.partners.book import PartnerBook
from gateway.transports.registry import transport_class

__all__ = ["partners"]


@click.group()
def partners() -> None:
    """Check and list partner profiles (partners/*.yaml)."""


@partners.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def check(ctx: click.Context, directory: Path | None) -> None:
    """Check every profile in DIRECTORY (default: the gateway's partners directory, else ./partners).

    Every problem is reported at once, as file:line: key: message. Exit 0 when all
    files are valid, 4 otherwise.
    """
    with exception_manager(ctx.obj["verbose"]):
        folder = directory or _default_dir(ctx)
        files = partner_files(folder)
        if not files:
            click.echo(f"{folder}: no partner profiles (*.yaml)", err=True)
            sys.exit(EXIT_CODES["config"])
        reports = [load_partner_file(path) for path in files]
        problems = [problem for report in reports for problem in report.problems]
        book = PartnerBook.of({r.partner.id: r.partner for r in reports if r.partner is not None})
        problems += list(book.problems)
        notes: list[str] = []
        for partner in book:
            notes += _certificate_notes(partner, problems)
        for report in reports:
            state = "ok" if report.ok else "ERROR"
            click.echo(f"{state:<5}  {report.path}")
        for problem in problems:
            click.echo(f"  {problem}")
        for note in notes:
            click.echo(f"  warning: {note}")
        click.echo(f"{sum(r.ok for r in reports)} of {len(reports)} profile(s) valid")
        sys.exit(EXIT_CODES["ok"] if not problems else EXIT_CODES["config"])


@partners.command("list")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def list_partners(ctx: click.Context, directory: Path | None) -> None:
    """List the valid profiles: id, name, accepted formats, channels."""
    with exception_manager(ctx.obj["verbose"]):
        folder = directory or _default_dir(ctx)
        for path in partner_files(folder):
            report = load_partner_file(path, check_channels=False)
            partner = report.partner
            if partner is None:
                click.echo(f"{path.stem:<20}  (invalid: `gateway partners check`)")
                continue
            channels = ", ".join(f"{c.name}:{c.type}" for c in partner.channels) or "-"
            click.echo(
                f"{partner.id:<20}  {partner.name:<32.32}  receives {'/'.join(partner.receives):<14}  {channels}"
            )


def _default_dir(ctx: click.Context) -> Path:
    home: Path = ctx.obj["home"]
    if (home / CONFIG_NAME).is_file():
        return GatewayConfig.load(home).partners_dir
    return Path("partners")


def _certificate_notes(partner: Partner, problems: list[str]) -> list[str]:
    """Check the certificates of the partner's channels that have some (AS2).

    An expired or not-yet-valid certificate is a problem; one that expires within
    the channel's warning window is a warning (renew it and send the partner the
    new one before the date).
    """
    notes: list[str] = []
    base = partner.source.parent if partner.source else Path.cwd()
    now = dt.datetime.now(dt.UTC)
    for channel in partner.channels:
        config_class = transport_class(channel.type).config_class
        if not hasattr(config_class, "check_certificates"):
            continue
        try:
            config = config_class.from_config(dict(channel.params), where=channel.where, base=base)
            certificates = config.check_certificates(now=now)
        except ConfigError as exc:
            problems.append(exc.one_line())
            continue
        for certificate in certificates:
            line = f"{channel.where}: {certificate.describe()}"
            if not certificate.status.usable:
                problems.append(line)
            elif certificate.status.validity == "expiring":
                notes.append(line)
    return notes
