"""The hand-assembled SignedData is byte for byte what asn1crypto builds from the same inputs.

PKCS#1 v1.5 signatures are deterministic, so two encoders given the same content,
certificate, key and time must produce identical bytes. The reference below builds
the structure the way the signing module did before it assembled DER itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import algos, cms, core  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from gateway.transports.as2.algorithms import DigestAlgorithm
from gateway.transports.as2.signing import sign
from tests.support.as2_pki import As2Pki


def _reference(
    content: bytes, pki: As2Pki, *, digest: str, protection: bool, detached: bool, when: dt.datetime
) -> bytes:
    cert = asn1_x509.Certificate.load(pki.bob.cert.public_bytes(serialization.Encoding.DER))
    digest_algorithm = algos.DigestAlgorithm({"algorithm": digest})
    signature_algorithm = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15", "parameters": core.Null()})
    attributes = [
        {"type": "content_type", "values": ["data"]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": when})]},
        {"type": "message_digest", "values": [hashlib.new(digest, content).digest()]},
    ]
    if protection:
        value = cms.CMSAlgorithmProtection(
            {"digest_algorithm": digest_algorithm, "signature_algorithm": signature_algorithm}
        )
        attributes.append({"type": "cms_algorithm_protection", "values": [value]})
    signed_attrs = cms.CMSAttributes(attributes)
    algorithm = {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha512": hashes.SHA512()}[digest]
    signature = pki.bob.key.sign(signed_attrs.dump(), padding.PKCS1v15(), algorithm)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}}
            ),
            "digest_algorithm": digest_algorithm,
            "signed_attrs": signed_attrs,
            "signature_algorithm": signature_algorithm,
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [digest_algorithm],
            "encap_content_info": {"content_type": "data", "content": None if detached else content},
            "certificates": [cert],
            "signer_infos": [signer_info],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("protection", [True, False])
@pytest.mark.parametrize(("detached", "size"), [(True, 10), (True, 70_000), (False, 100), (False, 70_000)])
def test_signed_data_is_identical_to_asn1crypto(
    pki: As2Pki, digest: str, protection: bool, detached: bool, size: int
) -> None:
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    when = dt.datetime(2026, 11, 27, 23, 59, 58, tzinfo=dt.UTC)
    ours = sign(
        content,
        certificate=pki.bob.cert,
        key=pki.bob.key,
        digest=DigestAlgorithm(digest),
        algorithm_protection=protection,
        detached=detached,
        signing_time=when,
    )
    assert ours == _reference(content, pki, digest=digest, protection=protection, detached=detached, when=when)
