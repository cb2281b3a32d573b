"""The REST API over real HTTP: a uvicorn server on a loopback port, called with httpx."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.api import ApiServer, create_app, create_token, revoke_token
from gateway.app import Gateway
from gateway.cli.token import token as token_cli
from gateway.config import GatewayConfig
from gateway.store import open_engine
from gateway.store.models import AuditRow
from tests.integration.api.conftest import MAX_UPLOAD, SAMPLES, Api

UNKNOWN = str(uuid.UUID(int=0))

#: Every operation that needs a token: (method, path).
PROTECTED = [
    ("GET", "/v1/invoices"),
    ("POST", "/v1/invoices"),
    ("GET", f"/v1/invoices/{UNKNOWN}"),
    ("GET", f"/v1/invoices/{UNKNOWN}/original"),
    ("GET", f"/v1/invoices/{UNKNOWN}/documents/1"),
    ("POST", f"/v1/invoices/{UNKNOWN}/retry"),
    ("POST", f"/v1/invoices/{UNKNOWN}/cancel"),
    ("POST", f"/v1/invoices/{UNKNOWN}/chorus/complete"),
    ("POST", f"/v1/invoices/{UNKNOWN}/chorus/recycle"),
    ("GET", "/v1/partners"),
]


def _error(answer: httpx.Response, status: int, code: str) -> str:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert "Traceback" not in answer.text
    message = body["error"]["message"]
    assert isinstance(message, str) and message
    return message


def _quarantined(api: Api, client: httpx.Client) -> str:
    """Submit bytes no reader knows, process them, and return the (quarantined) invoice id."""
    content = f"not an invoice {uuid.uuid4()}".encode()
    answer = client.post("/v1/invoices", files={"file": ("junk.txt", content, "text/plain")})
    assert answer.status_code == 201, answer.text
    api.gateway.worker("api-tests").run_once()
    invoice_id: str = answer.json()["id"]
    assert client.get(f"/v1/invoices/{invoice_id}").json()["status"] == "quarantined"
    return invoice_id


# -- health and the published spec ----------------------------------------------------------------


def test_healthz_needs_no_token_and_reports_the_database(api: Api) -> None:
    answer = httpx.get(f"{api.url}/healthz", trust_env=False)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    config = GatewayConfig.load(tmp_path)
    # A SQLite file in a directory that does not exist: every connection fails.
    engine = open_engine(f"sqlite+pysqlite:///{tmp_path / 'missing' / 'gateway.db'}")
    gateway = Gateway(config, migrate=False, engine=engine)
    with ApiServer(create_app(gateway)) as server:
        answer = httpx.get(f"{server.url}/healthz", trust_env=False)
    gateway.close()
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "database": "OperationalError"}
    assert str(tmp_path) not in answer.text


def test_openapi_is_published_with_every_operation_and_the_bearer_scheme(api: Api) -> None:
    spec = httpx.get(f"{api.url}/openapi.json", trust_env=False).json()
    assert spec["openapi"].startswith("3.")
    operations = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert operations == {
        ("GET", "/healthz"),
        ("GET", "/v1/invoices"),
        ("POST", "/v1/invoices"),
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
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    show = spec["paths"]["/v1/invoices/{invoice_id}"]["get"]
    assert show["operationId"] == "show_invoice"
    assert show["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert show["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


# -- authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_request_without_a_token_is_refused(api: Api, method: str, path: str) -> None:
    answer = httpx.request(method, f"{api.url}{path}", trust_env=False)
    _error(answer, 401, "auth")
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_request_with_a_wrong_token_is_refused(api: Api, method: str, path: str) -> None:
    with api.client("not-a-token") as c:
        answer = c.request(method, path)
    assert _error(answer, 401, "auth") == "unknown or revoked token"
    assert answer.headers["www-authenticate"] == "Bearer"


def test_another_scheme_than_bearer_is_refused(api: Api) -> None:
    answer = httpx.get(f"{api.url}/v1/partners", headers={"Authorization": f"Basic {api.token}"}, trust_env=False)
    _error(answer, 401, "auth")


def test_a_revoked_token_is_refused_from_then_on(api: Api) -> None:
    clear = create_token(api.gateway.engine, "short-lived")
    with api.client(clear) as c:
        assert c.get("/v1/partners").status_code == 200
        revoke_token(api.gateway.engine, "short-lived")
        _error(c.get("/v1/partners"), 401, "auth")


# -- submit ---------------------------------------------------------------------------------------


def test_submit_creates_an_invoice_and_a_duplicate_gives_the_same_id(client: httpx.Client) -> None:
    content = (SAMPLES / "afr-invoice-ubl.xml").read_bytes().replace(b"AFR-2026-0001", b"API-DUP-0001")
    first = client.post("/v1/invoices", files={"file": ("dup.xml", content, "application/xml")})
    assert first.status_code == 201, first.text
    assert first.json()["duplicate"] is False and first.json()["status"] == "received"
    again = client.post("/v1/invoices", files={"file": ("dup-again.xml", content)}, data={"source": "retry-script"})
    assert again.status_code == 200, again.text
    assert again.json() == {"id": first.json()["id"], "duplicate": True, "status": "received"}
    events = client.get(f"/v1/invoices/{first.json()['id']}").json()["events"]
    assert [e["kind"] for e in events] == ["received", "duplicate"]
    assert "retry-script" in events[1]["detail"]


def test_submit_keeps_the_source_and_only_the_base_name_of_the_file(client: httpx.Client) -> None:
    content = f"<x>{uuid.uuid4()}</x>".encode()
    answer = client.post(
        "/v1/invoices", files={"file": ("..\\..\\etc/in/é.xml", content)}, data={"source": "erp-export"}
    )
    assert answer.status_code == 201, answer.text
    shown = client.get(f"/v1/invoices/{answer.json()['id']}").json()
    assert shown["source"] == "erp-export"
    assert shown["original_name"] == "é.xml"


def test_an_empty_file_is_refused(client: httpx.Client) -> None:
    _error(client.post("/v1/invoices", files={"file": ("empty.xml", b"")}), 422, "format.parse")


def test_a_request_without_the_file_field_is_refused(client: httpx.Client) -> None:
    message = _error(client.post("/v1/invoices", data={"source": "x"}), 422, "request.invalid")
    assert "file" in message


def test_a_file_over_the_limit_is_refused_with_413(client: httpx.Client) -> None:
    # Over the file limit, under the body limit (which leaves room for the multipart framing).
    content = b"x" * (MAX_UPLOAD + 1)
    message = _error(client.post("/v1/invoices", files={"file": ("big.xml", content)}), 413, "format.too-large")
    assert str(MAX_UPLOAD) in message


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(client: httpx.Client) -> None:
    content = b"x" * (MAX_UPLOAD + 128 * 1024)
    _error(client.post("/v1/invoices", files={"file": ("big.xml", content)}), 413, "format.too-large")


def test_a_chunked_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    boundary = "aiguillage-test-boundary"

    def body() -> Iterator[bytes]:
        # No Content-Length: httpx sends a generator with Transfer-Encoding: chunked.
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xml"\r\n'
            "Content-Type: application/xml\r\n\r\n"
        ).encode()
        for _ in range(40):
            yield b"x" * 16 * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = client.post(
        "/v1/invoices", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert "content-length" not in answer.request.headers
    _error(answer, 413, "format.too-large")


# -- one invoice ----------------------------------------------------------------------------------


def test_show_gives_summary_documents_deliveries_and_timeline(client: httpx.Client, samples: dict[str, str]) -> None:
    invoice_id = samples["afr-creditnote-ubl.xml"]
    shown = client.get(f"/v1/invoices/{invoice_id}").json()
    assert shown["id"] == invoice_id
    assert shown["status"] == "sent" and shown["partner_id"] == "lumiere"
    assert shown["number"] == "AFR-2026-0002" and shown["amount_due"] == "197.4000" and shown["currency"] == "EUR"
    assert shown["detected"] == "ubl-creditnote"
    assert shown["original"]["url"] == f"/v1/invoices/{invoice_id}/original"
    assert shown["original"]["media_type"] == "application/xml"
    (document,) = shown["documents"]
    assert (
        document["role"] == "rendition" and document["url"] == f"/v1/invoices/{invoice_id}/documents/{document['id']}"
    )
    (delivery,) = shown["deliveries"]
    assert delivery["status"] == "sent" and delivery["channel"] == "drop" and delivery["channel_type"] == "folder"
    assert delivery["document_id"] == document["id"]
    kinds = [event["kind"] for event in shown["events"]]
    assert kinds[0] == "received" and kinds[-1] == "sent"
    assert {"parsed", "validated", "routed", "rendered", "queued"} <= set(kinds)


@pytest.mark.parametrize(
    "path", [f"/v1/invoices/{UNKNOWN}", f"/v1/invoices/{UNKNOWN}/original", "/v1/invoices/nope/documents/1"]
)
def test_an_unknown_invoice_is_404(client: httpx.Client, path: str) -> None:
    _error(client.get(path), 404, "store.not-found")


def test_a_document_of_another_invoice_is_404(client: httpx.Client, samples: dict[str, str]) -> None:
    one = client.get(f"/v1/invoices/{samples['afr-invoice-ubl.xml']}").json()
    other_id = samples["afr-creditnote-ubl.xml"]
    _error(client.get(f"/v1/invoices/{other_id}/documents/{one['documents'][0]['id']}"), 404, "store.not-found")


def test_the_original_downloads_byte_identical(client: httpx.Client, samples: dict[str, str]) -> None:
    for name, invoice_id in samples.items():
        answer = client.get(f"/v1/invoices/{invoice_id}/original")
        assert answer.status_code == 200
        assert answer.content == (SAMPLES / name).read_bytes()
        assert answer.headers["content-type"].startswith("application/xml")
        assert answer.headers["content-disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"


def test_a_rendition_downloads_as_delivered(api: Api, client: httpx.Client, samples: dict[str, str]) -> None:
    shown = client.get(f"/v1/invoices/{samples['afr-invoice-cii.xml']}").json()
    (document,) = shown["documents"]
    answer = client.get(document["url"])
    assert answer.status_code == 200
    assert hashlib.sha256(answer.content).hexdigest() == document["sha256"]
    assert answer.headers["content-type"].startswith(document["media_type"])
    assert f'filename="{document["filename"]}"' in answer.headers["content-disposition"]
    delivered = Path(shown["deliveries"][0]["remote_ref"])
    assert delivered.parent.resolve() == (api.home / "out").resolve()
    assert answer.content == delivered.read_bytes()


def test_a_non_ascii_file_name_is_given_in_both_forms(client: httpx.Client) -> None:
    answer = client.post("/v1/invoices", files={"file": ("facture été.xml", f"<x>{uuid.uuid4()}</x>".encode())})
    download = client.get(f"/v1/invoices/{answer.json()['id']}/original")
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"facture _t_.xml\"; filename*=UTF-8''facture%20%C3%A9t%C3%A9.xml"
    )
    assert download.headers["content-type"] == "application/octet-stream"


# -- search ---------------------------------------------------------------------------------------


def _ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] >= len(body["items"])
    return [item["id"] for item in body["items"]]


def test_search_filters(client: httpx.Client, samples: dict[str, str]) -> None:
    credit, cii, ubl = samples["afr-creditnote-ubl.xml"], samples["afr-invoice-cii.xml"], samples["afr-invoice-ubl.xml"]
    assert _ids(client.get("/v1/invoices", params={"number": "AFR-2026-0002"})) == [credit]
    assert set(_ids(client.get("/v1/invoices", params={"number": "AFR-2026-0001"}))) == {cii, ubl}
    assert {credit, cii, ubl} <= set(_ids(client.get("/v1/invoices", params={"partner": "lumiere"})))
    assert _ids(client.get("/v1/invoices", params={"partner": "nobody"})) == []
    by_status = client.get("/v1/invoices", params={"status": "sent", "limit": 500}).json()["items"]
    assert {credit, cii, ubl} <= {i["id"] for i in by_status} and {i["status"] for i in by_status} == {"sent"}
    assert _ids(client.get("/v1/invoices", params={"partner": "lumiere", "max_amount": "200"})) == [credit]
    above = client.get("/v1/invoices", params={"partner": "lumiere", "min_amount": "197.41", "limit": 500}).json()
    assert {cii, ubl} <= {i["id"] for i in above["items"]} and credit not in {i["id"] for i in above["items"]}
    assert all(Decimal(i["amount_due"]) >= Decimal("197.41") for i in above["items"])
    assert _ids(client.get("/v1/invoices", params={"min_amount": "197.4", "max_amount": "197.4"})) == [credit]


def test_search_by_time(client: httpx.Client, samples: dict[str, str]) -> None:
    created = client.get(f"/v1/invoices/{samples['afr-invoice-ubl.xml']}").json()["created_at"]
    at = dt.datetime.fromisoformat(created)
    before, after = (at - dt.timedelta(seconds=1)).isoformat(), (at + dt.timedelta(seconds=1)).isoformat()
    assert samples["afr-invoice-ubl.xml"] in _ids(client.get("/v1/invoices", params={"since": before, "until": after}))
    assert _ids(client.get("/v1/invoices", params={"until": "2000-01-01"})) == []
    # A time without a zone is UTC.
    naive = at.replace(tzinfo=None) + dt.timedelta(seconds=1)
    assert samples["afr-invoice-ubl.xml"] not in _ids(client.get("/v1/invoices", params={"since": naive.isoformat()}))


def test_search_pages_newest_first(client: httpx.Client, samples: dict[str, str]) -> None:
    everything = client.get("/v1/invoices", params={"partner": "lumiere"}).json()
    assert everything["total"] >= 3
    first = client.get("/v1/invoices", params={"partner": "lumiere", "limit": 1}).json()
    second = client.get("/v1/invoices", params={"partner": "lumiere", "limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == everything["total"]
    assert (first["limit"], second["offset"]) == (1, 1)
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [i["id"] for i in everything["items"][:2]]
    times = [item["created_at"] for item in everything["items"]]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"status": "lost"}, {"since": "yesterday"}, {"min_amount": "1e-9"}],
)
def test_a_bad_search_parameter_is_422(client: httpx.Client, params: dict[str, str | int]) -> None:
    message = _error(client.get("/v1/invoices", params=params), 422, "request.invalid")
    assert message.startswith(f"query.{next(iter(params))}")


# -- partners -------------------------------------------------------------------------------------


def test_partners_are_listed_without_channel_settings(api: Api, client: httpx.Client) -> None:
    answer = client.get("/v1/partners")
    assert answer.status_code == 200
    body = answer.json()
    assert body["problems"] == []
    (partner,) = body["partners"]
    assert partner["id"] == "lumiere" and partner["segment"] == "key-account" and partner["enabled"] is True
    assert partner["identifiers"]["siren"] == "812345676"
    assert partner["receives"] == ["ubl"] and partner["validate"] == []
    assert partner["channels"] == [{"name": "drop", "type": "folder"}]
    assert "../out" not in answer.text and "path" not in answer.text


def test_partner_file_problems_are_reported(api: Api, client: httpx.Client) -> None:
    broken = api.home / "partners" / "broken.yaml"
    broken.write_text("name: Broken\nidentifiers: {siren: 123}\nchannels: nope\n", encoding="utf-8")
    try:
        api.gateway.partners.reload()
        body = client.get("/v1/partners").json()
    finally:
        broken.unlink()
        api.gateway.partners.reload()
    assert [p["id"] for p in body["partners"]] == ["lumiere"]
    assert body["problems"] and all("broken.yaml" in problem for problem in body["problems"])


# -- operator actions -----------------------------------------------------------------------------


def test_retry_replays_a_quarantined_invoice_and_is_audited(api: Api, client: httpx.Client) -> None:
    invoice_id = _quarantined(api, client)
    answer = client.post(f"/v1/invoices/{invoice_id}/retry")
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == invoice_id and "replayed" in answer.json()["detail"]
    shown = client.get(f"/v1/invoices/{invoice_id}").json()
    assert shown["status"] == "received" and shown["events"][-1]["kind"] == "replayed"
    with Session(api.gateway.engine) as session:
        audit = session.scalars(select(AuditRow).where(AuditRow.target == invoice_id)).one()
    assert (audit.actor, audit.action) == ("api:tests", "replay")


def test_cancel_stops_an_invoice_once(api: Api, client: httpx.Client) -> None:
    invoice_id = _quarantined(api, client)
    answer = client.post(f"/v1/invoices/{invoice_id}/cancel")
    assert answer.status_code == 200, answer.text
    assert "cancelled by api:tests" in answer.json()["detail"]
    assert client.get(f"/v1/invoices/{invoice_id}").json()["status"] == "cancelled"
    _error(client.post(f"/v1/invoices/{invoice_id}/cancel"), 409, "operation.nothing-to-do")


def test_retry_of_a_delivered_invoice_is_409(client: httpx.Client, samples: dict[str, str]) -> None:
    _error(client.post(f"/v1/invoices/{samples['afr-invoice-ubl.xml']}/retry"), 409, "operation.nothing-to-do")


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_an_action_on_an_unknown_invoice_is_404(client: httpx.Client, action: str) -> None:
    _error(client.post(f"/v1/invoices/{UNKNOWN}/{action}"), 404, "store.not-found")


# -- the framework's own errors speak our error body ----------------------------------------------


def test_an_unknown_path_is_404_with_our_body(client: httpx.Client) -> None:
    _error(client.get("/v1/nothing-here"), 404, "http.not-found")


def test_a_wrong_method_is_405_with_our_body(client: httpx.Client) -> None:
    answer = client.delete("/v1/partners")
    _error(answer, 405, "http.method-not-allowed")
    assert answer.headers["allow"] == "GET"


# -- tokens and their command ---------------------------------------------------------------------


def test_the_token_command_creates_a_working_token_and_revokes_it(api: Api) -> None:
    runner = CliRunner()
    obj = {"home": api.home, "verbose": False}
    created = runner.invoke(token_cli, ["create", "ci-robot"], obj=obj)
    assert created.exit_code == 0, created.output
    clear = created.stdout.strip()
    assert len(clear) >= 43
    with api.client(clear) as c:
        assert c.get("/v1/partners").status_code == 200
        taken = runner.invoke(token_cli, ["create", "ci-robot"], obj=obj)
        assert taken.exit_code != 0 and "already active" in taken.stderr
        revoked = runner.invoke(token_cli, ["revoke", "ci-robot"], obj=obj)
        assert revoked.exit_code == 0, revoked.output
        _error(c.get("/v1/partners"), 401, "auth")
    with Session(api.gateway.engine) as session:
        actions = list(session.scalars(select(AuditRow.action).where(AuditRow.target == "ci-robot")))
        stored = list(session.scalars(select(AuditRow.detail).where(AuditRow.target == "ci-robot")))
    assert actions == ["token.create", "token.revoke"]
    assert clear not in "".join(stored)


def test_the_token_command_refuses_a_bad_name(api: Api) -> None:
    result = CliRunner().invoke(token_cli, ["create", "no spaces"], obj={"home": api.home, "verbose": False})
    assert result.exit_code == 2 and "invalid token name" in result.stderr
