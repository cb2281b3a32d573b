"""MDN dispositions (RFC 3798 §3.2.6, RFC 4130 §7.4.3) and what the sender asked for (§7.3)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.transports.as2.algorithms import DigestAlgorithm, parse_digest
from gateway.transports.as2.errors import MalformedMessage, UnsupportedAlgorithm
from gateway.transports.as2.mime import Header, header_value

__all__ = ["Disposition", "MdnRequest", "parse_mdn_request"]

_MODE = "automatic-action/MDN-sent-automatically"


@dataclass(frozen=True, slots=True)
class Disposition:
    """``processed``, ``processed/warning: duplicate-document``, ``processed/error: decryption-failed``..."""

    type: str = "processed"
    """``processed`` or ``failed`` (the latter for ``failed/Failure: unsupported format``)."""
    modifier: str | None = None
    """``error``, ``warning`` or ``failure``, lower-cased."""
    description: str | None = None
    """The modifier's text: ``decryption-failed``, ``duplicate-document``..."""
    mode: str = _MODE

    @classmethod
    def processed(cls) -> Disposition:
        """Return the plain success disposition."""
        return cls()

    @classmethod
    def warning(cls, description: str) -> Disposition:
        """Return ``processed/warning: <description>`` (e.g. ``duplicate-document``)."""
        return cls("processed", "warning", description)

    @classmethod
    def error(cls, description: str) -> Disposition:
        """Return ``processed/error: <description>`` (e.g. ``authentication-failed``)."""
        return cls("processed", "error", description)

    @property
    def status(self) -> str:
        """``accepted``, ``warning`` or ``rejected``: the ack status for the timeline."""
        if self.type != "processed" or self.modifier in ("error", "failure"):
            return "rejected"
        return "warning" if self.modifier == "warning" else "accepted"

    def header_value(self) -> str:
        """Return the ``Disposition:`` field value."""
        text = f"{self.mode}; {self.type}"
        if self.modifier:
            text += f"/{self.modifier}: {self.description or ''}".rstrip()
        return text

    @classmethod
    def parse(cls, value: str) -> Disposition:
        """Read a ``Disposition:`` value; case of the modifier (``Error``, ``Warning``) is ignored.

        :raises MalformedMessage: no ``;`` between mode and type.
        """
        mode, sep, rest = value.partition(";")
        if not sep:
            raise MalformedMessage(f"malformed Disposition {value[:80]!r}")
        kind, _, modifier_text = rest.strip().partition("/")
        modifier, _, description = modifier_text.partition(":")
        return cls(
            type=kind.strip().lower(),
            modifier=modifier.strip().lower() or None,
            description=description.strip() or None,
            mode=mode.strip(),
        )


@dataclass(frozen=True, slots=True)
class MdnRequest:
    """What the sender asked for in Disposition-Notification-* and Receipt-Delivery-Option."""

    requested: bool
    signed: bool = False
    """A ``pkcs7-signature`` receipt was asked for."""
    signed_required: bool = False
    micalgs: tuple[DigestAlgorithm, ...] = ()
    """The ``signed-receipt-micalg`` list we support, in the sender's order."""
    async_url: str | None = None


def _options(value: str) -> dict[str, tuple[str, list[str]]]:
    # signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1
    options: dict[str, tuple[str, list[str]]] = {}
    for chunk in value.split(";"):
        name, sep, rest = chunk.partition("=")
        if not sep:
            continue
        items = [item.strip().strip('"') for item in rest.split(",") if item.strip()]
        if items:
            options[name.strip().lower()] = (items[0].lower(), items[1:])
    return options


def parse_mdn_request(headers: Sequence[Header]) -> MdnRequest:
    """Read the MDN request from the message headers (unknown digest names are skipped)."""
    if header_value(headers, "Disposition-Notification-To") is None:
        return MdnRequest(requested=False)
    options = _options(header_value(headers, "Disposition-Notification-Options") or "")
    importance, protocols = options.get("signed-receipt-protocol", ("optional", []))
    micalg_importance, names = options.get("signed-receipt-micalg", ("optional", []))
    micalgs = []
    for name in names:
        try:
            micalgs.append(parse_digest(name))
        except UnsupportedAlgorithm:
            continue
    delivery = header_value(headers, "Receipt-Delivery-Option")
    return MdnRequest(
        requested=True,
        signed=any(p.lower() == "pkcs7-signature" for p in protocols),
        signed_required=importance == "required" or micalg_importance == "required",
        micalgs=tuple(micalgs),
        async_url=re.sub(r"\s+", "", delivery) if delivery else None,
    )
