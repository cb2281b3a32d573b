"""The ``soap`` channel's configuration, its JSON Schema, and the completeness of its edge error mapping."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests.exceptions
import zeep.exceptions

from formats.errors import ConfigError
from gateway.errors import PermanentTransportError, TransientTransportError
from gateway.transports._soap_errors import ERROR_TABLE, SoapFaultError, map_soap_errors
from gateway.transports.registry import transport_class
from gateway.transports.soap import SoapConfig, SoapTransport

SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[4] / "schemas" / "channels" / "soap.schema.json").read_text(encoding="utf-8")
)
WHERE = "partners/acme.yaml: channels[0]"
GOOD: dict[str, Any] = {
    "wsdl": "service.wsdl",
    "operation": "submitInvoice",
    "fields": {"fileName": {"from": "filename"}, "content": {"from": "content"}, "channel": "EDI"},
    "result": {"id": "ticket", "status": "status", "accepted": ["ACCEPTED"], "rejected": ["REFUSED"]},
    "username-env": "SOAP_USER",
    "password-env": "SOAP_PASSWORD",
}


def test_a_good_config(tmp_path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(GOOD, SCHEMA)
    config = SoapConfig.from_config(GOOD, where=WHERE, base=tmp_path)
    assert config.wsdl == str(tmp_path / "service.wsdl")  # relative to the partner file
    assert [name for name, _ in config.fields] == ["fileName", "content", "channel"]
    assert config.fields[2][1].value == "EDI" and config.fields[0][1].source == "filename"
    assert config.result.rejected == {"REFUSED"} and config.auth == "ws-security" and config.on_fault == "rejected"
    assert transport_class("soap") is SoapTransport


def test_every_problem_is_reported_at_once() -> None:
    bad = {
        "wsdl": "",
        "fields": {"content": {"from": "body"}},
        "result": {"accepted": ["OK"], "colour": 1},
        "auth": "digest",
        "on-fault": "ignore",
        "service": "S",
        "username-env": "U",
        "extra": 1,
    }
    with pytest.raises(ConfigError) as caught:
        SoapConfig.from_config(bad, where=WHERE)
    message = caught.value.message
    for fragment in (
        "unknown keys: extra",
        "wsdl: expected a non-empty string",
        "missing operation",
        "service and port together",
        "fields.content: expected {from: one of content",
        "result: unknown keys: colour",
        "accepted/rejected need result.status",
        "username-env/-file and password-env/-file together",
        "auth: expected ws-security or basic",
        "on-fault: expected rejected or permanent",
    ):
        assert fragment in message
    assert caught.value.path == WHERE
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(bad))


def test_schema_lists_exactly_the_keys_the_channel_reads() -> None:
    assert set(SCHEMA["properties"]) == set(SoapConfig.KEYS)


def _exception_classes(module: Any, base: type[BaseException]) -> list[type[BaseException]]:
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, base) and not issubclass(obj, Warning)
    ]


def test_every_zeep_and_requests_exception_is_in_the_table() -> None:
    listed = {cls for cls, _ in ERROR_TABLE}
    classes = _exception_classes(zeep.exceptions, zeep.exceptions.Error) + _exception_classes(
        requests.exceptions, requests.exceptions.RequestException
    )
    assert len(classes) > 30
    missing = [cls.__name__ for cls in classes if cls not in listed]
    assert missing == [], f"map these in gateway/transports/_soap_errors.py: {missing}"


# zeep's exception constructors are untyped.
@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (zeep.exceptions.Fault("dup", code="Client.Duplicate"), SoapFaultError),  # type: ignore[no-untyped-call]
        (zeep.exceptions.TransportError("x", status_code=503), TransientTransportError),  # type: ignore[no-untyped-call]
        (zeep.exceptions.TransportError("x", status_code=401), PermanentTransportError),  # type: ignore[no-untyped-call]
        (requests.exceptions.ConnectionError("refused"), TransientTransportError),
        (requests.exceptions.ReadTimeout("slow"), TransientTransportError),
        (zeep.exceptions.ValidationError("missing element"), PermanentTransportError),  # type: ignore[no-untyped-call]
        (zeep.exceptions.XMLSyntaxError("not xml"), TransientTransportError),  # type: ignore[no-untyped-call]
        (FileNotFoundError(2, "No such file"), PermanentTransportError),
    ],
)
def test_the_edge_maps_to_our_errors(raised: BaseException, expected: type[BaseException]) -> None:
    with pytest.raises(expected) as caught, map_soap_errors("call op"):
        raise raised
    assert caught.value.__cause__ is raised
    if expected is SoapFaultError:
        assert isinstance(caught.value, SoapFaultError) and caught.value.fault_code == "Client.Duplicate"
    if isinstance(raised, zeep.exceptions.TransportError) and raised.status_code == 401:
        assert "HTTP 401: check username and password" in str(caught.value)
