"""`gateway partners check` reports AS2 certificates that expired and warns before they do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from gateway.cli.main import cli
from tests.pki import make_ca
from tests.support.as2_pki import issue_as2, write_party

PROFILE = """\
name: Alice AS2
identifiers: {{siren: "123456782"}}
channels:
  - type: as2
    url: https://as2.alice.example/as2
    as2-from: bob
    as2-to: alice
    key-file: {key}
    certificate-file: {cert}
    partner-certificate-file: {partner}
"""


def _check(tmp_path: Path, partner_not_after: dt.datetime) -> tuple[int, str]:
    now = dt.datetime.now(dt.UTC)
    ca = make_ca("Partner check CA")
    bob = write_party(issue_as2(ca, "bob"), tmp_path / "keys", "bob")
    alice = write_party(
        issue_as2(ca, "alice", not_before=now - dt.timedelta(days=400), not_after=partner_not_after),
        tmp_path / "keys",
        "alice",
    )
    partners = tmp_path / "partners"
    partners.mkdir()
    (partners / "alice.yaml").write_text(
        PROFILE.format(key=bob.key, cert=bob.cert, partner=alice.cert), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["partners", "check", str(partners)])
    return result.exit_code, result.output


def test_an_expired_partner_certificate_is_a_problem(tmp_path: Path) -> None:
    code, output = _check(tmp_path, dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    assert code == 4, output
    assert "partner certificate" in output and "is expired" in output and "channels[0]" in output


def test_a_certificate_about_to_expire_is_a_warning(tmp_path: Path) -> None:
    code, output = _check(tmp_path, dt.datetime.now(dt.UTC) + dt.timedelta(days=10))
    assert code == 0, output
    assert "warning:" in output and "is expiring" in output


def test_valid_certificates_say_nothing(tmp_path: Path) -> None:
    code, output = _check(tmp_path, dt.datetime.now(dt.UTC) + dt.timedelta(days=300))
    assert code == 0, output
    assert "warning" not in output
