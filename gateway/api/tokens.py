"""API tokens: random, shown once, stored as their SHA-256 only.

A token is ``secrets.token_urlsafe(32)`` (256 bits): a plain hash is enough to
store it, since it cannot be guessed from a dictionary the way a password can.
Creation and revocation are recorded in the ``audit`` table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from formats.errors import AiguillageError
from gateway.errors import NotFound, Refused
from gateway.outbox.worker import utc_now
from gateway.store.claims import write_session
from gateway.store.models import ApiTokenRow, AuditRow

__all__ = ["InvalidTokenName", "TokenNameTaken", "check_token_name", "create_token", "revoke_token", "verify_token"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")


class InvalidTokenName(AiguillageError):
    """A token name with characters we refuse (it lands in logs and the audit trail)."""

    code = "auth.invalid-name"


class TokenNameTaken(Refused):
    """A token of that name is already active; revoke it first or choose another name."""

    code = "auth.name-taken"


def check_token_name(name: str) -> str:
    """Return ``name`` if it is a valid token name.

    :raises InvalidTokenName: it is not.
    """
    if not _NAME.fullmatch(name):
        raise InvalidTokenName(
            f"invalid token name {name!r}: use letters, digits and . _ @ - (up to 128, starting with a letter or digit)"
        )
    return name


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str, *, actor: str = "cli", clock: Callable[[], dt.datetime] = utc_now) -> str:
    """Create a token called ``name`` and return it in clear; it is never shown again.

    :param name: who or what uses the token (letters, digits, ``._@-``; up to 128).
    :raises InvalidTokenName: the name is not valid.
    :raises TokenNameTaken: an active token already has that name.
    """
    check_token_name(name)
    token = secrets.token_urlsafe(32)
    now = clock()
    with write_session(engine) as session, session.begin():
        if _active(session, name):
            raise TokenNameTaken(f"a token named {name!r} is already active; revoke it first or choose another name")
        session.add(ApiTokenRow(name=name, token_sha256=_digest(token), created_at=now))
        session.add(AuditRow(at=now, actor=actor, action="token.create", target=name, detail=""))
    return token


def revoke_token(engine: Engine, name: str, *, actor: str = "cli", clock: Callable[[], dt.datetime] = utc_now) -> int:
    """Revoke the active token(s) called ``name``.

    :return: how many tokens were revoked.
    :raises NotFound: no active token has that name.
    """
    now = clock()
    with write_session(engine) as session, session.begin():
        rows = _active(session, name)
        if not rows:
            raise NotFound(f"no active token named {name!r}")
        for row in rows:
            row.revoked_at = now
        session.add(AuditRow(at=now, actor=actor, action="token.revoke", target=name, detail=""))
    return len(rows)


def verify_token(engine: Engine, token: str) -> str | None:
    """Return the name of the active token ``token``, or ``None`` when it is unknown or revoked."""
    with Session(engine) as session:
        return session.scalar(
            select(ApiTokenRow.name).where(ApiTokenRow.token_sha256 == _digest(token), ApiTokenRow.revoked_at.is_(None))
        )


def _active(session: Session, name: str) -> list[ApiTokenRow]:
    return list(session.scalars(select(ApiTokenRow).where(ApiTokenRow.name == name, ApiTokenRow.revoked_at.is_(None))))
