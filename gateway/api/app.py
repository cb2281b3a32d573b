"""Build the REST API of one gateway (an app factory: no module state)."""

from __future__ import annotations

from fastapi import FastAPI

from formats.xml_safety import DEFAULT_MAX_BYTES
from gateway.api import errors
from gateway.api.auth import bearer_auth
from gateway.api.limits import BodyLimit
from gateway.api.routes import as2, chorus, documents, health, invoices, operations, partners
from gateway.app import Gateway

__all__ = ["MULTIPART_OVERHEAD", "create_app"]

#: Room for the multipart framing and the other form fields around the file itself.
MULTIPART_OVERHEAD = 64 * 1024

_DESCRIPTION = """\
Submit invoices to the Aiguillage gateway, follow them through the pipeline
(timeline, renditions, deliveries), download their documents, and retry or
cancel them. Every `/v1` operation needs `Authorization: Bearer <token>`
(`gateway token create NAME`). Errors answer `{"error": {"code", "message"}}`.
"""


def create_app(
    gateway: Gateway, *, max_upload_bytes: int = DEFAULT_MAX_BYTES, max_as2_bytes: int | None = None
) -> FastAPI:
    """Return the API of ``gateway``.

    :param max_upload_bytes: the largest document ``POST /v1/invoices`` takes; larger ones get a 413.
    :param max_as2_bytes: the largest AS2 body ``POST /as2`` takes (default: ``max_upload_bytes``).
    """
    app = FastAPI(
        title="Aiguillage gateway API",
        version="1",
        description=_DESCRIPTION,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        # Operation ids are the endpoint names (submit_invoice, show_invoice…): stable for generated clients.
        generate_unique_id_function=lambda route: route.name,
    )
    auth = bearer_auth(gateway.engine)
    app.include_router(health.build_router(gateway))
    app.include_router(invoices.build_router(gateway, auth, max_upload_bytes=max_upload_bytes))
    app.include_router(documents.build_router(gateway, auth))
    app.include_router(operations.build_router(gateway, auth))
    app.include_router(chorus.build_router(gateway, auth))
    app.include_router(partners.build_router(gateway, auth))
    # AS2 authenticates by signatures, not bearer tokens (RFC 4130).
    as2_limit = max_as2_bytes if max_as2_bytes is not None else max_upload_bytes
    app.include_router(as2.build_router(gateway, max_bytes=as2_limit))
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=max(max_upload_bytes, as2_limit) + MULTIPART_OVERHEAD)
    return app
