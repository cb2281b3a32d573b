from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gateway.transports.as2 import (
    CertificateProblem,
    Validity,
    check_chain,
    check_validity,
    load_certificate,
    load_key_pair,
)
from tests.pki import PASSPHRASE, make_ca, to_pkcs12
from tests.support.as2_pki import As2Pki, issue_as2, write_party

NOW = dt.datetime.now(dt.UTC)


def test_pem_key_and_certificate_in_two_files(pki: As2Pki, tmp_path: Path) -> None:
    files = write_party(pki.bob, tmp_path, "bob")
    pair = load_key_pair(files.key, certificate=files.cert)
    assert pair.certificate == pki.bob.cert
    assert load_certificate(files.cert) == pki.bob.cert
    assert load_certificate(pki.bob.der) == pki.bob.cert


def test_pkcs12_with_password(pki: As2Pki, tmp_path: Path) -> None:
    path = tmp_path / "bob.p12"
    path.write_bytes(to_pkcs12(pki.bob, pki.ca))
    pair = load_key_pair(path, password=PASSPHRASE)
    assert pair.certificate == pki.bob.cert
    assert pair.chain == (pki.ca.cert,)
    with pytest.raises(CertificateProblem, match="password"):
        load_key_pair(path, password=b"wrong")


def test_key_that_does_not_match_the_certificate(pki: As2Pki, tmp_path: Path) -> None:
    bob = write_party(pki.bob, tmp_path, "bob")
    alice = write_party(pki.alice, tmp_path, "alice")
    with pytest.raises(CertificateProblem, match="does not belong"):
        load_key_pair(bob.key, certificate=alice.cert)


def test_missing_file_and_garbage(tmp_path: Path) -> None:
    with pytest.raises(CertificateProblem, match="cannot read"):
        load_certificate(tmp_path / "nope.pem")
    with pytest.raises(CertificateProblem):
        load_certificate(b"not a certificate")


def test_expiry_warning_window(pki: As2Pki) -> None:
    soon = issue_as2(pki.ca, "soon", not_after=NOW + dt.timedelta(days=10))
    assert check_validity(soon.cert, now=NOW, warn_days=30).validity is Validity.EXPIRING
    assert check_validity(soon.cert, now=NOW, warn_days=5).validity is Validity.VALID
    status = check_validity(soon.cert, now=NOW + dt.timedelta(days=11))
    assert status.validity is Validity.EXPIRED and not status.usable
    assert check_validity(soon.cert, now=NOW - dt.timedelta(days=5)).validity is Validity.NOT_YET_VALID


def test_chain_to_the_configured_ca(pki: As2Pki) -> None:
    path = check_chain(pki.alice.cert, trusted=[pki.ca.cert], now=NOW)
    assert path == (pki.alice.cert, pki.ca.cert)
    with pytest.raises(CertificateProblem, match="issuer not among"):
        check_chain(pki.alice.cert, trusted=[make_ca("Other CA").cert], now=NOW)


def test_chain_with_an_impostor_ca_of_the_same_name_fails(pki: As2Pki) -> None:
    impostor = make_ca("Aiguillage AS2 Test CA")
    with pytest.raises(CertificateProblem, match="not validly issued"):
        check_chain(pki.alice.cert, trusted=[impostor.cert], now=NOW)


def test_expired_leaf_fails_the_chain(pki: As2Pki) -> None:
    old = issue_as2(pki.ca, "old", not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1))
    with pytest.raises(CertificateProblem, match="expired"):
        check_chain(old.cert, trusted=[pki.ca.cert], now=NOW)
