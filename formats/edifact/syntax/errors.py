"""The one error the syntax layer raises: an interchange strict mode refuses, or one nobody can read."""

from __future__ import annotations

from formats.edifact.segments import Segment, SyntaxFinding
from formats.errors import ParseError

__all__ = ["EdifactSyntaxError"]


class EdifactSyntaxError(ParseError):
    """An EDIFACT interchange is unreadable, or (strict mode) has envelope errors.

    ``findings`` lists every problem with its ISO 9735 code (0085) and
    position, so a caller can still answer with a CONTRL. For input that
    cannot be read at all (no UNB, truncated, unknown character set) it holds
    the one finding that stopped the reader.
    """

    code = "format.edifact-syntax"

    def __init__(
        self,
        message: str,
        findings: tuple[SyntaxFinding, ...] = (),
        *,
        header: Segment | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, path=path)
        #: Every problem found, in order of position.
        self.findings = findings
        #: The UNB segment when it could be read, so that a CONTRL can still name the interchange.
        self.header = header
