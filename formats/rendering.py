"""Render the canonical model into a target syntax."""

from __future__ import annotations

from enum import StrEnum

from formats.cii import render_cii
from formats.conversion import RenderResult
from formats.model import Invoice
from formats.ubl import render_ubl

__all__ = ["Target", "render_invoice"]


class Target(StrEnum):
    """Output syntaxes."""

    UBL = "ubl"
    CII = "cii"


def render_invoice(invoice: Invoice, target: Target | str, *, pretty: bool = True) -> RenderResult:
    """Render ``invoice`` as ``target`` (``ubl`` or ``cii``).

    :return: the bytes and every conversion warning (terms the target cannot hold).
    """
    match Target(target):
        case Target.UBL:
            return render_ubl(invoice, pretty=pretty)
        case Target.CII:
            return render_cii(invoice, pretty=pretty)
