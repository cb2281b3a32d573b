"""Bearer-token authentication: ``Authorization: Bearer <token>`` on every ``/v1`` operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from gateway.api.tokens import verify_token
from gateway.errors import AuthError

__all__ = ["bearer_auth"]

#: Declares the scheme in the OpenAPI document; the check itself is ours, so that a refusal has our error body.
_SCHEME = HTTPBearer(auto_error=False, description="A token made with `gateway token create NAME`.")


def bearer_auth(engine: Engine) -> Callable[[HTTPAuthorizationCredentials | None], str]:
    """Return the dependency that checks the caller's token and gives its name.

    :raises AuthError: (from the dependency) the header is missing, malformed, or names no active token.
    """

    def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_SCHEME)]) -> str:
        if credentials is None:
            raise AuthError("missing bearer token: send 'Authorization: Bearer <token>'")
        name = verify_token(engine, credentials.credentials)
        if name is None:
            raise AuthError("unknown or revoked token")
        return name

    return caller
