"""Chorus Pro (French public-sector e-invoicing platform): client and local simulator.

- :mod:`.settings`: PISTE environments and credentials;
- :mod:`.token`: the OAuth2 token cache;
- :mod:`.client`: :class:`ChorusClient`, the API operations;
- :mod:`.records`: answers as dataclasses;
- :mod:`.codes`: ``syntaxeFlux``, flow states, invoice statuses;
- :mod:`.requirements`: :func:`check_buyer_requirements`, the service-code / EJ rule;
- :mod:`.edge`: httpx exceptions → :mod:`.errors`;
- :mod:`.simulator`: a local platform for tests (imported on demand, it needs FastAPI).
"""

from chorus.client import PUBLIC_INVOICES_SERVICE, ChorusClient
from chorus.codes import FlowState, InvoiceStatus, SyntaxeFlux, syntax_for_format
from chorus.errors import ChorusApiError, ChorusAuthError, ChorusError, ChorusProtocolError, ChorusTransientError
from chorus.records import (
    ActionResult,
    BuyerService,
    BuyerStructure,
    Deposit,
    FlowReport,
    InvoiceError,
    InvoiceHistory,
    InvoiceSummary,
    StatusChange,
    Structure,
    StructureParameters,
    TechnicalError,
)
from chorus.requirements import Problem, check_buyer_requirements, describe_obligations
from chorus.settings import Credentials, Endpoints, Environment

__all__ = [
    "ActionResult",
    "BuyerService",
    "BuyerStructure",
    "ChorusApiError",
    "ChorusAuthError",
    "ChorusClient",
    "ChorusError",
    "ChorusProtocolError",
    "ChorusTransientError",
    "Credentials",
    "Deposit",
    "Endpoints",
    "Environment",
    "FlowReport",
    "FlowState",
    "InvoiceError",
    "InvoiceHistory",
    "InvoiceStatus",
    "InvoiceSummary",
    "PUBLIC_INVOICES_SERVICE",
    "Problem",
    "StatusChange",
    "Structure",
    "StructureParameters",
    "SyntaxeFlux",
    "TechnicalError",
    "check_buyer_requirements",
    "describe_obligations",
    "syntax_for_format",
]
