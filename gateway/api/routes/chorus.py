"""``/v1/invoices/{id}/chorus/complete`` and ``/recycle``: supplier actions on Chorus Pro, audited."""

# No "from __future__ import annotations": FastAPI evaluates these annotations (see operations.py).

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gateway.api.errors import ERROR_RESPONSES
from gateway.api.routes.invoices import NOT_FOUND, InvoiceId
from gateway.api.schemas import ActionOut, ChorusCompleteIn, ChorusRecycleIn, ErrorBody
from gateway.app import Gateway
from gateway.chorus_actions import complete_invoice, recycle_invoice

__all__ = ["build_router"]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"model": ErrorBody, "description": "Chorus Pro refused the action (the invoice is not in that status)."},
    **ERROR_RESPONSES,
}


def build_router(gateway: Gateway, auth: Callable[..., str]) -> APIRouter:
    """Return the Chorus Pro supplier actions of ``gateway``."""
    router = APIRouter(prefix="/v1/invoices", tags=["chorus"])

    @router.post(
        "/{invoice_id}/chorus/complete",
        name="chorus_complete",
        summary="Answer a suspended invoice (completer)",
        responses=_RESPONSES,
    )
    def complete(invoice_id: InvoiceId, body: ChorusCompleteIn, caller: Annotated[str, Depends(auth)]) -> ActionOut:
        """Answer a ``SUSPENDUE`` invoice on Chorus Pro with a comment."""
        detail = complete_invoice(gateway, invoice_id, body.comment, actor=f"api:{caller}")
        return ActionOut(id=invoice_id, detail=detail)

    @router.post(
        "/{invoice_id}/chorus/recycle",
        name="chorus_recycle",
        summary="Recycle an invoice to a corrected service (recycler)",
        responses=_RESPONSES,
    )
    def recycle(invoice_id: InvoiceId, body: ChorusRecycleIn, caller: Annotated[str, Depends(auth)]) -> ActionOut:
        """Send an ``A_RECYCLER`` invoice again with a corrected service code and/or commitment number."""
        detail = recycle_invoice(
            gateway,
            invoice_id,
            actor=f"api:{caller}",
            comment=body.comment,
            service_code=body.service_code,
            commitment=body.commitment,
        )
        return ActionOut(id=invoice_id, detail=detail)

    return router
