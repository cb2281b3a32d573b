"""Response bodies of the REST API (pydantic), so that ``/openapi.json`` describes every answer exactly.

Money is a decimal string (``"1234.50"``), never a JSON number, so that no
client parses it into a float (STYLE.md §4).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.pipeline.status import Status

__all__ = [
    "ActionOut",
    "ChannelOut",
    "DeliveryOut",
    "DocumentOut",
    "ErrorBody",
    "ErrorDetail",
    "EventOut",
    "HealthOut",
    "IdentifiersOut",
    "InvoiceDetail",
    "InvoicePage",
    "InvoiceSummary",
    "OriginalOut",
    "PartnerOut",
    "PartnersOut",
    "SubmittedOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorDetail(_Out):
    code: str = Field(description="Stable error id, e.g. `store.not-found`, `auth`, `format.too-large`.")
    message: str = Field(description="One line: what failed and what to do.")


class ErrorBody(_Out):
    """The body of every error response."""

    error: ErrorDetail


class SubmittedOut(_Out):
    id: str = Field(description="The invoice id (a UUID).")
    duplicate: bool = Field(description="True when the same bytes were submitted before: the id is the earlier one.")
    status: Status


class InvoiceSummary(_Out):
    id: str
    status: Status
    number: str | None = Field(description="BT-1, once read.")
    issue_date: dt.date | None = Field(description="BT-2.")
    due_date: dt.date | None = Field(description="BT-9.")
    currency: str | None = Field(description="BT-5.")
    amount_due: Decimal | None = Field(description="BT-115, as a decimal string.")
    seller_name: str | None = Field(description="BT-27.")
    buyer_name: str | None = Field(description="BT-44.")
    partner_id: str | None = Field(description="The recipient partner, once routed.")
    quarantine_code: str | None = Field(description="Why the invoice is quarantined (an error code).")
    detected: str | None = Field(description="What the submitted bytes were (`ubl-invoice`, `cii`, `pdf`…).")
    source: str
    original_name: str
    created_at: dt.datetime
    updated_at: dt.datetime


class OriginalOut(_Out):
    filename: str
    sha256: str
    media_type: str
    url: str = Field(description="Path of the download, relative to the API root.")


class DocumentOut(_Out):
    id: int
    role: str = Field(description="`rendition` or `ack`.")
    format: str
    media_type: str
    filename: str
    sha256: str
    created_at: dt.datetime
    url: str = Field(description="Path of the download, relative to the API root.")


class DeliveryOut(_Out):
    id: int
    document_id: int
    partner_id: str
    channel: str = Field(description="The channel's name in the partner profile.")
    channel_type: str
    channel_index: int = Field(description="0 is the primary channel, the rest are fallbacks.")
    message_id: str
    status: str = Field(description="`pending`, `leased`, `sent`, `done`, `dead`, `cancelled`…")
    attempts: int
    max_attempts: int
    next_attempt_at: dt.datetime
    remote_ref: str | None
    last_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EventOut(_Out):
    id: int
    at: dt.datetime
    step: str
    kind: str
    status: Status | None = Field(description="The status this event moved the invoice to, if any.")
    detail: str
    data: dict[str, Any] | None
    delivery_id: int | None
    parent_id: int | None


class InvoiceDetail(InvoiceSummary):
    original: OriginalOut
    documents: list[DocumentOut] = Field(description="Renditions and acknowledgements, oldest first.")
    deliveries: list[DeliveryOut]
    events: list[EventOut] = Field(description="The timeline, oldest first.")


class InvoicePage(_Out):
    total: int = Field(description="How many invoices match, over all pages.")
    limit: int
    offset: int
    items: list[InvoiceSummary]


class IdentifiersOut(_Out):
    siren: str | None
    siret: str | None
    vat: str | None
    gln: str | None
    peppol: str | None
    e_address: str | None


class ChannelOut(_Out):
    """A channel by name and type only: its parameters may hold secrets and are never shown."""

    name: str
    type: str


class PartnerOut(_Out):
    id: str
    name: str
    segment: str | None
    enabled: bool
    identifiers: IdentifiersOut
    receives: list[str] = Field(description="Formats the partner accepts, most preferred first.")
    sends: list[str]
    validate_layers: list[str] = Field(alias="validate", description="Layers an invoice must pass for this partner.")
    channels: list[ChannelOut]

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True)


class PartnersOut(_Out):
    partners: list[PartnerOut]
    problems: list[str] = Field(description="Current problems of the partner files (file:line: key: message).")


class ActionOut(_Out):
    id: str
    detail: str = Field(description="What was done, in one line.")


class HealthOut(_Out):
    status: Literal["ok", "unavailable"]
    database: str = Field(description="`ok`, or the kind of failure.")


class ChorusCompleteIn(BaseModel):
    """Answer to a ``SUSPENDUE`` invoice on Chorus Pro."""

    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1, max_length=2000, description="What the buyer asked for, answered.")


class ChorusRecycleIn(BaseModel):
    """Corrections for an ``A_RECYCLER`` invoice on Chorus Pro."""

    model_config = ConfigDict(extra="forbid")
    service_code: str | None = Field(default=None, min_length=1, max_length=100, description="New service code.")
    commitment: str | None = Field(default=None, min_length=1, max_length=50, description="New commitment (EJ).")
    comment: str = Field(default="", max_length=2000)
