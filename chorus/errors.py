"""Errors of the Chorus Pro client, under the root tree of :mod:`formats.errors`::

    AiguillageError
    └── ChorusError               code="chorus"            a Chorus Pro call failed
        ├── ChorusTransientError  code="chorus.transient"  connect error, timeout, HTTP 5xx/429: try later
        ├── ChorusAuthError       code="chorus.auth"       PISTE token refused, 401 on cpro-account, 403
        ├── ChorusApiError        code="chorus.api"        a non-zero ``codeRetour`` (or a 4xx without one)
        └── ChorusProtocolError   code="chorus.protocol"   an answer we cannot read (not JSON, field missing)

Each class says whether a later attempt may succeed (:attr:`ChorusError.transient`),
so callers decide retries from one flag, never from the class name.
"""

from __future__ import annotations

from typing import ClassVar

from formats.errors import AiguillageError

__all__ = [
    "ChorusApiError",
    "ChorusAuthError",
    "ChorusError",
    "ChorusProtocolError",
    "ChorusTransientError",
]


class ChorusError(AiguillageError):
    """A Chorus Pro (or PISTE) call failed."""

    code = "chorus"
    transient: ClassVar[bool] = False
    """Whether the same call may succeed later."""


class ChorusTransientError(ChorusError):
    """The platform could not be reached or answered 5xx/429: try again later."""

    code = "chorus.transient"
    transient = True


class ChorusAuthError(ChorusError):
    """PISTE refused the OAuth2 client, the token, the ``cpro-account`` or the subscription."""

    code = "chorus.auth"

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        #: The HTTP status that carried the refusal (401, 403), if any.
        self.http_status = http_status


class ChorusApiError(ChorusError):
    """Chorus Pro answered with a non-zero ``codeRetour``, or a 4xx without an envelope."""

    code = "chorus.api"

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        code_retour: int | None,
        libelle: str | None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, path=operation)
        #: The operation called, e.g. ``transverses/v1/consulterCRDetaille``.
        self.operation = operation
        #: ``codeRetour`` of the answer (``None`` when the answer had no envelope).
        self.code_retour = code_retour
        #: ``libelle`` of the answer, e.g. ``POQ_MSG_01.003 - Flux introuvable.``.
        self.libelle = libelle
        #: The HTTP status of the answer.
        self.http_status = http_status


class ChorusProtocolError(ChorusError):
    """The answer is not what the API documents: not JSON, or a required field is missing."""

    code = "chorus.protocol"
