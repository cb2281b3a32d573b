"""Partner profiles: schema errors with file, line and key; channel checks; identifier index; reload."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from gateway.cli.main import cli
from gateway.partners import PartnerDirectory, load_partner_text
from gateway.partners.book import PartnerBook

GOOD = """\
name: ACME Retail
identifiers:
  siret: "73282932000074"
  gln: "3012345678901"
  e-address: "0225:732829320_ACME"
receives:
  formats: [cii, ubl]
channels:
  - type: folder
    path: {out}
"""


def test_a_valid_profile_loads_with_defaults(tmp_path: Path) -> None:
    report = load_partner_text(GOOD.format(out=tmp_path), tmp_path / "acme.yaml")
    assert report.ok, report.problems
    partner = report.partner
    assert partner is not None
    assert partner.id == "acme" and partner.receives == ("cii", "ubl")
    assert partner.channels[0].name == "folder" and partner.retry.max_attempts == 8
    keys = dict(partner.identifiers.index_keys())
    assert keys["siret"] == "73282932000074" and keys["eas:0225"] == "732829320_acme"


def test_schema_errors_name_file_line_and_key(tmp_path: Path) -> None:
    text = (
        GOOD.format(out=tmp_path)
        .replace("formats: [cii, ubl]", "formats: [cii, xml]")
        .replace('gln: "3012345678901"', 'gln: "30123"')
    )
    report = load_partner_text(text + "colour: blue\n", tmp_path / "acme.yaml")
    assert not report.ok
    joined = "\n".join(report.problems)
    assert f"{tmp_path / 'acme.yaml'}:4: identifiers.gln" in joined
    assert "receives.formats[1]" in joined and ":7:" in joined
    assert "colour" in joined


def test_channel_keys_are_checked_by_the_channel(tmp_path: Path) -> None:
    text = GOOD.format(out=tmp_path).replace(f"    path: {tmp_path}\n", f"    path: {tmp_path}\n    colour: blue\n")
    report = load_partner_text(text, tmp_path / "acme.yaml")
    assert not report.ok
    assert any("channels[0]" in p and "colour" in p for p in report.problems), report.problems


def test_an_inline_secret_is_refused(tmp_path: Path) -> None:
    text = GOOD.format(out=tmp_path).replace(
        "  - type: folder\n    path: " + str(tmp_path),
        "  - type: sftp\n    host: example.org\n    username: u\n    password: hunter2\n    host-key: x",
    )
    report = load_partner_text(text, tmp_path / "acme.yaml")
    assert not report.ok
    assert any("password" in p for p in report.problems), report.problems
    assert not any("hunter2" in p for p in report.problems)  # the secret itself is never echoed


def test_an_unknown_channel_type_is_reported(tmp_path: Path) -> None:
    text = GOOD.format(out=tmp_path).replace("type: folder", "type: pigeon")
    report = load_partner_text(text, tmp_path / "acme.yaml")
    assert not report.ok and "channels[0].type" in report.problems[0]


def test_an_identifier_claimed_twice_is_reported() -> None:
    first = load_partner_text('name: A\nidentifiers: {siren: "123456789"}\n', Path("a.yaml")).partner
    second = load_partner_text('name: B\nidentifiers: {siren: "123456789"}\n', Path("b.yaml")).partner
    assert first is not None and second is not None
    book = PartnerBook.of({"a": first, "b": second})
    assert any("claimed by both a and b" in problem for problem in book.problems)


def test_reload_picks_up_changes_and_keeps_the_last_good_version(tmp_path: Path) -> None:
    directory = tmp_path / "partners"
    directory.mkdir()
    path = directory / "acme.yaml"
    path.write_text(GOOD.format(out=tmp_path), encoding="utf-8")
    now = [0.0]
    partners = PartnerDirectory(directory, interval=1.0, clock=lambda: now[0])
    assert partners.current().get("acme") is not None and partners.current().get("acme").name == "ACME Retail"  # type: ignore[union-attr]
    path.write_text(GOOD.format(out=tmp_path).replace("ACME Retail", "ACME Stores"), encoding="utf-8")
    os.utime(path, ns=(1, 2))  # a different mtime, whatever the file system's resolution
    assert partners.current().get("acme").name == "ACME Retail"  # type: ignore[union-attr]  # checked at most once a second
    now[0] = 2.0
    assert partners.current().get("acme").name == "ACME Stores"  # type: ignore[union-attr]
    path.write_text("name: [broken", encoding="utf-8")
    now[0] = 4.0
    book = partners.current()
    assert book.get("acme") is not None and book.get("acme").name == "ACME Stores"  # type: ignore[union-attr]
    assert any("not valid YAML" in p for p in book.problems)
    assert any("keeping the last valid version" in p for p in book.problems)


def test_partners_check_command(tmp_path: Path) -> None:
    directory = tmp_path / "partners"
    directory.mkdir()
    (directory / "good.yaml").write_text(GOOD.format(out=tmp_path), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["partners", "check", str(directory)])
    assert result.exit_code == 0, result.output
    (directory / "bad.yaml").write_text("name: Bad\nidentifiers: {siren: '12'}\n", encoding="utf-8")
    result = runner.invoke(cli, ["partners", "check", str(directory)])
    assert result.exit_code == 4
    assert f"{directory / 'bad.yaml'}:2: identifiers.siren" in result.output


def test_the_example_profiles_are_valid_and_match_the_channel_schemas() -> None:
    repo = Path(__file__).resolve().parents[4]
    result = CliRunner().invoke(cli, ["partners", "check", str(repo / "partners")])
    assert result.exit_code == 0, result.output
    for path in sorted((repo / "partners").glob("*.yaml")):
        partner = load_partner_text(path.read_text(encoding="utf-8"), path).partner
        assert partner is not None and partner.channels
        for channel in partner.channels:
            schema = json.loads((repo / "schemas" / "channels" / f"{channel.type}.schema.json").read_text())
            jsonschema.validate(dict(channel.params), schema)  # the documented schema agrees with the code
