"""PISTE authentication against the simulator: token cache and renewal, 401/403 handling."""

from __future__ import annotations

import time

import httpx
import pytest

from chorus import ChorusAuthError
from chorus.simulator import RunningSimulator, SimulatorState

from .conftest import APP, LUMIERE, make_client


def test_one_token_serves_many_calls(sim: RunningSimulator, state: SimulatorState) -> None:
    with make_client(sim) as client:
        for _ in range(3):
            assert client.search_structures(LUMIERE)[0].identifier == LUMIERE
        assert client.tokens.fetches == 1
    assert state.tokens_issued == 1


def test_a_short_lived_token_is_renewed_before_expiry(sim: RunningSimulator, state: SimulatorState) -> None:
    state.token_lifetime_s = 1  # the client renews at half the lifetime
    with make_client(sim) as client:
        client.search_structures(LUMIERE)
        time.sleep(0.6)
        client.search_structures(LUMIERE)
        assert client.tokens.fetches == 2
    assert state.calls["structures/v1/rechercher"] == 2


def test_a_revoked_token_is_replaced_once(sim: RunningSimulator, state: SimulatorState) -> None:
    with make_client(sim) as client:
        client.search_structures(LUMIERE)
        state.revoke_tokens()
        assert client.search_structures(LUMIERE)[0].structure_id == 25002
        assert client.tokens.fetches == 2


def test_the_simulator_refuses_a_bad_bearer_with_www_authenticate(sim: RunningSimulator) -> None:
    response = httpx.post(
        f"{sim.base_url}/cpro/structures/v1/consulter",
        json={"idStructureCPP": 25002},
        headers={"Authorization": "Bearer forged", "cpro-account": "eDp5"},
    )
    assert response.status_code == 401
    assert 'realm="PISTE"' in response.headers["WWW-Authenticate"]
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_wrong_technical_account_is_an_auth_error(sim: RunningSimulator) -> None:
    with make_client(sim, ("TECH_AFR@cpro.example", "wrong")) as client, pytest.raises(ChorusAuthError) as caught:
        client.search_structures(LUMIERE)
    assert caught.value.http_status == 401
    assert "technical account" in caught.value.message
    # A refused account is not a token problem: no second token was fetched for a retry.
    assert client.tokens.fetches == 1


def test_wrong_client_credentials_are_an_auth_error(sim: RunningSimulator) -> None:
    with make_client(sim, app=(APP[0], "not-the-secret")) as client, pytest.raises(ChorusAuthError) as caught:
        client.search_structures(LUMIERE)
    assert "client-id and client-secret" in caught.value.message


def test_an_unsubscribed_application_gets_403(sim: RunningSimulator) -> None:
    with make_client(sim, app=("not-subscribed", "demo-secret")) as client, pytest.raises(ChorusAuthError) as caught:
        client.search_structures(LUMIERE)
    assert caught.value.http_status == 403
    assert "subscription" in caught.value.message


def test_health_check(sim: RunningSimulator) -> None:
    with make_client(sim) as client:
        assert client.health_check() is True


def test_the_token_request_is_client_credentials_with_openid(sim: RunningSimulator) -> None:
    response = httpx.post(
        f"{sim.base_url}/api/oauth/token",
        data={"grant_type": "client_credentials", "client_id": APP[0], "client_secret": APP[1], "scope": "openid"},
    )
    body = response.json()
    assert (body["token_type"], body["scope"], body["expires_in"]) == ("Bearer", "openid", 3600)
    assert httpx.post(f"{sim.base_url}/api/oauth/token", data={"grant_type": "password"}).status_code == 400
