"""``gateway init``: create a data directory with its configuration, database and folders."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.app import Gateway
from gateway.cli.errors import exception_manager
from gateway.config import CONFIG_NAME
from gateway.store import current_revision

__all__ = ["init"]

TEMPLATE = """\
# Aiguillage gateway configuration. Every key is optional; see docs/architecture.md.
# database-url: postgresql://user@127.0.0.1:5432/aiguillage   # default: SQLite in this directory
partners: partners        # partner profiles (partners/*.yaml)
mappings: mappings        # plain-PDF mapping files
validation:
  layers: [xsd, cen]      # what every incoming invoice must pass
api:
  host: 127.0.0.1
  port: 8080
workers: 2
lease-seconds: 60
"""


@click.command()
@click.option("--database-url", help="Use this database instead of SQLite in the data directory.")
@click.option(
    "--partners",
    "partners_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy nothing; point partners at this directory.",
)
@click.pass_context
def init(ctx: click.Context, database_url: str | None, partners_dir: Path | None) -> None:
    """Create the data directory (--home): gateway.yaml, the database schema, partners/ and mappings/.

    Running it again is safe: an existing configuration is kept and the database
    is migrated to the current schema.
    """
    home: Path = ctx.obj["home"]
    with exception_manager(ctx.obj["verbose"]):
        home.mkdir(parents=True, exist_ok=True)
        config = home / CONFIG_NAME
        if not config.exists():
            text = TEMPLATE
            if database_url:
                text = text.replace(
                    "# database-url: postgresql://user@127.0.0.1:5432/aiguillage   # default: SQLite in this directory",
                    f"database-url: {database_url}",
                )
            if partners_dir:
                text = text.replace("partners: partners  ", f"partners: {partners_dir.resolve()}")
            config.write_text(text, encoding="utf-8")
            click.echo(f"wrote {config}")
        else:
            click.echo(f"kept {config}")
        (home / "partners").mkdir(exist_ok=True)
        (home / "mappings").mkdir(exist_ok=True)
        gateway = Gateway.at(home)
        url = gateway.engine.url.render_as_string(hide_password=True)
        click.echo(f"database at revision {current_revision(gateway.engine)} ({url})")
        gateway.close()
