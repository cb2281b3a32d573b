"""The PISTE OAuth2 token: fetched with ``client_credentials``, cached, renewed before expiry.

PISTE tokens live ``expires_in`` seconds (3600 in production). OCA renews them
240 s early, so that a token never expires between the check and the call;
the same margin is the default here, capped at half the lifetime so that
short-lived tokens (the simulator's) are still reused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from chorus._payload import parse_json
from chorus.edge import map_httpx_errors
from chorus.errors import ChorusAuthError, ChorusProtocolError, ChorusTransientError
from chorus.settings import Credentials

__all__ = ["DEFAULT_RENEW_MARGIN_S", "Token", "TokenCache"]

DEFAULT_RENEW_MARGIN_S = 240.0
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Token:
    """One access token and when to stop using it."""

    value: str
    renew_at: float
    """Monotonic time after which a new token is fetched."""

    def __repr__(self) -> str:
        return f"Token(<redacted>, renew_at={self.renew_at:.1f})"


class TokenCache:
    """Fetch a PISTE token once and reuse it until shortly before it expires (thread-safe)."""

    def __init__(
        self,
        http: httpx.Client,
        token_url: str,
        credentials: Credentials,
        *,
        renew_margin_s: float = DEFAULT_RENEW_MARGIN_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = token_url
        self._credentials = credentials
        self._margin = renew_margin_s
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        #: How many tokens were fetched (observability, and what the tests count).
        self.fetches = 0

    def get(self) -> str:
        """Return a valid access token, fetching a new one when the cached one is due.

        :raises ChorusAuthError: PISTE refused the client id or secret.
        :raises ChorusTransientError: PISTE could not be reached or answered 5xx.
        """
        with self._lock:
            if self._token is None or self._clock() >= self._token.renew_at:
                self._token = self._fetch()
            return self._token.value

    def invalidate(self) -> None:
        """Forget the cached token (the API refused it before its expiry)."""
        with self._lock:
            self._token = None

    def _fetch(self) -> Token:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
            "scope": "openid",
        }
        started = self._clock()
        with map_httpx_errors("PISTE token"):
            response = self._http.post(self._url, data=form, headers={"Accept": "application/json"})
        if response.status_code >= 500 or response.status_code == 429:
            raise ChorusTransientError(f"PISTE token endpoint answered HTTP {response.status_code}")
        if response.status_code in (400, 401, 403):
            raise ChorusAuthError(
                f"PISTE refused the OAuth2 client (HTTP {response.status_code}); check client-id and client-secret",
                http_status=response.status_code,
            )
        if response.status_code != 200:
            raise ChorusProtocolError(f"PISTE token endpoint answered HTTP {response.status_code}")
        body = parse_json(response.content, "PISTE token")
        value = body.req_str("access_token")
        lifetime = body.opt_int("expires_in") or 3600
        if lifetime <= 0:
            raise ChorusProtocolError(f"PISTE token has expires_in={lifetime}")
        margin = min(self._margin, lifetime / 2)
        self.fetches += 1
        _log.debug("PISTE token fetched, valid %d s", lifetime)
        return Token(value, started + lifetime - margin)
