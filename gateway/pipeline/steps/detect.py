"""Step 1: tell what the bytes are."""

from __future__ import annotations

from formats.detection import DocumentKind, describe, detect
from formats.errors import FormatError
from gateway.pipeline.events import Event
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status

__all__ = ["detect_step"]

_READABLE = frozenset(
    {DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE, DocumentKind.CII, DocumentKind.PDF, DocumentKind.EDIFACT}
)


def detect_step(message: Message, context: StepContext) -> list[Event]:
    """Detect the document kind; anything but an invoice we read is quarantined."""
    try:
        detected = detect(message.content, max_bytes=context.max_bytes)
    except FormatError as exc:
        return [Event("detect", "quarantined", Status.QUARANTINED, exc.one_line(), {"code": exc.code})]
    label = describe(detected)
    data = {
        "kind": detected.kind.value,
        "syntax": detected.syntax,
        "profile": detected.profile.value if detected.profile else None,
    }
    if detected.kind not in _READABLE:
        code = "format.legacy" if detected.kind is DocumentKind.ZUGFERD_1 else "format.unsupported"
        return [
            Event(
                "detect",
                "quarantined",
                Status.QUARANTINED,
                f"not an invoice Aiguillage reads: {label}",
                {"code": code, **data},
            )
        ]
    return [Event("detect", "detected", None, label, data, payload=detected)]
