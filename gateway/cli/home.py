"""The ``--home`` data directory shared by the engine commands, and opening the gateway there."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.app import Gateway
from gateway.config import CONFIG_NAME

__all__ = ["DEFAULT_HOME", "open_gateway"]

#: Where the gateway keeps its data when neither ``--home`` nor ``AIGUILLAGE_HOME`` says.
DEFAULT_HOME = Path("aiguillage-data")


def open_gateway(ctx: click.Context, *, migrate: bool = True) -> Gateway:
    """Open the gateway of the ``--home`` directory; explain how to create one when it is missing."""
    home: Path = ctx.obj["home"]
    if not home.is_dir():
        raise click.UsageError(f"{home} is not a gateway data directory; create it with `gateway --home {home} init`")
    if not (home / CONFIG_NAME).is_file():
        raise click.UsageError(f"{home} has no {CONFIG_NAME}; create it with `gateway --home {home} init`")
    return Gateway.at(home, migrate=migrate)
