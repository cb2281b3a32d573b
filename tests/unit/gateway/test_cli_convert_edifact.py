"""``gateway convert --to edifact [--edifact-profile …]`` and ``--to edifact-eancom``, run for real."""

from __future__ import annotations

import subprocess
from pathlib import Path

from formats.edifact.eancom import default_profile
from formats.edifact.syntax import parse_interchange
from formats.reading import read_invoice
from tests.conftest import REPO

GATEWAY = REPO / ".venv/bin/gateway"


def _example(corpus_dir: Path) -> Path:
    return corpus_dir / "edifact" / "cen" / "EDIFACT_EXAMPLE1.edi"


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(GATEWAY), "convert", *args], capture_output=True)


def test_edifact_profile_chooses_the_binding(corpus_dir: Path) -> None:
    source = str(_example(corpus_dir))
    cen = _run(source, "--to", "edifact")
    eancom = _run(source, "--to", "edifact", "--edifact-profile", "eancom-d96a")
    by_name = _run(source, "--to", "edifact-eancom")
    assert cen.returncode == eancom.returncode == by_name.returncode == 0, (cen.stderr, eancom.stderr)
    assert parse_interchange(cen.stdout).messages[0].release == "14B"
    for run in (eancom, by_name):
        message = parse_interchange(run.stdout).messages[0]
        assert (message.release, message.association_code) == ("96A", default_profile().association_code)
    # EANCOM cannot carry BT-24: said on stderr, naming the term.
    assert b"[edifact-eancom.not-representable] BT-24" in eancom.stderr
    assert read_invoice(eancom.stdout).invoice.number == read_invoice(cen.stdout).invoice.number


def test_edifact_profile_file(corpus_dir: Path, tmp_path: Path) -> None:
    profile = tmp_path / "partner.yaml"
    profile.write_text("name: partner\ndue-date: '140'\n", encoding="utf-8")
    run = _run(str(_example(corpus_dir)), "--to", "edifact", "--edifact-profile", str(profile))
    assert run.returncode == 0, run.stderr
    dates = [s.element(0, 0) for s in parse_interchange(run.stdout).messages[0].segments if s.tag == "DTM"]
    assert "140" in dates and "13" not in dates
    profile.write_text("name: partner\ndue-date: 'soon'\n", encoding="utf-8")
    bad = _run(str(_example(corpus_dir)), "--to", "edifact", "--edifact-profile", str(profile))
    assert bad.returncode == 4 and f"{profile}:2: due-date".encode() in bad.stderr


def test_edifact_profile_refused_where_it_does_not_apply(corpus_dir: Path) -> None:
    source = str(_example(corpus_dir))
    wrong_target = _run(source, "--to", "ubl", "--edifact-profile", "cen")
    contradiction = _run(source, "--to", "edifact-eancom", "--edifact-profile", "cen")
    assert wrong_target.returncode == contradiction.returncode == 2
    assert wrong_target.stdout == contradiction.stdout == b""
