"""``/v1/invoices/{id}/retry`` and ``/cancel``: what an operator does by hand, audited under the token's name."""

# No "from __future__ import annotations" here: FastAPI evaluates the annotations of the endpoints,
# and they name ``auth``, a local of build_router that a string annotation could not reach.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gateway.api.errors import ERROR_RESPONSES
from gateway.api.routes.invoices import NOT_FOUND, InvoiceId
from gateway.api.schemas import ActionOut, ErrorBody
from gateway.app import Gateway
from gateway.operations import cancel_invoice, retry_invoice

__all__ = ["build_router"]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"model": ErrorBody, "description": "The invoice is in no state the operation applies to."},
    **ERROR_RESPONSES,
}


def build_router(gateway: Gateway, auth: Callable[..., str]) -> APIRouter:
    """Return the operator actions of ``gateway``."""
    router = APIRouter(prefix="/v1/invoices", tags=["operations"])

    @router.post(
        "/{invoice_id}/retry", name="retry_invoice", summary="Retry or replay an invoice", responses=_RESPONSES
    )
    def retry(invoice_id: InvoiceId, caller: Annotated[str, Depends(auth)]) -> ActionOut:
        """Replay a quarantined invoice from intake, or queue its failed deliveries again."""
        detail = retry_invoice(gateway.engine, invoice_id, actor=f"api:{caller}", clock=gateway.clock)
        return ActionOut(id=invoice_id, detail=detail)

    @router.post("/{invoice_id}/cancel", name="cancel_invoice", summary="Cancel an invoice", responses=_RESPONSES)
    def cancel(invoice_id: InvoiceId, caller: Annotated[str, Depends(auth)]) -> ActionOut:
        """Stop every delivery not yet made and mark the invoice cancelled."""
        detail = cancel_invoice(gateway.engine, invoice_id, actor=f"api:{caller}", clock=gateway.clock)
        return ActionOut(id=invoice_id, detail=detail)

    return router
