"""ISO 9735 syntax error codes (service code list, data element 0085).

Only the codes the syntax layer and CONTRL use are listed; the values are the
codes themselves, so a finding's ``code`` can be compared with a received
CONTRL's UCD/UCS 0085 as plain strings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["SyntaxErrorCode"]


class SyntaxErrorCode(StrEnum):
    """Data element 0085, syntax error coded."""

    SYNTAX_VERSION_NOT_SUPPORTED = "2"
    RECIPIENT_NOT_ACTUAL = "7"
    INVALID_VALUE = "12"
    MISSING = "13"
    VALUE_NOT_SUPPORTED_IN_POSITION = "14"
    NOT_SUPPORTED_IN_POSITION = "15"
    TOO_MANY_CONSTITUENTS = "16"
    UNSPECIFIED = "18"
    UNKNOWN_SENDER = "23"
    DUPLICATE = "26"
    REFERENCES_DO_NOT_MATCH = "28"
    CONTROL_COUNT_MISMATCH = "29"
    LOWER_LEVEL_EMPTY = "32"
    TOO_MANY_REPETITIONS = "35"
    INVALID_CHARACTERS = "37"
    DATA_ELEMENT_TOO_LONG = "39"
