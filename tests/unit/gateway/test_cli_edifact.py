"""``gateway edifact check``: report, CONTRL and exit codes, run on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from formats.xml_safety import DEFAULT_MAX_BYTES
from gateway.cli.edifact import edifact

OBJ = {"verbose": False, "max_size": DEFAULT_MAX_BYTES}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(edifact, ["check", *args], obj=OBJ)
    return result.exit_code, result.output


def test_envelope_error_is_reported_with_code_and_position(corpus_dir: Path) -> None:
    code, output = _run(str(corpus_dir / "edifact/cen/EDIFACT_EXAMPLE0.edi"), "--contrl")
    assert code == 1
    assert "fatal      29  msg 1 UNT@37 e1" in output and "UNT count 171 != actual 37" in output
    assert "UCM+1+INVOIC:D:14B:UN::16B+4+29+UNT+1'" in output


def test_clean_file_exits_0(corpus_dir: Path) -> None:
    code, output = _run(str(corpus_dir / "edifact/pydifact/invoice1.edi"))
    assert code == 0 and "ok (UNOA syntax 1, interchange PAYO0012101221, 1 message(s)" in output


def test_tolerated_only(tmp_path: Path) -> None:
    path = tmp_path / "lower.edi"
    path.write_bytes(b"UNB+UNOA:3+S+R+260115:1200+1'UNH+1+APERAK:D:96A:UN'FTX+AAI+++ok'UNT+3+1'UNZ+1+1'")
    assert _run(str(path))[0] == 0
    code, output = _run(str(path), "--strict")
    assert code == 1 and "tolerated  37" in output


def test_json_report(corpus_dir: Path) -> None:
    code, output = _run(str(corpus_dir / "edifact/cen/EDIFACT_EXAMPLE1.edi"), "--format", "json", "--contrl")
    report = json.loads(output)
    assert code == 1 and report["readable"] and not report["valid"]
    assert report["findings"] == [
        {
            "code": "28",
            "fatal": True,
            "segment_tag": "UNZ",
            "segment_position": 173,
            "element_position": 2,
            "component_position": None,
            "message_reference": None,
            "message": "UNB 0020 87846595 != UNZ 0020 12115118",
        }
    ]
    assert "UCI+87846595+4000001000005:14+4000001000005:14+4+28+UNZ+2'" in report["contrl"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"UNB+UNOC:3+S+R+260115:1200+1'UNH+1+INVOIC:D:96A:UN'", "no UNZ segment"),
        (b"UNB+UNOQ:3+S+R+260115:1200+1'UNZ+0+1'", "unknown character set"),
        (b"%PDF-1.7", "not an EDIFACT interchange"),
    ],
)
def test_unreadable_file_exits_3_with_one_line_and_a_reject(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.edi"
    path.write_bytes(content)
    code, output = _run(str(path), "--contrl")
    assert code == 3
    assert reason in output.splitlines()[0] and "Traceback" not in output
    assert "+4+" in output.split("CONTRL:", 1)[1]


def test_missing_file_is_an_io_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(edifact, ["check", str(tmp_path / "nope.edi")], obj=OBJ)
    assert result.exit_code == 5
