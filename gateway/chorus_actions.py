"""Supplier actions on an invoice sent through Chorus Pro: answer a suspension, recycle a misrouted invoice.

``completer`` answers ``SUSPENDUE`` (the buyer asked for something); ``recycler``
resends an ``A_RECYCLER`` invoice to a corrected service or commitment. Both
act on the Chorus Pro invoice the gateway's delivery created, found from the
delivery's flow number (``numeroFluxDepot``). The status changes that follow
arrive through the channel's usual polling; the action itself is an event and
an audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from chorus import ChorusClient
from chorus.records import ActionResult
from gateway.app import Gateway
from gateway.chorus_view import latest_chorus_delivery, partner_chorus_channel
from gateway.errors import Refused
from gateway.store.claims import write_session
from gateway.store.models import AuditRow
from gateway.store.repo import NewEvent, append_events, get_invoice
from gateway.transports.chorus import ChorusTransport

__all__ = ["ChorusTarget", "complete_invoice", "recycle_invoice"]


@dataclass(frozen=True, slots=True)
class ChorusTarget:
    """The Chorus Pro invoice behind one of our deliveries."""

    delivery_id: int
    flow_number: str
    partner_id: str
    channel: str


def _target(gateway: Gateway, invoice_id: str) -> ChorusTarget:
    with Session(gateway.engine) as session:
        delivery = latest_chorus_delivery(session, invoice_id)
        assert delivery.remote_ref is not None
        return ChorusTarget(delivery.id, delivery.remote_ref, delivery.partner_id, delivery.channel)


def _client_and_id(gateway: Gateway, target: ChorusTarget) -> tuple[ChorusTransport, int]:
    transport = partner_chorus_channel(gateway, target.partner_id, target.channel)
    found = transport.client.search_supplier_invoices(flow_number=target.flow_number)
    if not found:
        transport.close()
        raise Refused(f"flow {target.flow_number} has no invoice on Chorus Pro yet (not integrated)")
    return transport, found[0].invoice_id


def _record(gateway: Gateway, invoice_id: str, target: ChorusTarget, kind: str, detail: str, actor: str) -> None:
    now = gateway.clock()
    with write_session(gateway.engine) as session, session.begin():
        invoice = get_invoice(session, invoice_id)
        append_events(session, invoice, [NewEvent("operator", kind, None, detail, None, target.delivery_id)], now=now)
        session.add(AuditRow(at=now, actor=actor, action=kind, target=invoice_id, detail=detail))


def complete_invoice(gateway: Gateway, invoice_id: str, comment: str, *, actor: str) -> str:
    """Answer a suspended invoice (``completer``).

    :raises NotFound: no such invoice, or it did not go through Chorus Pro.
    :raises ChorusError: Chorus Pro refused (e.g. the invoice is not ``SUSPENDUE``), with its ``codeRetour``.
    """
    target = _target(gateway, invoice_id)
    transport, cpp_id = _client_and_id(gateway, target)
    with transport:
        result = _act(transport.client, lambda client: client.complete(cpp_id, comment))
    detail = f"completer sent by {actor} on Chorus Pro invoice {cpp_id}" + (f" → {result}" if result else "")
    _record(gateway, invoice_id, target, "chorus-completed", detail, actor)
    return f"invoice {invoice_id}: {detail}"


def recycle_invoice(
    gateway: Gateway,
    invoice_id: str,
    *,
    actor: str,
    comment: str = "",
    service_code: str | None = None,
    commitment: str | None = None,
) -> str:
    """Recycle an ``A_RECYCLER`` invoice to a corrected service code and/or commitment number (``recycler``).

    :raises NotFound: no such invoice, or it did not go through Chorus Pro.
    :raises ChorusError: Chorus Pro refused, with its ``codeRetour``.
    """
    target = _target(gateway, invoice_id)
    transport, cpp_id = _client_and_id(gateway, target)
    with transport:
        result = _act(
            transport.client,
            lambda client: client.recycle(cpp_id, comment=comment, service_code=service_code, commitment=commitment),
        )
    changes = ", ".join(f"{k} {v}" for k, v in (("service", service_code), ("commitment", commitment)) if v)
    detail = f"recycler sent by {actor} on Chorus Pro invoice {cpp_id}" + (f" ({changes})" if changes else "")
    detail += f" → {result}" if result else ""
    _record(gateway, invoice_id, target, "chorus-recycled", detail, actor)
    return f"invoice {invoice_id}: {detail}"


def _act(client: ChorusClient, action: Callable[[ChorusClient], ActionResult]) -> str:
    answer = action(client)
    return answer.status or ""
