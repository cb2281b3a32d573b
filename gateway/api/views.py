"""Turn store rows into response bodies; download paths are built here only."""

from __future__ import annotations

from gateway.api.schemas import (
    ChannelOut,
    DeliveryOut,
    DocumentOut,
    EventOut,
    IdentifiersOut,
    InvoiceDetail,
    InvoiceSummary,
    OriginalOut,
    PartnerOut,
)
from gateway.partners import Partner
from gateway.store.models import DeliveryRow, DocumentRow, EventRow, InvoiceRow

__all__ = [
    "document_path",
    "invoice_detail",
    "invoice_summary",
    "original_media_type",
    "original_path",
    "partner_view",
]

#: Media type of a submitted document by what detection found; unknown bytes are served as octet-stream.
_MEDIA_TYPES = {
    "ubl-invoice": "application/xml",
    "ubl-creditnote": "application/xml",
    "cii": "application/xml",
    "zugferd-1.0": "application/xml",
    "cdar": "application/xml",
    "xml": "application/xml",
    "pdf": "application/pdf",
    "edifact": "application/EDIFACT",
}


def original_media_type(detected: str | None) -> str:
    return _MEDIA_TYPES.get(detected or "", "application/octet-stream")


def original_path(invoice_id: str) -> str:
    return f"/v1/invoices/{invoice_id}/original"


def document_path(invoice_id: str, document_id: int) -> str:
    return f"/v1/invoices/{invoice_id}/documents/{document_id}"


def invoice_summary(row: InvoiceRow) -> InvoiceSummary:
    return InvoiceSummary.model_validate(row, from_attributes=True)


def invoice_detail(
    row: InvoiceRow, documents: list[DocumentRow], deliveries: list[DeliveryRow], events: list[EventRow]
) -> InvoiceDetail:
    original = OriginalOut(
        filename=row.original_name,
        sha256=row.original_sha256,
        media_type=original_media_type(row.detected),
        url=original_path(row.id),
    )
    return InvoiceDetail.model_validate(
        {
            **dict(invoice_summary(row)),
            "original": original,
            "documents": [_document(row.id, doc) for doc in documents],
            "deliveries": [DeliveryOut.model_validate(d, from_attributes=True) for d in deliveries],
            "events": [EventOut.model_validate(e, from_attributes=True) for e in events],
        }
    )


def _document(invoice_id: str, doc: DocumentRow) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        role=doc.role,
        format=doc.format,
        media_type=doc.media_type,
        filename=doc.filename,
        sha256=doc.sha256,
        created_at=doc.created_at,
        url=document_path(invoice_id, doc.id),
    )


def partner_view(partner: Partner) -> PartnerOut:
    ids = partner.identifiers
    return PartnerOut(
        id=partner.id,
        name=partner.name,
        segment=partner.segment,
        enabled=partner.enabled,
        identifiers=IdentifiersOut(
            siren=ids.siren, siret=ids.siret, vat=ids.vat, gln=ids.gln, peppol=ids.peppol, e_address=ids.e_address
        ),
        receives=list(partner.receives),
        sends=list(partner.sends),
        validate=list(partner.validate),
        channels=[ChannelOut(name=channel.name, type=channel.type) for channel in partner.channels],
    )
