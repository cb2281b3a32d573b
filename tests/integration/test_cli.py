"""The command line on good input: convert, validate, inspect, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from formats.reading import read_invoice

GATEWAY = str(Path(sys.executable).parent / "gateway")


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GATEWAY, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd)


def test_convert_writes_the_other_syntax_and_validate_accepts_it(corpus_dir: Path, tmp_path: Path) -> None:
    source = corpus_dir / "ubl/cen/ubl-tc434-example1.xml"
    output = tmp_path / "out" / "example1.cii.xml"
    result = _run("convert", str(source), "--to", "cii", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert read_invoice(output.read_bytes()).invoice == read_invoice(source.read_bytes()).invoice
    checked = _run("validate", "--format", "json", str(output))
    assert checked.returncode == 0, checked.stdout
    report = json.loads(checked.stdout)
    assert report["syntax"] == "cii" and report["valid"] is True
    # All layers run now; the Factur-X rules may warn (not reject), e.g. on an empty element.
    assert [f for f in report["findings"] if f["flag"] == "fatal"] == []


def test_convert_to_stdout(corpus_dir: Path) -> None:
    result = _run("convert", str(corpus_dir / "cii/cen/CII_example1.xml"), "--to", "ubl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<?xml")
    assert "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in result.stdout


def test_strict_refuses_a_lossy_conversion(corpus_dir: Path, tmp_path: Path) -> None:
    # The French EXTENDED-CTC-FR sample carries elements outside EN 16931.
    source = corpus_dir / "ubl/fr-ctc/ubl-21-extended-ctc-fr.xml"
    output = tmp_path / "out.xml"
    result = _run("convert", str(source), "--to", "cii", "--strict", "-o", str(output))
    assert result.returncode == 3
    assert "warning:" in result.stderr and "--strict" in result.stderr
    assert not output.exists()


def test_validate_text_names_rule_layer_and_location(corpus_dir: Path) -> None:
    bad = corpus_dir / "invalid/mutated/cii-fx__XSD-element-order.xml"
    good = corpus_dir / "cii/cen/CII_example1.xml"
    result = _run("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{good}: valid")
    assert any(line.startswith(f"{bad}: INVALID") for line in lines)
    assert any("XSD" in line and "[xsd]" in line and "SellerTradeParty" in line for line in lines)


def test_inspect_summary_and_json(corpus_dir: Path) -> None:
    source = corpus_dir / "ubl/fr-ctc/ubl-21-en16931.xml"
    summary = _run("inspect", str(source))
    assert summary.returncode == 0, summary.stderr
    assert "F124212" in summary.stdout and "Au bon moulin" in summary.stdout
    full = _run("inspect", "--json", str(source))
    data = json.loads(full.stdout)
    assert data["invoice"]["number"] == "F124212"
    assert data["invoice"]["seller"]["legal_registration"] == {"value": "999999998", "scheme": "0002"}
    assert isinstance(data["invoice"]["totals"]["payable"], str)  # amounts never become floats


def test_help_lists_commands_and_exit_codes() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for word in ("convert", "validate", "inspect", "demo", "Exit status"):
        assert word in result.stdout


def test_demo_formats_converts_and_validates_the_samples(tmp_path: Path) -> None:
    result = _run("demo", "--formats", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "samples converted, valid and identical" in result.stdout
    assert len(list((tmp_path / "demo").glob("*.xml"))) >= 3


def test_demo_runs_the_gateway_end_to_end(tmp_path: Path) -> None:
    result = _run("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5/5 invoices received, validated, converted, delivered, acknowledged or paid" in result.stdout
    assert result.stdout.count("status acknowledged") == 4 and result.stdout.count("status paid") == 1
    for event in ("received", "validated", "rendered", "sent", "chorus-status: MISE_EN_PAIEMENT", "sftp-ack-file"):
        assert event in result.stdout
    delivered = list((tmp_path / "demo" / "gateway" / "sftp-partner").rglob("*.ubl.xml"))
    assert len(delivered) == 4  # the partner's mailbox holds what the timelines say was sent
    assert all(read_invoice(path.read_bytes()).invoice.seller is not None for path in delivered)


def test_pdf_extract_and_convert_from_pdf(corpus_dir: Path, tmp_path: Path) -> None:
    source = corpus_dir / "facturx-pdf/akretion/invoice_EN16931.pdf"
    out = tmp_path / "factur-x.xml"
    result = _run("pdf", "extract", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "factur-x.xml (AFRelationship Source)" in result.stderr and "XMP level EN 16931" in result.stderr
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    converted = _run("convert", str(source), "--to", "ubl")
    assert converted.returncode == 0, converted.stderr
    assert read_invoice(converted.stdout.encode()).invoice.number == read_invoice(out.read_bytes()).invoice.number


def test_pdf_without_invoice_is_refused_in_one_line(corpus_dir: Path) -> None:
    result = _run("pdf", "extract", str(corpus_dir / "plain-pdf/stripped-facturx/EN16931_Einfach.stripped.pdf"))
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "no embedded invoice XML" in result.stderr
