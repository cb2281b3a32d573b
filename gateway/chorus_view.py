"""Chorus Pro as seen from the gateway: a partner's channel client, and one invoice's platform view.

``gateway chorus status`` puts what Chorus Pro says about one of our invoices
(flow state, ``identifiantFactureCPP``, current status, status history) beside
the Chorus statuses our timeline recorded, so that a missed or late poll shows.
The platform is asked live; nothing here writes to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chorus import FlowReport, InvoiceHistory, InvoiceSummary
from gateway.app import Gateway
from gateway.errors import NotFound
from gateway.store.models import DeliveryRow, EventRow
from gateway.store.repo import get_invoice
from gateway.transports.chorus import ChorusTransport

__all__ = ["ChorusInvoiceView", "chorus_invoice_view", "latest_chorus_delivery", "partner_chorus_channel"]


@dataclass(frozen=True, slots=True)
class ChorusInvoiceView:
    """One of our invoices on Chorus Pro, beside what our timeline holds."""

    invoice_id: str
    """Our invoice id."""
    partner_id: str
    flow_number: str
    """``numeroFluxDepot`` of the latest deposit."""
    flow: FlowReport
    """``consulterCRDetaille`` now."""
    platform_invoice: InvoiceSummary | None
    """The invoice the flow created (``rechercher/fournisseur``); ``None`` before integration."""
    history: InvoiceHistory | None
    """``consulter/historique``, oldest first; ``None`` before integration."""
    timeline_statuses: tuple[str, ...]
    """The Chorus statuses our timeline recorded for that delivery (``ack`` events), in order."""


def partner_chorus_channel(gateway: Gateway, partner_id: str, channel_name: str | None = None) -> ChorusTransport:
    """Build a client-side channel from a partner's ``chorus`` channel (its credentials, its host).

    :param channel_name: the channel's name; the partner's first ``chorus`` channel otherwise.
    :raises NotFound: no such partner, or it has no such channel.
    :raises ConfigError: the channel's keys or secrets are wrong.
    """
    partner = gateway.partners.current().get(partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id!r} in the partner files")
    channel = next(
        (c for c in partner.channels if c.type == "chorus" and (channel_name is None or c.name == channel_name)),
        None,
    )
    if channel is None:
        raise NotFound(f"partner {partner_id} has no chorus channel" + (f" {channel_name!r}" if channel_name else ""))
    base = partner.source.parent if partner.source else Path.cwd()
    return ChorusTransport.from_config(dict(channel.params), where=channel.where, base=base)


def latest_chorus_delivery(session: Session, invoice_id: str) -> DeliveryRow:
    """Return the latest delivery of ``invoice_id`` that Chorus Pro took (it has a ``numeroFluxDepot``).

    :raises NotFound: no such invoice, or it was never deposited on Chorus Pro.
    """
    get_invoice(session, invoice_id)
    delivery = session.scalars(
        select(DeliveryRow)
        .where(DeliveryRow.invoice_id == invoice_id, DeliveryRow.channel_type == "chorus")
        .where(DeliveryRow.remote_ref.is_not(None))
        .order_by(DeliveryRow.id.desc())
    ).first()
    if delivery is None or delivery.remote_ref is None:
        raise NotFound(f"invoice {invoice_id} was not deposited on Chorus Pro")
    return delivery


def chorus_invoice_view(gateway: Gateway, invoice_id: str) -> ChorusInvoiceView:
    """Ask Chorus Pro about the latest deposit of ``invoice_id`` and read our timeline's record of it.

    :raises NotFound: no such invoice, or it was never deposited on Chorus Pro.
    :raises ChorusError: the platform could not be asked.
    """
    with Session(gateway.engine) as session:
        delivery = latest_chorus_delivery(session, invoice_id)
        assert delivery.remote_ref is not None
        flow_number, partner_id, channel_name = delivery.remote_ref, delivery.partner_id, delivery.channel
        events = session.scalars(
            select(EventRow).where(EventRow.delivery_id == delivery.id, EventRow.kind == "ack").order_by(EventRow.id)
        )
        recorded = tuple(str((e.data or {}).get("status")) for e in events)
    with partner_chorus_channel(gateway, partner_id, channel_name) as channel:
        client = channel.client
        flow = client.flow_report(flow_number)
        found = client.search_supplier_invoices(flow_number=flow_number) if flow.is_integrated else []
        platform_invoice = found[0] if found else None
        history = client.invoice_history(platform_invoice.invoice_id) if platform_invoice else None
    return ChorusInvoiceView(invoice_id, partner_id, flow_number, flow, platform_invoice, history, recorded)
