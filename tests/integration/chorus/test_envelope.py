"""The codeRetour/libelle envelope and failure classes, over HTTP."""

from __future__ import annotations

import socket

import httpx
import pytest

from chorus import ChorusApiError, ChorusClient, ChorusTransientError, Credentials, Endpoints
from chorus.simulator import RunningSimulator, SimulatorState

from .conftest import APP, LUMIERE, SUPPLIER


def test_an_unknown_flow_carries_code_and_libelle(supplier: ChorusClient) -> None:
    with pytest.raises(ChorusApiError) as caught:
        supplier.flow_report("CPP0000000000000000000001")
    assert caught.value.code_retour == 20001
    assert caught.value.libelle == "POQ_MSG_01.003 - Flux introuvable."
    assert caught.value.http_status == 400
    assert caught.value.transient is False


def test_no_result_is_an_empty_search(supplier: ChorusClient) -> None:
    assert supplier.search_structures("00000000000000") == []
    assert supplier.search_supplier_invoices(flow_number="CPP0000000000000000000001") == []


def test_an_unknown_syntax_is_refused(supplier: ChorusClient) -> None:
    with pytest.raises(ChorusApiError) as caught:
        supplier.deposit_flow(b"<x/>", "x.xml", "IN_DP_E1_XCBL")
    assert caught.value.code_retour == 20006


def test_a_non_json_body_gets_an_envelope(sim: RunningSimulator, supplier: ChorusClient) -> None:
    token = supplier.tokens.get()
    account = Credentials(*APP, *SUPPLIER).cpro_account()
    response = httpx.post(
        f"{sim.base_url}/cpro/structures/v1/consulter",
        content=b"not json",
        headers={"Authorization": f"Bearer {token}", "cpro-account": account},
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002


def test_a_5xx_is_transient(state: SimulatorState, supplier: ChorusClient) -> None:
    supplier.tokens.get()
    state.fail_next(503)
    with pytest.raises(ChorusTransientError) as caught:
        supplier.search_structures(LUMIERE)
    assert caught.value.transient is True
    assert supplier.search_structures(LUMIERE)  # the outage is over


def test_an_unreachable_platform_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    client = ChorusClient(Endpoints.at(f"http://127.0.0.1:{port}"), Credentials(*APP, *SUPPLIER), timeout_s=2)
    with client, pytest.raises(ChorusTransientError) as caught:
        client.search_structures(LUMIERE)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
