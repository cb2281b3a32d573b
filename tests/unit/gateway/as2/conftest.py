"""AS2 parties shared by the unit tests: bob is us, alice the partner, mallory a stranger."""

from __future__ import annotations

import pytest

from gateway.transports.as2 import As2Identity, As2Partner, Parties
from tests.support.as2_pki import As2Pki, make_as2_pki


@pytest.fixture(scope="session")
def pki() -> As2Pki:
    return make_as2_pki()


@pytest.fixture(scope="session")
def bob(pki: As2Pki) -> As2Identity:
    return As2Identity("bob", pki.bob.cert, pki.bob.key)


@pytest.fixture(scope="session")
def alice(pki: As2Pki) -> As2Identity:
    return As2Identity("alice", pki.alice.cert, pki.alice.key)


@pytest.fixture(scope="session")
def alice_at_bob(pki: As2Pki) -> As2Partner:
    """Alice's profile in bob's configuration (for inbound messages and outbound MDN checks)."""
    return As2Partner("alice", pki.alice.cert)


@pytest.fixture(scope="session")
def bob_at_alice(pki: As2Pki) -> As2Partner:
    """Bob's profile in alice's configuration (she sends to bob)."""
    return As2Partner("bob", pki.bob.cert)


def lookup_for(partner: As2Partner, identity: As2Identity):  # type: ignore[no-untyped-def]
    def lookup(as2_from: str, as2_to: str) -> Parties | None:
        if (as2_from, as2_to) == (partner.as2_name, identity.as2_name):
            return Parties(partner, identity)
        return None

    return lookup
