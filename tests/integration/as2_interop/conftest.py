"""Fixtures of the django-pyas2 interop tests: one peer and one library endpoint per session.

django-pyas2 plays partner ``alice`` (its organisation); we are ``bob``
(:mod:`tests.support.as2_pki`). Every test module here is in the ``as2-interop``
xdist group, so with ``-n 2 --dist loadgroup`` one worker starts one peer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.transports.as2 import As2Identity, As2Partner, Compression, MdnMode, Parties
from tests.integration.as2_interop.library_endpoint import LibraryEndpoint
from tests.support.as2_pki import As2Pki, make_as2_pki
from tests.support.pyas2_peer import PartnerSpec, Pyas2Peer, Pyas2PeerError

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


@pytest.fixture(scope="session")
def as2_pki() -> As2Pki:
    return make_as2_pki()


@pytest.fixture(scope="session")
def bob(as2_pki: As2Pki) -> As2Identity:
    """Our organisation."""
    return As2Identity("bob", as2_pki.bob.cert, as2_pki.bob.key)


@pytest.fixture(scope="session")
def alice(as2_pki: As2Pki) -> As2Partner:
    """django-pyas2 as our partner: signed SHA-256, AES-256-CBC, compressed, signed sync MDN."""
    return As2Partner("alice", as2_pki.alice.cert, compression=Compression.BEFORE_SIGNING, mdn=MdnMode.SYNC)


@pytest.fixture(scope="session")
def library_endpoint(bob: As2Identity, alice: As2Partner) -> Iterator[LibraryEndpoint]:
    with LibraryEndpoint(Parties(alice, bob)) as endpoint:
        yield endpoint


def bob_at_peer(as2_pki: As2Pki, target_url: str, mdn_mode: str = "SYNC") -> PartnerSpec:
    """Us, as django-pyas2's partner: it signs, encrypts and compresses to us and asks for a signed MDN.

    ``application/octet-stream`` is the only content type for which pyas2lib sends the payload
    with ``Content-Transfer-Encoding: binary``; for the others (``application/EDIFACT``, XML) it
    uses 8bit and its CRLF MIME policy turns every bare LF of the document into CRLF.
    """
    return PartnerSpec(
        "bob",
        as2_pki.bob,
        target_url,
        mdn_mode="ASYNC" if mdn_mode == "ASYNC" else "SYNC",
        content_type="application/octet-stream",
    )


@pytest.fixture(scope="session")
def pyas2_peer(
    tmp_path_factory: pytest.TempPathFactory, as2_pki: As2Pki, library_endpoint: LibraryEndpoint
) -> Iterator[Pyas2Peer]:
    peer = Pyas2Peer(tmp_path_factory.mktemp("pyas2-peer"), as2_name="alice", identity=as2_pki.alice)
    peer.set_partner(bob_at_peer(as2_pki, library_endpoint.url))
    try:
        peer.start()
    except Pyas2PeerError as exc:
        peer.close()
        pytest.fail(str(exc), pytrace=False)
    yield peer
    peer.close()


@pytest.fixture(scope="session")
def invoice_payload() -> bytes:
    """A real invoice plus bytes that catch canonicalisation bugs (bare LF, CR, NUL, 0xFF, UTF-8)."""
    return (SAMPLES / "afr-invoice-ubl.xml").read_bytes() + b"\n<!-- \xc3\xa9t\xc3\xa9 \r\x00\xff bare LF\n -->\n"
