"""The command line on bad input: one line on stderr, a non-zero exit, no traceback, no hang.

Runs the installed ``gateway`` console script as a user would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GATEWAY = str(Path(sys.executable).parent / "gateway")

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>"""

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" if i > 1 else "&lol;" for _ in range(10))}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)

NOT_AN_INVOICE = b'<?xml version="1.0"?><catalog xmlns="urn:example:catalog"><book/></catalog>'
WRONG_NAMESPACE = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-3"/>'


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GATEWAY, *args], capture_output=True, text=True, timeout=timeout, check=False)


def _assert_one_line_failure(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("gateway: error:")
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.xml", b"", "empty"),
        ("truncated.xml", b'<?xml version="1.0"?><Invoice xmlns="urn:x"><cbc:ID>1', "not well-formed"),
        ("xxe.xml", XXE, "DTD"),
        ("laughs.xml", LAUGHS, "DTD"),
        ("catalog.xml", NOT_AN_INVOICE, "not an invoice"),
        ("wrong-ns.xml", WRONG_NAMESPACE, "not an invoice"),
        ("binary.bin", bytes(range(256)) * 4, "unknown document format"),
    ],
)
@pytest.mark.parametrize("command", ["convert", "inspect"])
def test_bad_input_gets_one_line_and_exit_3(
    tmp_path: Path, name: str, content: bytes, needle: str, command: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    args = [command, str(path)] + (["--to", "ubl"] if command == "convert" else [])
    _assert_one_line_failure(_run(*args), 3, needle, name)


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(200 * 1024 * 1024)
    _assert_one_line_failure(_run("convert", str(big), "--to", "cii", timeout=20), 3, "over the", "limit")


def test_missing_file_exits_5(tmp_path: Path) -> None:
    _assert_one_line_failure(_run("inspect", str(tmp_path / "nope.xml")), 5, "nope.xml")


def test_zugferd_1_is_refused_with_a_clear_message(corpus_dir: Path) -> None:
    legacy = corpus_dir / "cii/zugferd-1.0-legacy/zugferd-basic.xml"
    _assert_one_line_failure(_run("convert", str(legacy), "--to", "ubl"), 3, "ZUGFeRD 1.0", "format.legacy")


def test_validate_reports_unreadable_files_as_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_bytes(XXE)
    result = _run("validate", "--format", "json", str(path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["findings"][0]["rule"] == "format.unsafe-xml"
    assert set(report) == {"file", "syntax", "profile", "valid", "findings"}
