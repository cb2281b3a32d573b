"""Credentials never reach a log handler's output."""

from __future__ import annotations

import io
import logging

import pytest

from gateway.log_redaction import RedactSecrets, redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("headers={'Authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.abc.def'}", "eyJhbGciOiJIUzI1NiJ9"),
        ("Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
        ("cpro-account: VEVDSEBjcHJvOnBhc3N3b3Jk", "VEVDSEBjcHJvOnBhc3N3b3Jk"),
        ("grant_type=client_credentials&client_secret=s3cr3t-value&scope=openid", "s3cr3t-value"),
        ("{'password': 'hunter2', 'login': 'x'}", "hunter2"),
        ("connecting to postgresql://aig:topsecret@db.example:5432/gw", "topsecret"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "MIIEvQIBADAN"),
    ],
)
def test_known_credential_shapes_are_masked(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "***" in cleaned


def test_ordinary_messages_are_left_alone() -> None:
    text = "invoice F2026-0042: delivered to sftp://acme/in/F2026-0042.xml (attempt 1/8)"
    assert redact(text) == text


def test_the_filter_masks_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token request %s", "client_secret=abc123456&x=1")
        try:
            raise RuntimeError("login failed for password=hunter22")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "abc123456" not in output and "hunter22" not in output
    assert output.count("***") >= 2 and "RuntimeError" in output
