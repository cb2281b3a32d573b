"""Acknowledgement files left by a peer on a file-drop channel (folder, SFTP), as :class:`Ack`.

Two kinds are told apart by content, not by name, since partners name files freely:

* an EDIFACT interchange whose message is ``CONTRL`` (ISO 9735-5 syntax and
  service report) becomes kind ``edifact-contrl``;
* anything else becomes kind ``<channel>-ack-file``. When its first word is one
  of a few conventional verdicts (``ACCEPTED``, ``OK``, ``REJECTED``, ``ERROR``…)
  the status says so; otherwise the status is ``received`` and the tracker keeps
  the raw bytes for a human.

A CONTRL's verdict comes from :func:`formats.edifact.contrl.read_contrl_interchange`:
``rejected`` when the interchange (UCI 0083 = 4) or any message (UCM 0083 = 4)
is rejected, ``accepted`` when acknowledged (7), ``received`` when only received
(8) or when the CONTRL itself cannot be read; the raw interchange always
travels with the ack.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

from formats.edifact.contrl import Action, ContrlResult, read_contrl_interchange
from formats.errors import FormatError
from gateway.transports.base import Ack

__all__ = ["ack_from_file", "is_edifact_contrl"]

_VERDICTS: Final = {
    "accepted": "accepted",
    "ok": "accepted",
    "ack": "accepted",
    "rejected": "rejected",
    "error": "rejected",
    "nack": "rejected",
    "warning": "warning",
}
_DETAIL_LIMIT: Final = 200


def is_edifact_contrl(content: bytes) -> bool:
    """Return whether ``content`` is an EDIFACT interchange carrying a CONTRL message."""
    data = content.lstrip(b"\xef\xbb\xbf \r\n\t")
    component, element = b":", b"+"
    if data.startswith(b"UNA") and len(data) >= 9:
        # UNA gives the service characters: component, element, decimal, release, repetition, terminator.
        component, element = data[3:4], data[4:5]
    elif not data.startswith(b"UNB"):
        return False
    head = re.escape(b"UNH" + element) + b"[^" + re.escape(element) + b"]*" + re.escape(element)
    return re.search(head + re.escape(b"CONTRL" + component), data) is not None


def _contrl_verdict(name: str, content: bytes) -> tuple[str, str]:
    try:
        results = read_contrl_interchange(content)
    except FormatError as exc:
        return "received", f"CONTRL {name} unreadable: {exc.one_line()}"
    refs = ", ".join(r.interchange_reference for r in results)
    if any(_rejects(r) for r in results):
        codes = [r.error.code for r in results if r.error] + [
            e.code for r in results for m in r.messages for e in m.errors
        ]
        reason = f" (syntax error code {', '.join(codes)})" if codes else ""
        return "rejected", f"CONTRL {name}: interchange {refs} rejected{reason}"
    if all(r.action == Action.ACKNOWLEDGED for r in results):
        return "accepted", f"CONTRL {name}: interchange {refs} acknowledged"
    return "received", f"CONTRL {name}: interchange {refs} received, not yet checked"


def _rejects(result: ContrlResult) -> bool:
    return result.action == Action.REJECTED or any(m.action == Action.REJECTED for m in result.messages)


def ack_from_file(*, channel: str, name: str, content: bytes, message_id: str, mtime: float | None) -> Ack:
    """Return the acknowledgement that file ``name`` carries for ``message_id``.

    :param channel: the channel's name, which prefixes the kind of a plain ack file.
    :param mtime: the file's modification time (seconds since the epoch), used as :attr:`Ack.at`.
    """
    at = datetime.fromtimestamp(mtime, UTC) if mtime is not None else None
    if is_edifact_contrl(content):
        status, detail = _contrl_verdict(name, content)
        return Ack(message_id, "edifact-contrl", status, detail, at, content)
    text = content[:_DETAIL_LIMIT].decode("utf-8", errors="replace").strip()
    first_line = text.splitlines()[0] if text else ""
    words = first_line.split(maxsplit=1)
    first_word = words[0].strip(":;,.").lower() if words else ""
    status = _VERDICTS.get(first_word, "received")
    detail = f"{name}: {first_line}" if first_line else name
    return Ack(message_id, f"{channel}-ack-file", status, detail, at, content)
