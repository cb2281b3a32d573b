"""A logging filter that masks credentials before any handler writes a record (STYLE.md §19).

Secrets are given to the gateway by reference and never formatted into messages
on purpose; this filter is the second line, for what a library might log: HTTP
authorisation headers, OAuth2 form fields, the Chorus Pro ``cpro-account``
header, passwords in URLs, and private key blocks.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactSecrets", "install_redaction", "redact"]

_MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer/Basic <credentials>, in headers or reprs
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {_MASK}"),
    # cpro-account: base64(login:password)
    (re.compile(r"(?i)(cpro-account['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9+/=]{4,}"), rf"\1{_MASK}"),
    # password=..., client_secret=..., token=... (form bodies, query strings, dict reprs)
    (
        re.compile(
            r"(?i)(['\"]?(?:password|passwd|client_secret|secret|token|access_token|key_pass)['\"]?\s*[:=]\s*['\"]?)[^\s&'\",;]+"
        ),
        rf"\1{_MASK}",
    ),
    # scheme://user:password@host
    (re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@"), rf"\1{_MASK}@"),
    # PEM private keys
    (
        re.compile(r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END \1PRIVATE KEY-----", re.DOTALL),
        rf"-----BEGIN \1PRIVATE KEY-----{_MASK}-----END \1PRIVATE KEY-----",
    ),
)


def redact(text: str) -> str:
    """Return ``text`` with every credential pattern masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Mask credentials in a record's final message (arguments included) and in its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger if logger is not None else logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(existing, RedactSecrets) for existing in handler.filters):
            handler.addFilter(RedactSecrets())
