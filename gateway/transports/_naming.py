"""File names on file-drop channels (folder, SFTP): what we write, what we skip, how an ack names its message.

The convention, shared by the folder and SFTP channels:

* a delivered file is named by the ``file-name`` template, ``{message_id}_{filename}``
  by default; the template must contain ``{message_id}``, so two messages never
  share a name and a re-sent attempt of one message overwrites its own file;
* it is written under ``<name>.part`` first and renamed, so a peer polling the
  directory never sees a partial file (Bots' "tmp-part", OpenAS2's stability check);
* an acknowledgement file names the message it answers: the ``ack-name``
  regular expression, ``^(?P<message_id>[A-Za-z0-9-]+)[._]`` by default, must
  capture it from the ack's file name. With the default template a peer that
  answers ``<our file name>.ack`` or ``<message id>.CONTRL`` is understood as
  long as message ids are made of letters, digits and hyphens (UUIDs, ULIDs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from formats.errors import ConfigError
from gateway.transports.base import Envelope

__all__ = [
    "DEFAULT_ACK_NAME",
    "DEFAULT_FILE_NAME",
    "TEMP_SUFFIX",
    "AckNamer",
    "FileNamer",
    "is_temporary",
    "safe_name",
]

DEFAULT_FILE_NAME: Final = "{message_id}_{filename}"
DEFAULT_ACK_NAME: Final = r"^(?P<message_id>[A-Za-z0-9-]+)[._]"
TEMP_SUFFIX: Final = ".part"

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_FIELDS: Final = frozenset({"message_id", "delivery_id", "invoice_id", "partner_id", "filename", "format"})
# Path separators, NUL and control characters would let a name escape the
# directory or confuse the peer; an invoice number like "F2024/001" is common.
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f:]")
_TEMPORARY_SUFFIXES: Final = (TEMP_SUFFIX, ".tmp", ".filepart", "~")


def safe_name(name: str) -> str:
    """Return ``name`` with path separators and control characters replaced by ``_``.

    A leading dot is replaced too, so the result is never hidden, ``.`` or ``..``.
    """
    cleaned = _UNSAFE.sub("_", name)
    if cleaned.startswith("."):
        cleaned = "_" + cleaned[1:]
    return cleaned or "_"


def is_temporary(name: str) -> bool:
    """Return whether ``name`` is a file still being written (ours or a peer's) or hidden."""
    return name.startswith(".") or name.endswith(_TEMPORARY_SUFFIXES)


@dataclass(frozen=True, slots=True)
class FileNamer:
    """The ``file-name`` template of a channel."""

    template: str = DEFAULT_FILE_NAME

    @classmethod
    def parse(cls, template: str, *, where: str) -> FileNamer:
        """Return a namer after checking the template's placeholders.

        :raises ConfigError: an unknown placeholder, a stray brace, or no ``{message_id}``.
        """
        names = _PLACEHOLDER.findall(template)
        unknown = sorted(set(names) - _FIELDS)
        if unknown:
            raise ConfigError(
                f"unknown placeholder(s) {', '.join(unknown)} (known: {', '.join(sorted(_FIELDS))})", path=where
            )
        if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
            raise ConfigError("a brace outside a {placeholder}", path=where)
        if "message_id" not in names:
            raise ConfigError("must contain {message_id}, so that every message gets its own file", path=where)
        return cls(template)

    def render(self, envelope: Envelope) -> str:
        """Return the remote or local file name for ``envelope``."""
        values = {
            "message_id": envelope.message_id,
            "delivery_id": envelope.delivery_id,
            "invoice_id": envelope.invoice_id,
            "partner_id": envelope.partner_id,
            "filename": envelope.filename,
            "format": envelope.format,
        }
        return safe_name(_PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template))


@dataclass(frozen=True, slots=True)
class AckNamer:
    """The ``ack-name`` pattern: which message an acknowledgement file answers."""

    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, regex: str, *, where: str) -> AckNamer:
        """Return a namer for ``regex``.

        :raises ConfigError: the expression does not compile or has no ``message_id`` group.
        """
        try:
            pattern = re.compile(regex)
        except re.error as exc:
            raise ConfigError(f"not a regular expression: {exc}", path=where) from exc
        if "message_id" not in pattern.groupindex:
            raise ConfigError("needs a named group (?P<message_id>...)", path=where)
        return cls(pattern)

    def message_id(self, ack_name: str) -> str | None:
        """Return the message id the file ``ack_name`` answers, or ``None`` if the name does not tell."""
        match = self.pattern.search(ack_name)
        return match.group("message_id") if match and match.group("message_id") else None


DEFAULT_ACK_NAMER: Final = AckNamer(re.compile(DEFAULT_ACK_NAME))
