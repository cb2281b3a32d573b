"""SG2 (NAD with FII, SG3 RFF, SG5 CTA/COM) → parties of the EN 16931 model."""

from __future__ import annotations

from dataclasses import dataclass, field

from formats.conversion import ConversionWarning
from formats.edifact.iso20625 import Group
from formats.edifact.iso20625.names import value
from formats.edifact.segments import Segment
from formats.model import (
    Address,
    Contact,
    CreditTransfer,
    Delivery,
    Identifier,
    Party,
    Payee,
    PaymentCard,
    TaxRepresentative,
)

__all__ = ["PartyData", "read_parties"]


@dataclass(slots=True)
class PartyData:
    """What SG2 gives the model: parties, and the payment and reference data bound to them."""

    seller: Party | None = None
    buyer: Party | None = None
    payee: Payee | None = None
    tax_representative: TaxRepresentative | None = None
    delivery_party: Delivery | None = None
    credit_transfers: list[CreditTransfer] = field(default_factory=list)
    card: PaymentCard | None = None
    debited_account: str | None = None
    buyer_reference: str | None = None
    buyer_accounting_reference: str | None = None
    mandate_reference: str | None = None
    creditor_reference: str | None = None


def read_parties(groups: list[Group], warnings: list[ConversionWarning]) -> PartyData:
    """Map every SG2 group, by its NAD party function (3035)."""
    data = PartyData()
    for group in groups:
        nad = group.head
        role = value(nad, "D_3035")
        references = _references(group)
        if role == "SE":
            data.seller = _party(nad, group, references, seller=True)
            data.credit_transfers.extend(_accounts(group, "RB"))
            data.creditor_reference = data.creditor_reference or references.get("AVS")
        elif role == "BY":
            data.buyer = _party(nad, group, references, seller=False)
            data.buyer_reference = references.get("CR")
            data.buyer_accounting_reference = references.get("AOU")
            data.mandate_reference = references.get("AVS")
            data.creditor_reference = data.creditor_reference or references.get("AII")
            for fii in group.segments("FII"):
                qualifier = value(fii, "D_3035")
                if qualifier == "BI":
                    data.debited_account = value(fii, "C_C078", "D_3194") or None
                elif qualifier == "PB":
                    data.card = PaymentCard(
                        primary_account_number=value(fii, "C_C078", "D_3194"),
                        holder_name=value(fii, "C_C078", "D_3192") or None,
                    )
        elif role == "PE":
            data.payee = Payee(
                name=value(nad, "C_C080", "D_3036") or None,
                identifiers=_identifiers(nad),
                legal_registration=_identifier(references.get("GN")),
            )
            data.credit_transfers.extend(_accounts(group, "RB"))
            data.creditor_reference = data.creditor_reference or references.get("AVS")
        elif role == "LC":
            data.tax_representative = TaxRepresentative(
                name=value(nad, "C_C080", "D_3036") or None,
                vat_id=references.get("VA"),
                address=_address(nad),
            )
        elif role == "DP":
            location = value(nad, "C_C082", "D_3039")
            data.delivery_party = Delivery(
                party_name=value(nad, "C_C080", "D_3036") or None,
                location=Identifier(location, value(nad, "C_C082", "D_1131") or None) if location else None,
                address=_address(nad),
            )
        else:
            warnings.append(
                ConversionWarning(
                    code="edifact-cen.unmapped",
                    term="EXT",
                    message=f"NAD party function {role!r} has no EN 16931 meaning; not read",
                )
            )
    return data


def _references(group: Group) -> dict[str, str]:
    found: dict[str, str] = {}
    for sg3 in group.groups("G_SG3"):
        rff = sg3.head
        found.setdefault(value(rff, "C_C506", "D_1153"), value(rff, "C_C506", "D_1154"))
    return found


def _identifier(text: str | None) -> Identifier | None:
    return Identifier(text) if text else None


def _identifiers(nad: Segment) -> tuple[Identifier, ...]:
    ident = value(nad, "C_C082", "D_3039")
    return (Identifier(ident, value(nad, "C_C082", "D_1131") or None),) if ident else ()


def _party(nad: Segment, group: Group, references: dict[str, str], *, seller: bool) -> Party:
    electronic: Identifier | None = None
    contact: Contact | None = None
    for sg5 in group.groups("G_SG5"):
        cta = sg5.head
        numbers = {value(com, "C_C076", "D_3155"): value(com, "C_C076", "D_3148") for com in sg5.segments("COM")}
        if value(cta, "D_3139") == "IC":
            com = sg5.segment("COM")
            if com is not None:
                electronic = Identifier(value(com, "C_C076", "D_3148"), value(com, "C_C076", "D_3155") or None)
            continue
        contact = Contact(
            name=value(cta, "C_C056", "D_3412") or None,
            telephone=numbers.get("TE"),
            email=numbers.get("EM"),
        )
    tax_registration = references.get("AHP") or references.get("FC") if seller else None
    return Party(
        name=value(nad, "C_C080", "D_3036") or None,
        trading_name=value(nad, "C_C080", "D_3036_2") or None,
        identifiers=_identifiers(nad),
        legal_registration=_identifier(references.get("GN")),
        vat_id=references.get("VA"),
        tax_registration_id=tax_registration,
        electronic_address=electronic,
        address=_address(nad),
        contact=contact,
    )


def _address(nad: Segment) -> Address | None:
    fields = {
        "line1": value(nad, "C_C059", "D_3042"),
        "line2": value(nad, "C_C059", "D_3042_2"),
        "line3": value(nad, "C_C059", "D_3042_3"),
        "city": value(nad, "D_3164"),
        "post_code": value(nad, "D_3251"),
        "country_subdivision": value(nad, "C_C819", "D_3228"),
        "country_code": value(nad, "D_3207"),
    }
    if not any(fields.values()):
        return None
    return Address(**{name: text or None for name, text in fields.items()})


def _accounts(group: Group, qualifier: str) -> list[CreditTransfer]:
    return [
        CreditTransfer(
            account_id=value(fii, "C_C078", "D_3194") or None,
            account_name=value(fii, "C_C078", "D_3192") or None,
            service_provider_id=value(fii, "C_C088", "D_3433") or None,
        )
        for fii in group.segments("FII")
        if value(fii, "D_3035") == qualifier
    ]
