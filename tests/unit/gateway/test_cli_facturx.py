"""``gateway convert --to facturx`` and ``gateway pdf embed``, run for real."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from formats.pdf import extract_invoice_xml
from formats.pdf.visual import render_invoice_pdf
from formats.reading import read_invoice
from formats.xml_safety import DEFAULT_MAX_BYTES
from gateway.cli.pdf_embed import embed
from tests.conftest import CORPUS, REPO

GATEWAY = REPO / ".venv/bin/gateway"
XML = CORPUS / "cii/zugferd-xml-rechnung/EN16931_Einfach.cii.xml"
UBL = CORPUS / "ubl/peppol"


def test_convert_to_facturx(tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    run = subprocess.run([GATEWAY, "convert", str(XML), "--to", "facturx", "-o", str(out)], capture_output=True)
    assert run.returncode == 0, run.stderr
    found = extract_invoice_xml(out.read_bytes())
    assert found.filename == "factur-x.xml" and found.xmp_conformance_level == "EN 16931"
    assert read_invoice(out.read_bytes()).invoice == read_invoice(XML.read_bytes()).invoice


def test_convert_pdf_to_facturx_reuses_its_visual(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    subprocess.run([GATEWAY, "convert", str(XML), "--to", "facturx", "-o", str(first)], check=True)
    run = subprocess.run([GATEWAY, "convert", str(first), "--to", "facturx", "-o", str(second)], capture_output=True)
    assert run.returncode == 0, run.stderr
    assert [a.name for a in extract_invoice_xml(second.read_bytes()).attachments] == ["factur-x.xml"]


def test_convert_to_facturx_on_stdout_pipe() -> None:
    run = subprocess.run([GATEWAY, "convert", str(XML), "--to", "facturx"], capture_output=True)
    assert run.returncode == 0 and run.stdout.startswith(b"%PDF-")


def test_pdf_embed_command(tmp_path: Path) -> None:
    visual = tmp_path / "visual.pdf"
    visual.write_bytes(render_invoice_pdf(read_invoice(XML.read_bytes()).invoice))
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        embed,
        [str(XML), str(visual), "-o", str(out), "--relationship", "Source"],
        obj={"verbose": False, "max_size": DEFAULT_MAX_BYTES},
    )
    assert result.exit_code == 0, result.output
    found = extract_invoice_xml(out.read_bytes())
    assert found.xml == XML.read_bytes() and found.relationship == "Source"
