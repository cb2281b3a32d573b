"""AS2 parties for tests: one CA, RSA certificates fit for signing *and* key transport.

:mod:`tests.pki` issues signing-only certificates (PAdES); AS2 certificates also
encrypt, so they carry keyEncipherment. Files for the ``openssl`` CLI are
written on demand with :func:`write_party`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from tests.pki import Issued, issue, make_ca

__all__ = ["As2Pki", "PartyFiles", "make_as2_pki", "issue_as2", "write_party"]


def issue_as2(
    ca: Issued,
    cn: str,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Issued:
    """Issue an RSA-2048 end-entity certificate for AS2 (sign + encrypt)."""
    return issue(ca, cn, not_before=not_before, not_after=not_after, key_encipherment=True)


@dataclass(frozen=True)
class As2Pki:
    """A CA, our organisation (bob), a partner (alice) and a stranger (mallory, same CA)."""

    ca: Issued
    bob: Issued
    alice: Issued
    mallory: Issued


def make_as2_pki() -> As2Pki:
    ca = make_ca("Aiguillage AS2 Test CA")
    return As2Pki(ca, issue_as2(ca, "bob"), issue_as2(ca, "alice"), issue_as2(ca, "mallory"))


@dataclass(frozen=True)
class PartyFiles:
    """PEM files of one party, for the ``openssl`` CLI."""

    cert: Path
    key: Path


def write_party(party: Issued, directory: Path, name: str) -> PartyFiles:
    """Write ``party``'s certificate and unencrypted key as PEM under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    cert = directory / f"{name}.crt"
    key = directory / f"{name}.key"
    cert.write_bytes(party.pem)
    key.write_bytes(
        party.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return PartyFiles(cert, key)
