"""Deposits of UBL, CII and Factur-X files, flow processing with real XSD checks, invoice search."""

from __future__ import annotations

import pytest

from chorus import ChorusApiError, ChorusClient, FlowState, SyntaxeFlux
from chorus.simulator import RunningSimulator

from .conftest import SAMPLES, integrate, render, sample_invoice, variant


@pytest.mark.parametrize(
    ("target", "syntax", "name"),
    [
        ("ubl", SyntaxeFlux.UBL_INVOICE, "AFR-2026-0001.xml"),
        ("cii", SyntaxeFlux.CII_16B, "AFR-2026-0001.cii.xml"),
        ("facturx", SyntaxeFlux.CII_FACTURX, "AFR-2026-0001.pdf"),
    ],
)
def test_each_format_is_integrated(supplier: ChorusClient, target: str, syntax: SyntaxeFlux, name: str) -> None:
    flow, seen = integrate(supplier, render(sample_invoice(), target), syntax, name)
    assert flow.startswith("CPP") and len(flow) == 25 and flow[3:].isdigit()
    assert seen == ["IN_RECU", "IN_EN_COURS_TRAITEMENT_CPP", "IN_INTEGRE"]
    report = supplier.flow_report(flow)
    assert (report.file_name, report.interface_code, report.describe_errors()) == (name, syntax.value, "")
    [invoice] = supplier.search_supplier_invoices(flow_number=flow)
    assert (invoice.number, invoice.status, invoice.recipient_code) == (
        "AFR-2026-0001",
        "MISE_A_DISPOSITION",
        "81234567600017",
    )
    assert invoice.service_code == "SERVICE-ACHATS"


def test_the_repository_samples_are_integrated(supplier: ChorusClient) -> None:
    _, seen = integrate(supplier, (SAMPLES / "afr-invoice-ubl.xml").read_bytes(), SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == FlowState.INTEGRE
    _, seen = integrate(supplier, (SAMPLES / "afr-invoice-cii.xml").read_bytes(), SyntaxeFlux.CII_16B)
    assert seen[-1] == FlowState.REJETE  # same invoice number: a duplicate of the UBL one
    flow = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
    assert len(flow) == 1


def test_a_schema_invalid_file_is_rejected_with_xsd_errors(supplier: ChorusClient) -> None:
    broken = (
        (SAMPLES / "afr-invoice-ubl.xml")
        .read_bytes()
        .replace(b"<cbc:IssueDate>2026-11-02", b"<cbc:IssueDate>02/11/2026")
    )
    flow, seen = integrate(supplier, broken, SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == "IN_REJETE"
    report = supplier.flow_report(flow)
    assert report.technical_errors, report
    first = report.technical_errors[0]
    assert first.code == "ERR_XSD_001"
    assert first.label.startswith("IRRECEVABILITE:")
    assert "IssueDate" in first.label
    assert supplier.search_supplier_invoices(flow_number=flow) == []


def test_a_file_of_another_syntax_is_rejected(supplier: ChorusClient) -> None:
    flow, seen = integrate(supplier, (SAMPLES / "afr-invoice-cii.xml").read_bytes(), SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == "IN_REJETE"
    assert "UBL" in supplier.flow_report(flow).technical_errors[0].label


def test_an_xml_file_declared_as_facturx_is_rejected(supplier: ChorusClient) -> None:
    flow, seen = integrate(supplier, (SAMPLES / "afr-invoice-cii.xml").read_bytes(), SyntaxeFlux.CII_FACTURX)
    assert seen[-1] == "IN_REJETE"
    assert supplier.flow_report(flow).technical_errors[0].code == "ERR_FORMAT_001"


def test_a_missing_service_code_is_rejected_by_the_platform_too(supplier: ChorusClient) -> None:
    flow, seen = integrate(supplier, render(variant(buyer_reference=None)), SyntaxeFlux.UBL_INVOICE)
    assert seen[-1] == "IN_REJETE"
    [error] = supplier.flow_report(flow).invoice_errors
    assert error.invoice_number == "AFR-2026-0001"
    assert "code service" in error.label


def test_an_admin_hook_finishes_a_flow(sim: RunningSimulator, supplier: ChorusClient) -> None:
    deposit = supplier.deposit_flow(render(sample_invoice()), "f.xml", SyntaxeFlux.UBL_INVOICE)
    sim.state.finish_flow(deposit.flow_number)
    assert supplier.flow_report(deposit.flow_number).state == "IN_INTEGRE"


def test_a_long_file_name_is_refused_before_sending(supplier: ChorusClient) -> None:
    with pytest.raises(ChorusApiError, match="at most 200"):
        supplier.deposit_flow(b"<x/>", "x" * 201 + ".xml", SyntaxeFlux.UBL_INVOICE)
