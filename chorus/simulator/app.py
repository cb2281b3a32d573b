"""The simulator as a FastAPI app: PISTE token endpoint, authenticated ``/cpro/…`` calls, admin hooks.

- ``POST /api/oauth/token``: OAuth2 ``client_credentials`` (form fields
  ``grant_type``, ``client_id``, ``client_secret``, ``scope``), answering
  ``access_token``, ``token_type: Bearer``, ``expires_in``, ``scope: openid``.
- ``POST /cpro/<operation>``: Bearer token (401 ``invalid_token`` if unknown or
  expired), subscription (403 with an empty body), ``cpro-account`` (401 with
  PISTE's ``WWW-Authenticate`` text), then the operation; every answer carries
  ``codeRetour``/``libelle``. ``GET /cpro/transverses/v1/health-check`` too.
- ``/simulator/…``: unauthenticated hooks for tests and demos (finish a flow,
  revoke tokens, inject an outage). They do not exist on the real platform.
"""

from __future__ import annotations

import base64
import binascii
import json

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from chorus.codes import OK_CODE, OK_LIBELLE
from chorus.simulator.directory import Account
from chorus.simulator.inspection import Inspector
from chorus.simulator.operations import OPERATIONS, Call
from chorus.simulator.state import Refusal, SimulatorState

__all__ = ["create_app"]

# Header texts, not secrets.
_BAD_TOKEN = 'Bearer realm="PISTE",error="invalid_token",error_description="access token unknown or expired"'  # noqa: S105
# PISTE's own text, spelling included (OCA 14.0, PR #425).
_BAD_ACCOUNT = 'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'


def _envelope(code: int, libelle: str, status: int = 200, fields: dict[str, object] | None = None) -> JSONResponse:
    return JSONResponse({"codeRetour": code, "libelle": libelle, **(fields or {})}, status_code=status)


def _account(state: SimulatorState, header: str | None) -> Account | None:
    if not header:
        return None
    try:
        login, _, password = base64.b64decode(header, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return state.account(login, password)


def _authenticate(state: SimulatorState, request: Request) -> Account | Response:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    client_id = state.token_client(token.strip()) if scheme.lower() == "bearer" else None
    if client_id is None:
        return Response(status_code=401, headers={"WWW-Authenticate": _BAD_TOKEN})
    if not state.is_subscribed(client_id):
        return Response(status_code=403)
    account = _account(state, request.headers.get("cpro-account"))
    if account is None:
        return Response(status_code=401, headers={"WWW-Authenticate": _BAD_ACCOUNT})
    return account


def create_app(state: SimulatorState, inspector: Inspector | None = None) -> FastAPI:
    """Build the app serving ``state``.

    :param inspector: the file checker; one over the default artefact store otherwise.
    """
    checker = inspector if inspector is not None else Inspector()
    app = FastAPI(title="Chorus Pro simulator (Aiguillage)", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/api/oauth/token")
    async def token(request: Request) -> Response:
        failure = state.take_failure()
        if failure is not None:
            return Response(status_code=failure)
        form = await request.form()
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        issued = state.issue_token(str(form.get("client_id", "")), str(form.get("client_secret", "")))
        if issued is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse(
            {"access_token": issued, "token_type": "Bearer", "expires_in": state.token_lifetime_s, "scope": "openid"}
        )

    @app.get("/cpro/transverses/v1/health-check")
    def health_check(request: Request) -> Response:
        who = _authenticate(state, request)
        if isinstance(who, Response):
            return who
        return _envelope(OK_CODE, OK_LIBELLE)

    @app.post("/cpro/{operation:path}", include_in_schema=False)
    async def dispatch(operation: str, request: Request) -> Response:
        name = operation
        failure = state.take_failure()
        if failure is not None:
            return Response(status_code=failure)
        who = _authenticate(state, request)
        if isinstance(who, Response):
            return who
        handler = OPERATIONS.get(name)
        if handler is None:
            return _envelope(404, f"SIM_MSG_00.404 - Opération inconnue : {name}", 404)
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return _envelope(20002, "SIM_MSG_00.002 - Requête invalide : le corps n'est pas du JSON", 400)
        if not isinstance(body, dict):
            return _envelope(20002, "SIM_MSG_00.002 - Requête invalide : le corps n'est pas un objet JSON", 400)
        state.count_call(name)
        call = Call(state, checker, who, body)
        try:
            # Handlers are synchronous (XSD checks, locks): run them off the event loop.
            answer = await run_in_threadpool(handler, call)
        except Refusal as refusal:
            return _envelope(refusal.code_retour, refusal.libelle, refusal.http_status)
        return _envelope(OK_CODE, OK_LIBELLE, fields=answer)

    @app.post("/simulator/flux/{number}/terminer")
    def finish_flow(number: str) -> Response:
        try:
            flow = state.finish_flow(number)
        except Refusal as refusal:
            return _envelope(refusal.code_retour, refusal.libelle, 404)
        return _envelope(OK_CODE, OK_LIBELLE, fields={"etatCourantDepotFlux": flow.state})

    @app.post("/simulator/jetons/revoquer")
    def revoke_tokens() -> Response:
        state.revoke_tokens()
        return _envelope(OK_CODE, OK_LIBELLE)

    @app.post("/simulator/pannes")
    async def inject_outage(request: Request) -> Response:
        data = await request.json()
        state.fail_next(int(data.get("status", 503)), int(data.get("count", 1)))
        return _envelope(OK_CODE, OK_LIBELLE)

    return app
