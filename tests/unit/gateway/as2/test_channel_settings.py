"""The ``as2`` channel's keys: checked without reading files, all problems at once, agreeing with the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from formats.errors import ConfigError
from gateway.errors import PermanentTransportError, TransientTransportError
from gateway.transports.as2 import ContentEncryption, DigestAlgorithm, DigestSpelling, KeyTransport, MdnMode
from gateway.transports.as2.channel import As2Transport
from gateway.transports.as2.http import HTTPX_ERROR_MAP, map_httpx_errors, transport_error_class
from gateway.transports.as2.settings import KEYS, As2ChannelConfig
from gateway.transports.registry import transport_class

SCHEMA = json.loads((Path(__file__).resolve().parents[4] / "schemas" / "channels" / "as2.schema.json").read_text())
GOOD: dict[str, Any] = {
    "url": "https://as2.acme.example/as2",
    "as2-from": "AIGUILLAGE",
    "as2-to": "ACME AS2",
    "partner-certificate-file": "acme.crt",
    "key-file": "ours.key",
    "certificate-file": "ours.crt",
}


def _config(**changes: Any) -> As2ChannelConfig:
    params = {**GOOD, **changes}
    return As2ChannelConfig.from_config(
        {k: v for k, v in params.items() if v is not None},
        where="partners/acme.yaml: channels[0]",
        base=Path("/etc/aig"),
    )


def test_defaults_follow_the_rfcs_and_paths_resolve_against_the_partner_file() -> None:
    config = _config()
    assert (config.sign, config.encrypt, config.mdn, config.mdn_signed) == (
        DigestAlgorithm.SHA256,
        ContentEncryption.AES256_CBC,
        MdnMode.SYNC,
        True,
    )
    assert config.partner_certificate == Path("/etc/aig/acme.crt")
    assert config.quirks.key_transport is KeyTransport.RSA_PKCS1V15 and config.quirks.algorithm_protection
    assert (
        config.mdn_timeout_s == 120 and _config(mdn="async", **{"mdn-url": "https://us/as2/mdn"}).mdn_timeout_s == 3600
    )


def test_quirk_switches_map_onto_the_library() -> None:
    config = _config(
        mic="binary",
        **{"digest-spelling": "sha256", "key-transport": "rsa-oaep-sha256", "rfc6211": False, "chunked": True},
        **{"accept-unsigned-mdn": True, "accept-unsigned-messages": True, "sign": "sha512", "encrypt": "aes128-gcm"},
    )
    quirks = config.quirks
    assert quirks.canonicalize_as_binary and quirks.digest_spelling is DigestSpelling.LEGACY
    assert quirks.key_transport is KeyTransport.RSA_OAEP_SHA256 and not quirks.algorithm_protection
    assert quirks.http_chunked and quirks.accept_unsigned_mdn and not quirks.reject_unsigned_messages
    assert (config.sign, config.encrypt) == (DigestAlgorithm.SHA512, ContentEncryption.AES128_GCM)
    assert _config(sign="none", encrypt="none").sign is None


def test_every_problem_is_reported_at_once_with_the_place() -> None:
    with pytest.raises(ConfigError) as caught:
        _config(url="ftp://x", sign="md5", mdn="async", chunked="yes", **{"as2-to": None, "colour": "red"})
    text = caught.value.one_line()
    assert "partners/acme.yaml: channels[0]" in text
    for part in ("unknown key(s): colour", "url: expected an http(s) URL", "sign: expected one of", "missing as2-to",
                 "missing mdn-url", "chunked: expected true or false"):  # fmt: skip
        assert part in text, part


def test_our_key_comes_from_pem_or_pkcs12_not_both() -> None:
    with pytest.raises(ConfigError, match=r"give key-file .* or p12-file, not both"):
        _config(**{"p12-file": "ours.p12"})
    with pytest.raises(ConfigError, match="missing key-file"):
        _config(**{"key-file": None})
    config = _config(**{"key-file": None, "certificate-file": None, "p12-file": "ours.p12", "p12-password-env": "P"})
    assert config.key == Path("/etc/aig/ours.p12") and repr(config.key_password) == "SecretRef(env:P)"
    with pytest.raises(ConfigError, match="verify-chain: true needs ca-file"):
        _config(**{"verify-chain": True})


def test_the_schema_knows_exactly_the_keys_the_channel_reads() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["properties"]) == set(KEYS)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert list(validator.iter_errors(GOOD)) == []
    assert list(validator.iter_errors({**GOOD, "mdn": "async"})) != []  # mdn-url needed
    assert list(validator.iter_errors({**GOOD, "p12-file": "x"})) != []
    assert list(validator.iter_errors({**GOOD, "password": "x"})) != []


def test_the_registry_names_the_channel() -> None:
    cls = transport_class("as2")
    assert cls is As2Transport and cls.config_class is As2ChannelConfig and cls.tracking_record is not None


def _httpx_exception_classes() -> list[type[Exception]]:
    return [
        obj for name in httpx.__all__ if isinstance(obj := getattr(httpx, name), type) and issubclass(obj, Exception)
    ]


@pytest.mark.parametrize("cls", _httpx_exception_classes(), ids=lambda c: c.__name__)
def test_every_httpx_exception_is_mapped(cls: type[Exception]) -> None:
    target = transport_error_class(cls.__new__(cls))
    assert target in (TransientTransportError, PermanentTransportError)
    assert any(source is cls for source, _ in HTTPX_ERROR_MAP) or target is not None


def test_mapping_keeps_the_cause_and_lets_other_errors_through() -> None:
    with (
        pytest.raises(TransientTransportError, match="POST https://x/as2: ConnectError") as caught,
        map_httpx_errors("POST https://x/as2"),
    ):
        raise httpx.ConnectError("refused")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    with pytest.raises(KeyError), map_httpx_errors("x"):
        raise KeyError("k")
