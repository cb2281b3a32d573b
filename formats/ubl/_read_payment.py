"""Read UBL payment instructions: ``cac:PaymentMeans`` (BG-16 … BG-19).

UBL repeats the whole means element per account; the model keeps one
:class:`~formats.model.PaymentMeans` per element. BT-83 (``cbc:PaymentID``) and
BT-89 (``PaymentMandate/cbc:ID``) are document-level terms that UBL repeats on
every means: the first value wins, a different one is reported.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from formats.model import CreditTransfer, PaymentCard, PaymentMeans
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl._read_common import ReadContext, read_date, single

__all__ = ["PaymentReader"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_payment_means = builder(PaymentMeans)
_new_credit_transfer = builder(CreditTransfer)


class PaymentReader:
    """Read the payment means of one document, collecting the document-level terms."""

    __slots__ = ("ctx", "due_date", "mandate", "remittance")

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.remittance: str | None = None
        """BT-83, the first ``cbc:PaymentID``."""
        self.mandate: str | None = None
        """BT-89, the first ``PaymentMandate/cbc:ID``."""
        self.due_date: date | None = None
        """BT-9 of a CreditNote: the first ``cbc:PaymentDueDate``."""

    def read(self, element: etree._Element) -> PaymentMeans:
        """Read one ``cac:PaymentMeans``; BT-83 and BT-89 are document-level, first value wins."""
        ctx = self.ctx
        type_code: str | None = None
        text: str | None = None
        seen_code = False
        credit_transfer: CreditTransfer | None = None
        card: PaymentCard | None = None
        debited_account: str | None = None
        seen_mandate = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_PAYMENT_MEANS_CODE and not seen_code:
                seen_code = True
                type_code = child.text or ""
                text = child.get("name")
            elif tag == t.CBC_PAYMENT_ID:
                value = child.text or ""
                if self.remittance is None:
                    self.remittance = value
                elif value != self.remittance:
                    ctx.warn(
                        "ubl.differing-remittance-information",
                        "BT-83",
                        f"payment means carry different cbc:PaymentID values: kept {self.remittance!r}, "
                        f"dropped {value!r}",
                    )
            elif tag == t.CBC_PAYMENT_DUE_DATE and ctx.credit_note and self.due_date is None:
                self.due_date = read_date(child)
            elif tag == t.CAC_PAYEE_FINANCIAL_ACCOUNT and credit_transfer is None:
                credit_transfer = self._financial_account(child)
            elif tag == t.CAC_CARD_ACCOUNT and card is None:
                card = self._card(child)
            elif tag == t.CAC_PAYMENT_MANDATE and not seen_mandate:
                seen_mandate = True
                debited_account = self._mandate(child)
            else:
                ctx.leftover(child)
        return _new_payment_means(
            type_code=type_code,
            text=text,
            credit_transfer=credit_transfer,
            card=card,
            debited_account=debited_account,
        )

    def _financial_account(self, element: etree._Element) -> CreditTransfer:
        account_id: str | None = None
        account_name: str | None = None
        provider: str | None = None
        seen_branch = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_ID and account_id is None:
                account_id = child.text or ""
            elif tag == t.CBC_NAME and account_name is None:
                account_name = child.text or ""
            elif tag == t.CAC_FINANCIAL_INSTITUTION_BRANCH and not seen_branch:
                seen_branch = True
                branch = single(self.ctx, child, t.CBC_ID)
                provider = None if branch is None else branch.text or ""
            else:
                self.ctx.leftover(child)
        return _new_credit_transfer(account_id=account_id, account_name=account_name, service_provider_id=provider)

    def _card(self, element: etree._Element) -> PaymentCard:
        """Read BG-18; ``cbc:NetworkID`` (mandatory in UBL, no business term) is kept as an extension."""
        number: str | None = None
        holder: str | None = None
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_PRIMARY_ACCOUNT_NUMBER_ID and number is None:
                number = child.text or ""
            elif tag == t.CBC_HOLDER_NAME and holder is None:
                holder = child.text or ""
            else:
                self.ctx.leftover(child)
        return PaymentCard(primary_account_number=number or "", holder_name=holder)

    def _mandate(self, element: etree._Element) -> str | None:
        """Read ``cac:PaymentMandate``: BT-89 onto the document, return BT-91 of this means."""
        ctx = self.ctx
        debited: str | None = None
        seen_id = seen_account = False
        for child in element[:]:
            tag = child.tag
            if tag == t.CBC_ID and not seen_id:
                seen_id = True
                value = child.text or ""
                if self.mandate is None:
                    self.mandate = value
                elif value != self.mandate:
                    ctx.warn(
                        "ubl.differing-mandate-reference",
                        "BT-89",
                        f"payment mandates carry different cbc:ID values: kept {self.mandate!r}, dropped {value!r}",
                    )
            elif tag == t.CAC_PAYER_FINANCIAL_ACCOUNT and not seen_account:
                seen_account = True
                account = single(ctx, child, t.CBC_ID)
                debited = None if account is None else account.text or ""
            else:
                ctx.leftover(child)
        return debited
