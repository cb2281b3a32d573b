"""Regenerate the demo sample invoices in this folder from the canonical model.

The samples are our own fictitious French B2B documents (valid SIREN/SIRET/VAT
check digits, French mandatory notes, EN 16931 totals computed here), written
once in UBL and once in CII so the demo has both syntaxes to read::

    .venv/bin/python samples/make_samples.py
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from formats.model import (
    Address,
    AllowanceCharge,
    Contact,
    CreditTransfer,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    Note,
    Party,
    PaymentMeans,
    PrecedingInvoice,
    Price,
    Totals,
    VatBreakdown,
)
from formats.rendering import render_invoice

HERE = Path(__file__).resolve().parent
CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


SELLER = Party(
    name="Atelier Ferroviaire du Rhône SAS",
    trading_name="AFR Signalisation",
    identifiers=(Identifier("40123456200015", "0009"),),
    legal_registration=Identifier("401234562", "0002"),
    vat_id="FR46401234562",
    additional_legal_info="SAS au capital de 150 000 EUR, RCS Lyon 401 234 562",
    electronic_address=Identifier("401234562", "0225"),
    address=Address(line1="12 quai de la Gare", city="Lyon", post_code="69002", country_code="FR"),
    contact=Contact(name="Service facturation", telephone="+33 4 00 00 00 01", email="factures@afr.example"),
)
BUYER = Party(
    name="Transports Lumière SARL",
    identifiers=(Identifier("81234567600017", "0009"),),
    legal_registration=Identifier("812345676", "0002"),
    vat_id="FR19812345676",
    electronic_address=Identifier("812345676", "0225"),
    address=Address(line1="5 avenue des Frères Lumière", city="Villeurbanne", post_code="69100", country_code="FR"),
)
NOTES = (
    Note(subject_code="PMT", text="Indemnité forfaitaire pour frais de recouvrement en cas de retard : 40 EUR."),
    Note(subject_code="PMD", text="Pénalités de retard : trois fois le taux d'intérêt légal."),
    Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé."),
)
PAYMENT = (
    PaymentMeans(
        type_code="58",
        credit_transfer=CreditTransfer(account_id="FR7630006000011234567890189", service_provider_id="AGRIFRPPXXX"),
    ),
)


def _line(number: int, name: str, qty: str, price: str, rate: str, unit: str = "C62") -> InvoiceLine:
    net = _money(Decimal(qty) * Decimal(price))
    return InvoiceLine(
        id=str(number),
        quantity=Decimal(qty),
        unit_code=unit,
        net_amount=net,
        price=Price(net_price=Decimal(price)),
        vat_category="S",
        vat_rate=Decimal(rate),
        item=Item(name=name, seller_id=f"AFR-{number:03d}"),
    )


def _invoice(number: str, type_code: str, lines: tuple[InvoiceLine, ...], **extra: object) -> Invoice:
    allowance = AllowanceCharge(
        is_charge=False,
        amount=Decimal("25.00"),
        reason="Remise fidélité",
        reason_code="95",
        vat_category="S",
        vat_rate=Decimal("20.00"),
    )
    line_total = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    breakdown = []
    for rate in sorted({line.vat_rate for line in lines if line.vat_rate is not None}, reverse=True):
        base = sum((line.net_amount or Decimal(0) for line in lines if line.vat_rate == rate), Decimal("0.00"))
        if rate == allowance.vat_rate:
            base -= allowance.amount or Decimal(0)
        breakdown.append(
            VatBreakdown(taxable_amount=base, tax_amount=_money(base * rate / 100), category="S", rate=rate)
        )
    tax_total = sum((b.tax_amount or Decimal(0) for b in breakdown), Decimal("0.00"))
    net_total = line_total - (allowance.amount or Decimal(0))
    return Invoice(
        number=number,
        issue_date=date(2026, 11, 2),
        type_code=type_code,
        currency="EUR",
        due_date=date(2026, 12, 2),
        buyer_reference="SERVICE-ACHATS",
        purchase_order_reference="CMD-2026-0457",
        payment_terms="Paiement à 30 jours date de facture",
        notes=NOTES,
        business_process="S1",
        specification="urn:cen.eu:en16931:2017",
        seller=SELLER,
        buyer=BUYER,
        payment_means=PAYMENT,
        allowances_charges=(allowance,),
        totals=Totals(
            line_total=line_total,
            allowance_total=allowance.amount,
            tax_exclusive=net_total,
            tax_total=tax_total,
            tax_inclusive=net_total + tax_total,
            payable=net_total + tax_total,
        ),
        vat_breakdown=tuple(breakdown),
        lines=lines,
        **extra,  # type: ignore[arg-type]
    )


def build() -> dict[str, tuple[Invoice, str]]:
    """Return the samples by file name, with the syntax each is written in."""
    invoice = _invoice(
        "AFR-2026-0001",
        "380",
        (
            _line(1, "Relais de signalisation type R12", "4", "189.50", "20.00"),
            _line(2, "Câble blindé 12 paires (mètre)", "120", "3.15", "20.00", unit="MTR"),
            _line(3, "Manuel de maintenance (imprimé)", "2", "42.00", "5.50"),
        ),
    )
    credit = _invoice(
        "AFR-2026-0002",
        "381",
        (_line(1, "Relais de signalisation type R12 (retour)", "1", "189.50", "20.00"),),
        preceding_invoices=(PrecedingInvoice(reference="AFR-2026-0001", issue_date=date(2026, 11, 2)),),
    )
    return {
        "afr-invoice-ubl.xml": (invoice, "ubl"),
        "afr-invoice-cii.xml": (invoice, "cii"),
        "afr-creditnote-ubl.xml": (credit, "ubl"),
    }


def main() -> None:
    for name, (invoice, syntax) in build().items():
        result = render_invoice(invoice, syntax)
        (HERE / name).write_bytes(result.data)
        print(f"wrote {name} ({len(result.data)} bytes, {len(result.warnings)} warnings)")


if __name__ == "__main__":
    main()
