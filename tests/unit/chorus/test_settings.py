from __future__ import annotations

import base64

from chorus import ChorusClient, Credentials, Endpoints, Environment

CREDS = Credentials("cid", "csecret", "login@x", "p:ss")


def test_environments_use_the_piste_hosts() -> None:
    sandbox = Endpoints.for_environment(Environment.SANDBOX)
    assert sandbox.token_url == "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
    assert sandbox.operation_url("factures/v1/deposer/flux") == (
        "https://sandbox-api.piste.gouv.fr/cpro/factures/v1/deposer/flux"
    )
    production = Endpoints.for_environment("production")
    assert (production.token_url, production.api_base) == (
        "https://oauth.piste.gouv.fr/api/oauth/token",
        "https://api.piste.gouv.fr",
    )


def test_an_explicit_base_serves_token_and_api() -> None:
    local = Endpoints.at("http://127.0.0.1:9/")
    assert local.token_url == "http://127.0.0.1:9/api/oauth/token"
    assert local.operation_url("structures/v1/consulter") == "http://127.0.0.1:9/cpro/structures/v1/consulter"


def test_cpro_account_is_base64_of_login_colon_password() -> None:
    assert base64.b64decode(CREDS.cpro_account()) == b"login@x:p:ss"


def test_secrets_never_show_in_repr() -> None:
    with ChorusClient(Endpoints.at("http://127.0.0.1:9"), CREDS) as client:
        shown = f"{CREDS!r} {CREDS} {client!r}"
    for secret in ("cid", "csecret", "login@x", "p:ss"):
        assert secret not in shown
