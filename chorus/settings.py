"""Where the client connects and with what: PISTE environments and credentials.

Chorus Pro sits behind PISTE, the French state's API gateway. An application
gets an OAuth2 token from PISTE (``client_credentials``) and names the Chorus Pro
technical account in each call (``cpro-account`` header). Hosts come from the
research notes, section 1.1 (OCA, Tryton, Pastell agree).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Credentials", "Endpoints", "Environment"]


class Environment(StrEnum):
    """The two PISTE environments: ``sandbox`` is Chorus Pro *qualification*."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The token URL and the API base URL of one environment (or of the simulator)."""

    token_url: str
    """OAuth2 token endpoint, e.g. ``https://oauth.piste.gouv.fr/api/oauth/token``."""
    api_base: str
    """API base, without ``/cpro``, e.g. ``https://api.piste.gouv.fr``."""

    @classmethod
    def for_environment(cls, environment: Environment | str) -> Endpoints:
        """Return the PISTE endpoints of ``sandbox`` or ``production``.

        :raises ValueError: the name is neither.
        """
        prefix = "sandbox-" if Environment(environment) is Environment.SANDBOX else ""
        return cls(f"https://{prefix}oauth.piste.gouv.fr/api/oauth/token", f"https://{prefix}api.piste.gouv.fr")

    @classmethod
    def at(cls, base_url: str) -> Endpoints:
        """Return endpoints served by one host, as the simulator does (token at ``/api/oauth/token``)."""
        base = base_url.rstrip("/")
        return cls(f"{base}/api/oauth/token", base)

    def operation_url(self, operation: str) -> str:
        """Return the URL of ``operation`` (e.g. ``factures/v1/deposer/flux``)."""
        return f"{self.api_base}/cpro/{operation}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """The PISTE application's OAuth2 client and the Chorus Pro technical account.

    The caller resolves the values (from environment variables or files); this
    object only carries them, and its ``repr`` never shows them.
    """

    client_id: str
    client_secret: str
    login: str
    """Login of the Chorus Pro *compte technique*."""
    password: str
    """Its password (it expires; see ``dateExpirationMotPasseCompteTech``)."""

    def cpro_account(self) -> str:
        """Return the ``cpro-account`` header value: base64 of ``login:password``."""
        return base64.b64encode(f"{self.login}:{self.password}".encode()).decode("ascii")

    def __repr__(self) -> str:
        # A repr can end up in a log or a traceback: never a secret, not even the login.
        return "Credentials(client_id=<redacted>, client_secret=<redacted>, login=<redacted>, password=<redacted>)"

    __str__ = __repr__
