"""``gateway validate`` with all layers: --layers, --format json/svrl, --corpus, exit codes.

Runs the installed ``gateway`` console script. Most runs use ``--workers 0``
(in-process) to stay quick; the --corpus run uses the default pool of workers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from lxml import etree

GATEWAY = str(Path(sys.executable).parent / "gateway")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

VALID_UBL = "ubl/cen/ubl-tc434-example1.xml"
VALID_CII = "cii/cen/CII_example1.xml"
PEPPOL_FAIL = "ubl/cen/issue116.xml"  # passes XSD and CEN, fails PEPPOL-COMMON-R049


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GATEWAY, "validate", *args], capture_output=True, text=True, timeout=180, check=False)


def test_layers_override_and_json_contract(corpus_dir: Path) -> None:
    peppol = str(corpus_dir / PEPPOL_FAIL)
    automatic = _run("--workers", "0", "--format", "json", peppol, str(corpus_dir / VALID_UBL))
    assert automatic.returncode == 1, automatic.stderr
    first, second = (json.loads(line) for line in automatic.stdout.splitlines())
    assert list(first) == ["file", "syntax", "profile", "valid", "findings"]
    assert first["file"] == peppol and first["valid"] is False
    assert all(list(finding) == ["rule", "flag", "layer", "location", "message"] for finding in first["findings"])
    fatal = {(f["rule"], f["layer"]) for f in first["findings"] if f["flag"] == "fatal"}
    assert fatal == {("PEPPOL-COMMON-R049", "peppol")}
    assert second["valid"] is True
    chosen = _run("--workers", "0", "--layers", "xsd,cen", peppol)
    assert chosen.returncode == 0, chosen.stdout
    assert chosen.stdout.startswith(f"{peppol}: valid (ubl-invoice, profile peppol-bis-3; layers: xsd, cen)")
    unknown = _run("--layers", "xsd,nope", peppol)
    assert unknown.returncode == 2
    assert "nope" in unknown.stderr and "br-fr" in unknown.stderr


def test_svrl_one_document_per_file_wrapped_when_several(corpus_dir: Path) -> None:
    peppol = str(corpus_dir / PEPPOL_FAIL)
    single = _run("--workers", "0", "--format", "svrl", "--french", peppol)
    assert single.returncode == 1
    root = etree.fromstring(single.stdout.encode())
    assert root.tag == f"{SVRL}schematron-output" and root.get("title") == peppol
    ids = [failed.get("id") for failed in root.iter(f"{SVRL}failed-assert")]
    assert "PEPPOL-COMMON-R049" in ids and any(rule.startswith("BR-FR-") for rule in ids)
    for failed in root.iter(f"{SVRL}failed-assert"):
        assert failed.get("flag") in ("fatal", "warning", "information")
        assert failed.findtext(f"{SVRL}text")
    assert [p.get("id") for p in root.iter(f"{SVRL}active-pattern")] == ["xsd", "native", "cen", "peppol", "br-fr"]
    several = _run("--workers", "0", "--format", "svrl", "--layers", "xsd", peppol, str(corpus_dir / VALID_UBL))
    assert several.returncode == 0, several.stdout
    outputs = etree.fromstring(several.stdout.encode()).findall(f"{SVRL}schematron-output")
    assert [o.get("title") for o in outputs] == [peppol, str(corpus_dir / VALID_UBL)]
    assert not any(o.find(f"{SVRL}failed-assert") is not None for o in outputs)


def test_corpus_summary_with_worker_pool(corpus_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    for name, target in [
        (VALID_UBL, "good/a.xml"),
        (VALID_CII, "good/deep/b.xml"),
        (PEPPOL_FAIL, "bad/c.xml"),
        ("invalid/cen-cii/BR-CO-15__BR-CO-15-2__t2.xml", "bad/d.xml"),
    ]:
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / name, folder / target)
    (folder / "bad" / "e.xml").write_bytes(b"")  # unreadable: invalid, not a crash
    (folder / "bad" / "ignored.txt").write_text("not xml")
    result = _run("--corpus", str(folder))
    assert result.returncode == 1, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert rows["good"][1:5] == ["2", "2", "0", "0"]
    assert rows["bad"][1:5] == ["3", "0", "3", "0"]
    assert rows["total"][1:5] == ["5", "2", "3", "0"]
    assert rows["good"][5:] == ["-"]
    assert re.fullmatch(r"(\S+ \(\d\),? ?){3}", " ".join(rows["bad"][5:]))  # top three fatal rules, counted
    shutil.rmtree(folder / "bad")
    clean = _run("--corpus", str(folder), "--workers", "0")
    assert clean.returncode == 0, clean.stdout


def test_usage_errors() -> None:
    assert _run().returncode == 2
    assert _run("--corpus", "/", "x.xml").returncode == 2
