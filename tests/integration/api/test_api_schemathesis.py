"""Property-based requests from the published OpenAPI document against the live API: never a 5xx.

Schemathesis reads ``/openapi.json`` from the server the ``api`` fixture starts
on a loopback port; Hypothesis draws valid and invalid requests for each
operation, sent over real HTTP with a valid token. Bounded: 30 examples per
operation and generation mode.

The operations are driven with Hypothesis directly rather than through
``schemathesis.pytest.from_fixture``: that loader reads ``Function._nodeid``,
which pytest 9 no longer has.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from tests.integration.api.conftest import Api


@schemathesis.serializer("application/pkcs7-mime", "multipart/signed", "multipart/report")
def _as2_bytes(ctx: schemathesis.SerializationContext, value: object) -> bytes:
    """Send generated AS2 bodies as raw bytes (the endpoint must refuse them cleanly, never with a 5xx)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")


OPERATIONS = [
    ("GET", "/healthz"),
    ("POST", "/v1/invoices"),
    ("GET", "/v1/invoices"),
    ("GET", "/v1/invoices/{invoice_id}"),
    ("GET", "/v1/invoices/{invoice_id}/original"),
    ("GET", "/v1/invoices/{invoice_id}/documents/{document_id}"),
    ("POST", "/v1/invoices/{invoice_id}/retry"),
    ("POST", "/v1/invoices/{invoice_id}/cancel"),
    ("POST", "/v1/invoices/{invoice_id}/chorus/complete"),
    ("POST", "/v1/invoices/{invoice_id}/chorus/recycle"),
    ("GET", "/v1/partners"),
    ("POST", "/as2"),
    ("POST", "/as2/mdn"),
]

BOUNDED = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no example database written into the checkout
    derandomize=True,  # the same requests on every run: a failure reproduces
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def api_schema(api: Api, samples: dict[str, str]) -> schemathesis.BaseSchema:
    # The samples give the searches something to find.
    return schemathesis.openapi.from_url(f"{api.url}/openapi.json")


@pytest.fixture(scope="module")
def http(api: Api) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # loopback only: no proxy from the environment
        session.headers["Authorization"] = f"Bearer {api.token}"
        yield session


def test_every_operation_is_covered(api_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations() if isinstance(result, Ok)]
    published = {(op.method.upper(), op.path) for op in operations}
    assert published == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_operation_answers_5xx(
    api: Api, api_schema: schemathesis.BaseSchema, http: requests.Session, method: str, path: str
) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @BOUNDED
    @given(case=cases)
    def check(case: schemathesis.Case[Any]) -> None:
        response = case.call(base_url=api.url, session=http, timeout=30)
        case.validate_response(response, checks=[not_a_server_error])

    check()
