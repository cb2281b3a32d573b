"""EANCOM D96A SG2 groups (NAD, FII, SG3 RFF, SG5 CTA/COM) → parties of the EN 16931 model."""

from __future__ import annotations

from dataclasses import dataclass, field

from formats.conversion import ConversionWarning
from formats.edifact.eancom._build import GLN_AGENCY, GLN_SCHEME
from formats.edifact.eancom._sections import Group, unmapped
from formats.edifact.segments import Segment
from formats.model import Address, Contact, CreditTransfer, Delivery, Identifier, Party, Payee, TaxRepresentative

__all__ = ["PartyData", "read_parties"]

#: NAD 3035 → the model's role. Invoicee (IV) is the buyer when there is no BY; ship-to (ST) is deliver-to.
_ROLES = {
    "SU": "seller",
    "SE": "seller",
    "BY": "buyer",
    "IV": "invoicee",
    "PE": "payee",
    "LC": "tax",
    "DP": "delivery",
    "ST": "delivery",
}


@dataclass(slots=True)
class PartyData:
    """What SG2 gives the model: parties, and the payment and reference data bound to them."""

    seller: Party | None = None
    buyer: Party | None = None
    invoicee: Party | None = None
    payee: Payee | None = None
    tax_representative: TaxRepresentative | None = None
    delivery_party: Delivery | None = None
    credit_transfers: list[CreditTransfer] = field(default_factory=list)
    debited_account: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    """RFF CR (BT-10) and AOU (BT-19) found in a buyer group."""


def read_parties(groups: list[Group], warnings: list[ConversionWarning]) -> PartyData:
    """Map every NAD group by its party function (3035)."""
    data = PartyData()
    for group in groups:
        nad = group[0]
        role = _ROLES.get(nad.element(0))
        references: dict[str, str] = {}
        for rff in (s for s in group if s.tag == "RFF"):
            references.setdefault(rff.element(0, 0), rff.element(0, 1))
        if role == "seller":
            data.seller = _party(nad, group, references, seller=True)
            data.credit_transfers.extend(_accounts(group))
        elif role in ("buyer", "invoicee"):
            setattr(data, role, _party(nad, group, references, seller=False))
            data.references.update({k: v for k, v in references.items() if k in ("CR", "AOU") and v})
            data.debited_account = next((f.element(1, 0) for f in group if _is_fii(f, "BI")), data.debited_account)
        elif role == "payee":
            data.payee = Payee(
                name=nad.element(3, 0) or None,
                identifiers=_identifiers(nad),
                legal_registration=_identifier(references.get("XA") or references.get("GN")),
            )
            data.credit_transfers.extend(_accounts(group))
        elif role == "tax":
            data.tax_representative = TaxRepresentative(
                name=nad.element(3, 0) or None, vat_id=references.get("VA") or None, address=_address(nad)
            )
        elif role == "delivery":
            ids = _identifiers(nad)
            data.delivery_party = Delivery(
                party_name=nad.element(3, 0) or None, location=ids[0] if ids else None, address=_address(nad)
            )
        else:
            warnings.append(
                ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped(f"NAD+{nad.element(0)}"))
            )
    if data.buyer is None:
        data.buyer = data.invoicee
    elif data.invoicee is not None:
        warnings.append(
            ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped("NAD+IV beside NAD+BY"))
        )
    return data


def _is_fii(segment: Segment, qualifier: str) -> bool:
    return segment.tag == "FII" and segment.element(0) == qualifier


def _identifier(text: str | None) -> Identifier | None:
    return Identifier(text) if text else None


def _identifiers(nad: Segment) -> tuple[Identifier, ...]:
    ident = nad.element(1, 0)
    if not ident:
        return ()
    # 3055 = 9 says GS1 assigned it: a GLN. Our writer keeps any other ICD scheme in 1131;
    # partner-assigned codes (91, 92) have no ICD scheme.
    scheme = GLN_SCHEME if nad.element(1, 2) == GLN_AGENCY else (nad.element(1, 1) or None)
    return (Identifier(ident, scheme),)


def _party(nad: Segment, group: Group, references: dict[str, str], *, seller: bool) -> Party:
    contact: Contact | None = None
    for index, segment in enumerate(group):
        if segment.tag != "CTA" or contact is not None:
            continue
        numbers: dict[str, str] = {}
        for com in group[index + 1 :]:
            if com.tag != "COM":
                break
            numbers.setdefault(com.element(0, 1), com.element(0, 0))
        contact = Contact(
            name=segment.element(1, 1) or None, telephone=numbers.get("TE") or None, email=numbers.get("EM") or None
        )
    return Party(
        name=nad.element(3, 0) or None,
        trading_name=nad.element(3, 1) or None,
        identifiers=_identifiers(nad),
        legal_registration=_identifier(references.get("XA") or references.get("GN")),
        vat_id=references.get("VA") or None,
        tax_registration_id=(references.get("FC") or references.get("AHP") or None) if seller else None,
        address=_address(nad),
        contact=contact,
    )


def _address(nad: Segment) -> Address | None:
    fields = {
        "line1": nad.element(4, 0),
        "line2": nad.element(4, 1),
        "line3": nad.element(4, 2),
        "city": nad.element(5, 0),
        "country_subdivision": nad.element(6, 0),
        "post_code": nad.element(7, 0),
        "country_code": nad.element(8, 0),
    }
    if not any(fields.values()):
        return None
    return Address(**{name: text or None for name, text in fields.items()})


def _accounts(group: Group) -> list[CreditTransfer]:
    return [
        CreditTransfer(
            account_id=fii.element(1, 0) or None,
            account_name=fii.element(1, 1) or None,
            service_provider_id=fii.element(2, 0) or None,
        )
        for fii in group
        if _is_fii(fii, "RB")
    ]
