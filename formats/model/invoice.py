"""The invoice: EN 16931-1 semantic model, document level.

One dataclass per business group. The model knows no syntax and no storage:
readers (``formats.ubl``, ``formats.cii``) fill it and writers render it.
Amounts are :class:`~decimal.Decimal`, never floats, and keep the precision
they were given (``Decimal("10.00")`` stays ``10.00``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from formats.model._fast_init import fast_init
from formats.model.common import Identifier
from formats.model.extension import ExtensionElement
from formats.model.lines import AllowanceCharge, InvoiceLine, Period
from formats.model.parties import Delivery, Party, Payee, TaxRepresentative

__all__ = [
    "Attachment",
    "CreditTransfer",
    "Invoice",
    "Note",
    "PaymentCard",
    "PaymentMeans",
    "PrecedingInvoice",
    "Totals",
    "VatBreakdown",
    "CREDIT_NOTE_TYPE_CODES",
]

#: UNTDID 1001 codes that UBL carries in a ``CreditNote`` document (CEN rule BR-CL-01).
CREDIT_NOTE_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """BG-1 Invoice note."""

    text: str
    """BT-22 Invoice note."""
    subject_code: str | None = None
    """BT-21 Invoice note subject code (UNTDID 4451, e.g. ``AAI``, ``PMT``)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class PrecedingInvoice:
    """BG-3 Preceding invoice reference."""

    reference: str
    """BT-25 Preceding Invoice reference."""
    issue_date: date | None = None
    """BT-26 Preceding Invoice issue date."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class CreditTransfer:
    """BG-17 Credit transfer."""

    account_id: str | None = None
    """BT-84 Payment account identifier (IBAN or proprietary)."""
    account_name: str | None = None
    """BT-85 Payment account name."""
    service_provider_id: str | None = None
    """BT-86 Payment service provider identifier (BIC)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentCard:
    """BG-18 Payment card information."""

    primary_account_number: str
    """BT-87 Payment card primary account number (the last digits only)."""
    holder_name: str | None = None
    """BT-88 Payment card holder name."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMeans:
    """One payment means of BG-16 Payment instructions.

    EN 16931 has one BG-16 holding BT-81/BT-82 and repeatable BG-17; both syntaxes
    repeat the whole means element instead, so the model keeps one entry per
    means element.
    """

    type_code: str | None = None
    """BT-81 Payment means type code (UNTDID 4461)."""
    text: str | None = None
    """BT-82 Payment means text."""
    credit_transfer: CreditTransfer | None = None
    """BG-17 Credit transfer."""
    card: PaymentCard | None = None
    """BG-18 Payment card information."""
    debited_account: str | None = None
    """BT-91 Debited account identifier (BG-19 Direct debit)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """BG-22 Document totals."""

    line_total: Decimal | None = None
    """BT-106 Sum of Invoice line net amount."""
    allowance_total: Decimal | None = None
    """BT-107 Sum of allowances on document level."""
    charge_total: Decimal | None = None
    """BT-108 Sum of charges on document level."""
    tax_exclusive: Decimal | None = None
    """BT-109 Invoice total amount without VAT."""
    tax_total: Decimal | None = None
    """BT-110 Invoice total VAT amount (in the invoice currency)."""
    tax_total_accounting: Decimal | None = None
    """BT-111 Invoice total VAT amount in accounting currency (BT-6)."""
    tax_inclusive: Decimal | None = None
    """BT-112 Invoice total amount with VAT."""
    prepaid: Decimal | None = None
    """BT-113 Paid amount."""
    rounding: Decimal | None = None
    """BT-114 Rounding amount."""
    payable: Decimal | None = None
    """BT-115 Amount due for payment."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class VatBreakdown:
    """BG-23 VAT breakdown."""

    taxable_amount: Decimal | None = None
    """BT-116 VAT category taxable amount."""
    tax_amount: Decimal | None = None
    """BT-117 VAT category tax amount."""
    category: str | None = None
    """BT-118 VAT category code (UNCL 5305)."""
    rate: Decimal | None = None
    """BT-119 VAT category rate."""
    exemption_reason: str | None = None
    """BT-120 VAT exemption reason text."""
    exemption_reason_code: str | None = None
    """BT-121 VAT exemption reason code (VATEX)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """BG-24 Additional supporting document."""

    reference: str
    """BT-122 Supporting document reference."""
    description: str | None = None
    """BT-123 Supporting document description."""
    external_uri: str | None = None
    """BT-124 External document location."""
    content: bytes | None = None
    """BT-125 Attached document (decoded binary)."""
    mime_code: str | None = None
    """BT-125-1 Attached document Mime code."""
    filename: str | None = None
    """BT-125-2 Attached document Filename."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """An invoice or credit note, EN 16931-1 (BT-1 … BT-165, BG-1 … BG-32).

    Every field is optional so that incomplete input (MINIMUM profile, a broken
    partner file) can still be read and then reported by validation, which is
    where cardinality rules (BR-01 …) are enforced.
    """

    number: str | None = None
    """BT-1 Invoice number."""
    issue_date: date | None = None
    """BT-2 Invoice issue date."""
    type_code: str | None = None
    """BT-3 Invoice type code (UNTDID 1001: 380 invoice, 381 credit note …)."""
    currency: str | None = None
    """BT-5 Invoice currency code (ISO 4217)."""
    tax_currency: str | None = None
    """BT-6 VAT accounting currency code."""
    tax_point_date: date | None = None
    """BT-7 Value added tax point date."""
    tax_point_date_code: str | None = None
    """BT-8 Value added tax point date code (UNTDID 2005 / 2475)."""
    due_date: date | None = None
    """BT-9 Payment due date."""
    buyer_reference: str | None = None
    """BT-10 Buyer reference (Leitweg-ID, service code …)."""
    project_reference: str | None = None
    """BT-11 Project reference."""
    contract_reference: str | None = None
    """BT-12 Contract reference."""
    purchase_order_reference: str | None = None
    """BT-13 Purchase order reference."""
    sales_order_reference: str | None = None
    """BT-14 Sales order reference."""
    receiving_advice_reference: str | None = None
    """BT-15 Receiving advice reference."""
    despatch_advice_reference: str | None = None
    """BT-16 Despatch advice reference."""
    tender_reference: str | None = None
    """BT-17 Tender or lot reference."""
    invoiced_object: Identifier | None = None
    """BT-18 Invoiced object identifier (scheme BT-18-1)."""
    buyer_accounting_reference: str | None = None
    """BT-19 Buyer accounting reference."""
    payment_terms: str | None = None
    """BT-20 Payment terms."""
    notes: tuple[Note, ...] = ()
    """BG-1 Invoice notes."""
    business_process: str | None = None
    """BT-23 Business process type (France: billing framework B1 … M9)."""
    specification: str | None = None
    """BT-24 Specification identifier (CIUS / profile URN)."""
    preceding_invoices: tuple[PrecedingInvoice, ...] = ()
    """BG-3 Preceding invoice references."""
    seller: Party | None = None
    """BG-4 Seller."""
    buyer: Party | None = None
    """BG-7 Buyer."""
    payee: Payee | None = None
    """BG-10 Payee."""
    tax_representative: TaxRepresentative | None = None
    """BG-11 Seller tax representative party."""
    delivery: Delivery | None = None
    """BG-13 Delivery information."""
    invoicing_period: Period | None = None
    """BG-14 Invoicing period."""
    payment_means: tuple[PaymentMeans, ...] = ()
    """BG-16 Payment instructions: BT-81/82, BG-17, BG-18, BT-91 per means."""
    remittance_information: str | None = None
    """BT-83 Remittance information (BG-16)."""
    mandate_reference: str | None = None
    """BT-89 Mandate reference identifier (BG-19)."""
    creditor_reference: str | None = None
    """BT-90 Bank assigned creditor identifier (BG-19)."""
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    """BG-20 Document level allowances and BG-21 Document level charges, in source order."""
    totals: Totals | None = None
    """BG-22 Document totals."""
    vat_breakdown: tuple[VatBreakdown, ...] = ()
    """BG-23 VAT breakdown."""
    attachments: tuple[Attachment, ...] = ()
    """BG-24 Additional supporting documents."""
    lines: tuple[InvoiceLine, ...] = ()
    """BG-25 Invoice lines."""
    extensions: tuple[ExtensionElement, ...] = ()
    """Source elements outside EN 16931 (Factur-X EXTENDED, EXTENDED-CTC-FR …)."""

    @property
    def is_credit_note(self) -> bool:
        """True when BT-3 is a credit-note type code (UBL ``CreditNote`` document)."""
        return self.type_code in CREDIT_NOTE_TYPE_CODES

    @property
    def allowances(self) -> tuple[AllowanceCharge, ...]:
        """BG-20 Document level allowances."""
        return tuple(ac for ac in self.allowances_charges if not ac.is_charge)

    @property
    def charges(self) -> tuple[AllowanceCharge, ...]:
        """BG-21 Document level charges."""
        return tuple(ac for ac in self.allowances_charges if ac.is_charge)
