"""Signing, enveloping and compression through our own code, every algorithm combination."""

from __future__ import annotations

import datetime as dt
import itertools
import zlib

import pytest
from asn1crypto import cms  # type: ignore[import-untyped]

from gateway.transports.as2.algorithms import ContentEncryption, DigestAlgorithm, KeyTransport, SignatureScheme
from gateway.transports.as2.compression import compress, decompress
from gateway.transports.as2.enveloping import decrypt, encrypt
from gateway.transports.as2.errors import DecompressionFailed, DecryptionFailed, MalformedMessage, SignatureInvalid
from gateway.transports.as2.signing import sign, verify
from tests.support.as2_pki import As2Pki

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
CONTENT = b"Content-Type: application/xml\r\n\r\n<Invoice/>"


@pytest.mark.parametrize(
    ("digest", "scheme", "protection"),
    list(itertools.product(DigestAlgorithm, SignatureScheme, (True, False))),
)
def test_sign_verify_round_trip(
    pki: As2Pki, digest: DigestAlgorithm, scheme: SignatureScheme, protection: bool
) -> None:
    der = sign(
        CONTENT,
        certificate=pki.alice.cert,
        key=pki.alice.key,  # type: ignore[arg-type]
        digest=digest,
        scheme=scheme,
        algorithm_protection=protection,
        signing_time=NOW,
    )
    result = verify(der, content=CONTENT, certificate=pki.alice.cert)
    assert result.digest is digest
    assert result.algorithm_protection is protection
    assert result.signing_time == NOW
    signer = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    assert signer["signature_algorithm"].signature_algo == (
        "rsassa_pss" if scheme is SignatureScheme.PSS else "rsassa_pkcs1v15"
    )


def test_opaque_signature_carries_its_content(pki: As2Pki) -> None:
    der = sign(CONTENT, certificate=pki.alice.cert, key=pki.alice.key, detached=False, signing_time=NOW)  # type: ignore[arg-type]
    assert verify(der, content=None, certificate=pki.alice.cert).content == CONTENT


def test_tampered_content_fails(pki: As2Pki) -> None:
    der = sign(CONTENT, certificate=pki.alice.cert, key=pki.alice.key, signing_time=NOW)  # type: ignore[arg-type]
    with pytest.raises(SignatureInvalid, match="tampered"):
        verify(der, content=CONTENT + b" ", certificate=pki.alice.cert)


def test_other_signer_fails_even_with_a_valid_signature(pki: As2Pki) -> None:
    der = sign(CONTENT, certificate=pki.mallory.cert, key=pki.mallory.key, signing_time=NOW)  # type: ignore[arg-type]
    assert verify(der, content=CONTENT, certificate=pki.mallory.cert).content == CONTENT
    with pytest.raises(SignatureInvalid, match="partner's certificate"):
        verify(der, content=CONTENT, certificate=pki.alice.cert)


def test_forged_signature_value_fails(pki: As2Pki) -> None:
    der = bytearray(sign(CONTENT, certificate=pki.alice.cert, key=pki.alice.key, signing_time=NOW))  # type: ignore[arg-type]
    der[-5] ^= 0xFF  # inside the signature value, the last field
    with pytest.raises(SignatureInvalid):
        verify(bytes(der), content=CONTENT, certificate=pki.alice.cert)


def test_not_signed_data_is_malformed(pki: As2Pki) -> None:
    with pytest.raises(MalformedMessage):
        verify(compress(CONTENT), content=CONTENT, certificate=pki.alice.cert)


@pytest.mark.parametrize(("encryption", "transport"), list(itertools.product(ContentEncryption, KeyTransport)))
def test_encrypt_decrypt_round_trip(pki: As2Pki, encryption: ContentEncryption, transport: KeyTransport) -> None:
    der = encrypt(CONTENT * 50, recipient=pki.bob.cert, encryption=encryption, key_transport=transport)
    kind = cms.ContentInfo.load(der)["content_type"].native
    assert kind == ("authenticated_enveloped_data" if encryption.authenticated else "enveloped_data")
    result = decrypt(der, certificate=pki.bob.cert, key=pki.bob.key)  # type: ignore[arg-type]
    assert result.content == CONTENT * 50
    assert result.encryption is encryption
    assert result.key_transport is transport


def test_envelope_for_someone_else_is_not_ours(pki: As2Pki) -> None:
    der = encrypt(CONTENT, recipient=pki.mallory.cert)
    with pytest.raises(DecryptionFailed, match="not encrypted for our certificate"):
        decrypt(der, certificate=pki.bob.cert, key=pki.bob.key)  # type: ignore[arg-type]


@pytest.mark.parametrize("encryption", [ContentEncryption.AES256_CBC, ContentEncryption.AES128_GCM])
def test_corrupted_ciphertext_fails(pki: As2Pki, encryption: ContentEncryption) -> None:
    der = bytearray(encrypt(CONTENT * 4, recipient=pki.bob.cert, encryption=encryption))
    marker = der.find(b"<Invoice/>")
    assert marker == -1  # the plaintext is not visible
    # CBC: a flip in the second-to-last block lands in the padding of 172 bytes (4 bytes of
    # padding); GCM: any flip in the ciphertext fails the tag. Both are the last fields.
    index = -20 if not encryption.authenticated else -30
    der[index] ^= 0x01
    with pytest.raises(DecryptionFailed):
        decrypt(bytes(der), certificate=pki.bob.cert, key=pki.bob.key)  # type: ignore[arg-type]


def test_wrong_private_key_fails(pki: As2Pki) -> None:
    der = encrypt(CONTENT, recipient=pki.bob.cert, key_transport=KeyTransport.RSA_OAEP_SHA256)
    with pytest.raises(DecryptionFailed):
        decrypt(der, certificate=pki.bob.cert, key=pki.alice.key)  # type: ignore[arg-type]


def test_compression_round_trip_and_failures() -> None:
    data = CONTENT * 1000
    der = compress(data)
    assert len(der) < len(data) // 10
    assert decompress(der) == data
    with pytest.raises(DecompressionFailed, match="limit"):
        decompress(der, limit=len(data) - 1)
    broken = der.replace(zlib.compress(data), b"x" * len(zlib.compress(data)))
    with pytest.raises(DecompressionFailed):
        decompress(broken)
