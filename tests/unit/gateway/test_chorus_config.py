"""The ``chorus`` channel's configuration: keys, secrets by reference, the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from chorus.codes import INVOICE_FINAL_STATUSES, PAID_OR_MANDATED_STATUSES
from formats.errors import ConfigError
from gateway.transports.chorus import ChorusConfig

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "schemas" / "channels" / "chorus.schema.json").read_text(encoding="utf-8")
)
WHERE = "partners/ville.yaml: channels[0].chorus"
GOOD = {
    "environment": "sandbox",
    "client-id-env": "CPRO_ID",
    "client-secret-env": "CPRO_SECRET",
    "login-env": "CPRO_LOGIN",
    "password-file": "secrets/cpro-password",
}


def test_a_good_config(tmp_path: Path) -> None:
    jsonschema.validate(GOOD, SCHEMA)
    config = ChorusConfig.from_config(GOOD, where=WHERE, base=tmp_path)
    assert config.endpoints.api_base == "https://sandbox-api.piste.gouv.fr"
    assert config.password.file == tmp_path / "secrets" / "cpro-password"
    assert config.stop_statuses == INVOICE_FINAL_STATUSES
    assert "CPRO" not in repr(config.password) or "file:" in repr(config.password)


def test_track_until_mandate_and_explicit_base() -> None:
    params = {**GOOD, "environment": None, "base-url": "http://127.0.0.1:8787", "track-until": "mandate"}
    del params["environment"]
    jsonschema.validate(params, SCHEMA)
    config = ChorusConfig.from_config(params, where=WHERE)
    assert config.endpoints.token_url == "http://127.0.0.1:8787/api/oauth/token"
    assert config.stop_statuses == PAID_OR_MANDATED_STATUSES


def test_every_problem_is_reported_at_once() -> None:
    bad = {"environment": "prod", "client-id-env": "X", "colour": "red", "timeout": "soon"}
    with pytest.raises(ConfigError) as caught:
        ChorusConfig.from_config(bad, where=WHERE)
    message = caught.value.message
    assert caught.value.path == WHERE
    for fragment in (
        "unknown keys: colour",
        "environment: expected sandbox or production",
        "missing client-secret-env",
        "missing login-env",
        "missing password-env",
        "timeout",
    ):
        assert fragment in message
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_base_url_and_environment_exclude_each_other() -> None:
    with pytest.raises(ConfigError, match="not both"):
        ChorusConfig.from_config({**GOOD, "base-url": "http://x"}, where=WHERE)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**GOOD, "base-url": "http://x"}, SCHEMA)


def test_a_missing_variable_names_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPRO_ID", raising=False)
    config = ChorusConfig.from_config(GOOD, where=WHERE)
    with pytest.raises(ConfigError) as caught:
        config.credentials()
    assert caught.value.path == f"{WHERE}.client-id-env"


def test_polling_keys_default_and_parse() -> None:
    default = ChorusConfig.from_config(GOOD, where=WHERE)
    assert (default.schedule.interval_s, default.schedule.max_interval_s, default.poll_batch) == (300, 21600, 100)
    params = {**GOOD, "poll-interval": 30, "poll-max-interval": 3600, "poll-batch": 20}
    jsonschema.validate(params, SCHEMA)
    config = ChorusConfig.from_config(params, where=WHERE)
    assert (config.schedule.interval_s, config.schedule.max_interval_s, config.poll_batch) == (30, 3600, 20)
    assert [config.schedule.delay_s(n) for n in (0, 1, 2, 6, 7, 1000)] == [30, 60, 120, 1920, 3600, 3600]


def test_polling_keys_are_checked() -> None:
    bad = {**GOOD, "poll-interval": -1, "poll-max-interval": "6h", "poll-batch": 0}
    with pytest.raises(ConfigError) as caught:
        ChorusConfig.from_config(bad, where=WHERE)
    for fragment in ("poll-interval: expected", "poll-max-interval: expected", "poll-batch: expected"):
        assert fragment in caught.value.message
    with pytest.raises(ConfigError, match="below poll-interval"):
        ChorusConfig.from_config({**GOOD, "poll-interval": 600, "poll-max-interval": 60}, where=WHERE)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_schema_lists_exactly_the_keys_the_channel_reads() -> None:
    assert set(SCHEMA["properties"]) == set(ChorusConfig.KEYS)
