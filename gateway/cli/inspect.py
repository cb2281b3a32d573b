"""``gateway inspect``: a readable summary of an invoice, or the full model as JSON."""

from __future__ import annotations

import json

import click

from formats.detection import describe
from formats.model import Invoice, Party
from formats.model.json_codec import invoice_to_dict
from formats.reading import read_invoice
from gateway.cli.errors import exception_manager
from gateway.local_files import read_input

__all__ = ["inspect_command", "summarise"]


@click.command(name="inspect")
@click.argument("input_file", metavar="INPUT")
@click.option("--json", "as_json", is_flag=True, help="Print the full canonical model as JSON.")
@click.pass_obj
def inspect_command(obj: dict[str, object], input_file: str, as_json: bool) -> None:
    """Show what INPUT contains, read into the EN 16931 model."""
    with exception_manager(bool(obj["verbose"])):
        read = read_invoice(read_input(input_file, int(str(obj["max_size"]))), source=input_file)
        if as_json:
            payload = {
                "format": describe(read.detected) if read.detected else None,
                "invoice": invoice_to_dict(read.invoice),
                "warnings": [{"code": w.code, "term": w.term, "message": w.message} for w in read.warnings],
            }
            click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        header = describe(read.detected) if read.detected else "invoice"
        click.echo(f"{input_file}: {header}")
        click.echo(summarise(read.invoice))
        for warning in read.warnings:
            click.echo(f"warning: [{warning.code}] {warning.term}: {warning.message}")


def _party(label: str, party: Party | None) -> list[str]:
    if party is None:
        return [f"  {label:<14} -"]
    ids = [f"{i.value} ({i.scheme})" if i.scheme else i.value for i in party.identifiers]
    if party.legal_registration:
        reg = party.legal_registration
        ids.append(f"reg. {reg.value}" + (f" ({reg.scheme})" if reg.scheme else ""))
    if party.vat_id:
        ids.append(f"VAT {party.vat_id}")
    where = party.address.country_code if party.address and party.address.country_code else ""
    line = f"  {label:<14} {party.name or '?'}" + (f" [{where}]" if where else "")
    rows = [line]
    if ids:
        rows.append(f"  {'':<14} {', '.join(ids)}")
    if party.electronic_address:
        ea = party.electronic_address
        rows.append(f"  {'':<14} e-address {ea.value}" + (f" ({ea.scheme})" if ea.scheme else ""))
    return rows


def summarise(invoice: Invoice) -> str:
    """Return a multi-line human summary of an invoice."""
    kind = "credit note" if invoice.is_credit_note else "invoice"
    rows = [
        f"  {'Number':<14} {invoice.number or '?'}  ({kind}, type {invoice.type_code or '?'})",
        f"  {'Issued':<14} {invoice.issue_date or '?'}" + (f", due {invoice.due_date}" if invoice.due_date else ""),
        f"  {'Specification':<14} {invoice.specification or '-'}",
    ]
    rows += _party("Seller", invoice.seller)
    rows += _party("Buyer", invoice.buyer)
    totals = invoice.totals
    currency = invoice.currency or ""
    if totals is not None:
        rows.append(
            f"  {'Totals':<14} net {totals.tax_exclusive} + VAT {totals.tax_total} = {totals.tax_inclusive} {currency}"
            f"; due {totals.payable} {currency}"
        )
    for vat in invoice.vat_breakdown:
        rows.append(f"  {'VAT':<14} {vat.category} {vat.rate}% on {vat.taxable_amount} = {vat.tax_amount}")
    rows.append(f"  {'Lines':<14} {len(invoice.lines)}")
    for line in invoice.lines:
        name = line.item.name if line.item and line.item.name else "?"
        rows.append(
            f"    {line.id or '?':>4}  {line.quantity} {line.unit_code or ''}  {name[:50]:<50}  {line.net_amount}"
        )
    if invoice.extensions:
        rows.append(f"  {'Extensions':<14} {len(invoice.extensions)} element(s) outside EN 16931 kept")
    return "\n".join(rows)
