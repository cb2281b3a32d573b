"""AS2 names and Message-IDs (RFC 4130 §6.2, RFC 5322 §3.6.4)."""

from __future__ import annotations

import re
import uuid

from gateway.transports.as2.errors import MalformedMessage

__all__ = ["new_message_id", "normalize_message_id", "quote_as2_name", "unquote_as2_name"]

_AS2_NAME = re.compile(r"[\x20-\x7e]{1,128}")
_DOMAIN = re.compile(r"[A-Za-z0-9.\-]+")


def new_message_id(domain: str = "aiguillage.invalid") -> str:
    """Return a globally unique ``<random@domain>`` msg-id."""
    if not _DOMAIN.fullmatch(domain):
        raise ValueError(f"not a usable Message-ID domain: {domain!r}")
    return f"<{uuid.uuid4().hex}@{domain}>"


def normalize_message_id(value: str) -> str:
    """Return a Message-ID without surrounding whitespace and angle brackets, for comparisons."""
    return value.strip().removeprefix("<").removesuffix(">").strip()


def quote_as2_name(name: str) -> str:
    """Return ``name`` ready for an AS2-From/AS2-To header, quoted if it has spaces (RFC 4130 §6.2).

    :raises ValueError: not 1–128 printable ASCII characters.
    """
    if not _AS2_NAME.fullmatch(name):
        raise ValueError(f"an AS2 name is 1-128 printable ASCII characters, got {name!r}")
    if " " in name or '"' in name or "\\" in name:
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def unquote_as2_name(value: str) -> str:
    """Read an AS2-From/AS2-To header value (case is significant, quotes are not).

    :raises MalformedMessage: empty, or beyond 128 characters once unquoted.
    """
    text = value.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        text = re.sub(r"\\(.)", r"\1", text[1:-1])
    if not _AS2_NAME.fullmatch(text):
        raise MalformedMessage(f"invalid AS2 name {value[:140]!r}")
    return text
