"""The gateway's REST API (FastAPI): invoices, documents, partners, operator actions, health.

:func:`create_app` builds the app of one :class:`~gateway.app.Gateway`;
:func:`serve` and :class:`ApiServer` run it under uvicorn; :mod:`gateway.api.tokens`
manages the bearer tokens.
"""

from gateway.api.app import create_app
from gateway.api.server import ApiServer, serve
from gateway.api.tokens import InvalidTokenName, TokenNameTaken, create_token, revoke_token, verify_token

__all__ = [
    "ApiServer",
    "InvalidTokenName",
    "TokenNameTaken",
    "create_app",
    "create_token",
    "revoke_token",
    "serve",
    "verify_token",
]
