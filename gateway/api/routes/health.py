"""``/healthz``: is the process up and the database reachable. No token: load balancers call it."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gateway.api.schemas import HealthOut
from gateway.app import Gateway

__all__ = ["build_router"]

log = logging.getLogger(__name__)


def build_router(gateway: Gateway) -> APIRouter:
    """Return the health check of ``gateway``."""
    router = APIRouter(tags=["health"])

    @router.get(
        "/healthz",
        summary="Health check",
        response_model=HealthOut,
        responses={503: {"model": HealthOut, "description": "The database cannot be reached."}},
    )
    def healthz() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            with gateway.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            # The class name only: a driver message may quote the database URL, password included.
            log.error("health check: database unreachable (%s)", type(exc).__name__)
            body = HealthOut(status="unavailable", database=type(exc).__name__)
            return JSONResponse(body.model_dump(), status_code=503)
        return JSONResponse(HealthOut(status="ok", database="ok").model_dump())

    return router
