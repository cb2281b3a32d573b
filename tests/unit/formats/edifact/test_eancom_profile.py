"""EANCOM profiles: the default file, and errors that name file, line and key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from formats.edifact.eancom import DEFAULT_PROFILE_PATH, EancomProfile, default_profile, load_profile, parse_profile
from formats.errors import ConfigError


def test_default_profile_file_sets_every_choice() -> None:
    data = yaml.safe_load(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"))
    profile = default_profile()
    # Every profile field is spelt out in the default file, so a partner copy shows all choices.
    keys = {field.name.replace("_", "-") for field in dataclasses.fields(EancomProfile)}
    assert keys <= set(data)
    assert profile.syntax_version == str(data["syntax-version"])
    assert profile.prices == tuple(data["prices"])
    assert profile.association_code.startswith("EAN")


def test_a_partner_profile_overrides_the_defaults() -> None:
    profile = parse_profile("name: acme\ndue-date: '140'\nsyntax-id: UNOA\nline-vat: false\n", "acme.yaml")
    assert (profile.name, profile.due_date, profile.syntax_id, profile.line_vat) == ("acme", "140", "UNOA", False)
    # Keys left out keep the dataclass defaults.
    assert profile.invoice_total == EancomProfile(name="x").invoice_total


def test_profile_errors_name_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "partner.yaml"
    path.write_text("name: partner\ndue-date: '12'\ninvoice-totl: '77'\nprices: [AAA, NET]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert f"{path}:2: due-date: expected one of" in message
    assert f"{path}:3: invoice-totl: unknown key 'invoice-totl'; did you mean 'invoice-total'?" in message
    assert f"{path}:4: prices[1]: expected one of" in message
    assert caught.value.code == "config"


def test_profile_missing_name_and_bad_yaml() -> None:
    with pytest.raises(ConfigError, match=r"p\.yaml:1: \(top\): missing required key 'name'"):
        parse_profile("due-date: '13'\n", "p.yaml")
    with pytest.raises(ConfigError, match=r"p\.yaml:2: not valid YAML"):
        parse_profile("name: a\n  due-date: [\n", "p.yaml")


def test_unreadable_profile_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the EANCOM profile") as caught:
        load_profile(tmp_path / "absent.yaml")
    assert caught.value.path == str(tmp_path / "absent.yaml")
