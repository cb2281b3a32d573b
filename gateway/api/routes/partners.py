"""``/v1/partners``: the partner profiles loaded now, and what is wrong with the files."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends

from gateway.api.errors import ERROR_RESPONSES
from gateway.api.schemas import PartnersOut
from gateway.api.views import partner_view
from gateway.app import Gateway

__all__ = ["build_router"]


def build_router(gateway: Gateway, auth: Callable[..., str]) -> APIRouter:
    """Return the partner operations of ``gateway``."""
    router = APIRouter(prefix="/v1/partners", tags=["partners"], dependencies=[Depends(auth)])

    @router.get("", summary="Loaded partners", responses=ERROR_RESPONSES)
    def list_partners() -> PartnersOut:
        """Every partner (identifiers, formats, channel names and types; never channel settings) and file problems."""
        book = gateway.partners.current()
        partners = sorted(book, key=lambda partner: partner.id)
        return PartnersOut(partners=[partner_view(p) for p in partners], problems=list(book.problems))

    return router
