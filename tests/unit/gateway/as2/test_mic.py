from __future__ import annotations

import base64
import hashlib

import pytest

from gateway.transports.as2.algorithms import DigestAlgorithm, DigestSpelling, digest_name, parse_digest
from gateway.transports.as2.errors import MalformedMessage, UnsupportedAlgorithm
from gateway.transports.as2.mic import compute_mic, parse_mic

ENTITY = b"Content-Type: application/EDIFACT\r\nContent-Transfer-Encoding: binary\r\n\r\nUNA:+.? '\n"


@pytest.mark.parametrize("algorithm", list(DigestAlgorithm))
def test_mic_is_the_digest_of_the_whole_entity(algorithm: DigestAlgorithm) -> None:
    mic = compute_mic(ENTITY, algorithm)
    assert mic.digest == hashlib.new(algorithm.value, ENTITY).digest()


def test_text_entity_is_digested_in_canonical_form_unless_binary_is_forced() -> None:
    text = b"Content-Type: text/plain\n\na\nb"
    canonical = b"Content-Type: text/plain\r\n\r\na\r\nb"
    assert compute_mic(text, DigestAlgorithm.SHA256).digest == hashlib.sha256(canonical).digest()
    forced = compute_mic(text, DigestAlgorithm.SHA256, as_binary=True)
    assert forced.digest == hashlib.sha256(b"Content-Type: text/plain\r\n\r\na\nb").digest()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sha-256", "sha256"), ("SHA256", "sha256"), ("sha1", "sha1"), ("sha-1", "sha1"), ('"sha-512"', "sha512")],
)
def test_both_digest_spellings_are_read(name: str, expected: str) -> None:
    assert parse_digest(name).value == expected


def test_unsupported_digest_is_refused() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        parse_digest("md5")


def test_output_spelling_follows_the_partner() -> None:
    assert digest_name(DigestAlgorithm.SHA256) == "sha-256"
    assert digest_name(DigestAlgorithm.SHA1, DigestSpelling.LEGACY) == "sha1"


def test_received_content_mic_round_trip_and_comparison() -> None:
    mic = compute_mic(ENTITY, DigestAlgorithm.SHA256)
    value = mic.header_value(DigestSpelling.LEGACY)
    assert value.endswith(", sha256")
    assert value.split(",")[0] == base64.b64encode(mic.digest).decode()
    assert parse_mic(value).matches(mic)
    assert parse_mic(mic.header_value()).matches(mic)
    assert not parse_mic(value).matches(compute_mic(ENTITY + b"x", DigestAlgorithm.SHA256))
    assert not compute_mic(ENTITY, DigestAlgorithm.SHA1).matches(mic)


def test_malformed_mic_is_refused() -> None:
    with pytest.raises(MalformedMessage):
        parse_mic("no-algorithm")
    with pytest.raises(MalformedMessage):
        parse_mic("@@@, sha-256")
