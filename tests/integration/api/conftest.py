"""A gateway with one partner (a folder channel), its API served on a loopback port, and a token.

The samples are submitted through the API and processed once per module, so
that searches have known invoices to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.api import ApiServer, create_app, create_token
from gateway.app import Gateway

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
#: Small, so that the 413 tests need no large payload.
MAX_UPLOAD = 256 * 1024

PARTNER = """\
name: Transports Lumière SARL
segment: key-account
identifiers:
  siren: "812345676"
receives:
  formats: [ubl]
channels:
  - type: folder
    name: drop
    path: ../out
retry: {max-attempts: 3, initial-delay: 0.1}
"""


@dataclass(frozen=True)
class Api:
    """What a test needs: the gateway behind the API, its URL and a valid token."""

    gateway: Gateway
    url: str
    token: str
    home: Path

    def client(self, token: str | None = None) -> httpx.Client:
        """Return a client sending ``token`` (default: the valid one)."""
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token or self.token}"}, timeout=30, trust_env=False
        )


def make_home(root: Path) -> Path:
    (root / "partners").mkdir(parents=True)
    (root / "out").mkdir()
    (root / "partners" / "lumiere.yaml").write_text(PARTNER, encoding="utf-8")
    # XSD only: the tests are about the API, not the validation layers (and this keeps them fast).
    (root / "gateway.yaml").write_text("validation: {layers: [xsd]}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = make_home(tmp_path_factory.mktemp("api-home"))
    gateway = Gateway.at(home)
    token = create_token(gateway.engine, "tests")
    server = ApiServer(create_app(gateway, max_upload_bytes=MAX_UPLOAD))
    try:
        server.start()
    except RuntimeError as exc:
        gateway.close()
        pytest.fail(str(exc), pytrace=False)
    yield Api(gateway, server.url, token, home)
    server.stop()
    gateway.close()


@pytest.fixture
def client(api: Api) -> Iterator[httpx.Client]:
    with api.client() as c:
        yield c


@pytest.fixture(scope="module")
def samples(api: Api) -> dict[str, str]:
    """Submit every sample through the API, process them, and return file name → invoice id."""
    ids: dict[str, str] = {}
    with api.client() as c:
        for path in sorted(SAMPLES.glob("*.xml")):
            answer = c.post("/v1/invoices", files={"file": (path.name, path.read_bytes(), "application/xml")})
            assert answer.status_code == 201, answer.text
            ids[path.name] = answer.json()["id"]
    assert len(ids) == 3
    api.gateway.worker("api-tests").run_once()
    with api.client() as c:
        assert {c.get(f"/v1/invoices/{invoice_id}").json()["status"] for invoice_id in ids.values()} == {"sent"}
    return ids
