"""``gateway token create NAME`` / ``gateway token revoke NAME``: the API's bearer tokens."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.api.tokens import InvalidTokenName, check_token_name, create_token, revoke_token
from gateway.app import Gateway
from gateway.cli.errors import exception_manager

__all__ = ["token"]


def _name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        return check_token_name(value)
    except InvalidTokenName as exc:
        raise click.BadParameter(exc.message) from exc


def _home(obj: dict[str, object]) -> Path:
    home = obj.get("home")
    return home if isinstance(home, Path) else Path(str(home or "."))


@click.group()
def token() -> None:
    """Create and revoke API tokens (stored hashed; shown once)."""


@token.command("create")
@click.argument("name", callback=_name)
@click.pass_obj
def create(obj: dict[str, object], name: str) -> None:
    """Create a token called NAME and print it once: store it now, it cannot be shown again."""
    with exception_manager(bool(obj.get("verbose"))):
        gateway = Gateway.at(_home(obj))
        try:
            clear = create_token(gateway.engine, name, actor="cli", clock=gateway.clock)
        finally:
            gateway.close()
    click.echo(clear)
    click.echo(f"token {name!r} created; send it as 'Authorization: Bearer <token>'", err=True)


@token.command("revoke")
@click.argument("name", callback=_name)
@click.pass_obj
def revoke(obj: dict[str, object], name: str) -> None:
    """Revoke the token called NAME: requests carrying it are refused from now on."""
    with exception_manager(bool(obj.get("verbose"))):
        gateway = Gateway.at(_home(obj))
        try:
            count = revoke_token(gateway.engine, name, actor="cli", clock=gateway.clock)
        finally:
            gateway.close()
    click.echo(f"token {name!r} revoked ({count})", err=True)
