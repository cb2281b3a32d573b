"""Run validation layers on a message and say the outcome as events (shared by the validate steps)."""

from __future__ import annotations

from collections.abc import Sequence

from formats.errors import ArtefactError
from formats.rendering import render_invoice
from formats.validation.engine import Validator
from formats.validation.findings import Flag
from formats.validation.layers import Layer
from gateway.pipeline.events import Event
from gateway.pipeline.message import Message
from gateway.pipeline.status import Status

__all__ = ["validation_events"]

#: At most this many failed rules are spelled out in the event's detail line.
_SHOWN = 5


def validation_events(
    message: Message, validator: Validator, layers: Sequence[Layer], *, step: str, why: str = ""
) -> list[Event]:
    """Validate the message's document with ``layers``; an error-level finding quarantines it.

    The source document is validated as received (a hybrid PDF through its XML).
    A plain PDF has no invoice XML to check, so the CII rendering of what its
    mapping extracted is validated instead.

    :param why: appended to the detail line (e.g. "for partner acme").
    """
    document = message.content
    if message.parsed is not None and message.parsed.mapped_by is not None:
        document = render_invoice(message.parsed.invoice, "cii", pretty=False).data
    try:
        report = validator.validate(document, layers=layers, source=message.filename)
    except ArtefactError as exc:
        # Not the invoice's fault: quarantine so it is replayed once the artefacts are installed.
        return [Event(step, "quarantined", Status.QUARANTINED, exc.one_line(), {"code": exc.code})]
    failed = [f for f in report.findings if f.flag is Flag.FATAL]
    data = {
        "layers": list(report.layers_run),
        "findings": [
            {"rule": f.rule, "flag": str(f.flag), "layer": f.layer, "message": f.message} for f in report.findings
        ],
    }
    suffix = f" {why}" if why else ""
    if failed:
        rules = sorted({f.rule for f in failed})
        shown = ", ".join(rules[:_SHOWN]) + (f" and {len(rules) - _SHOWN} more" if len(rules) > _SHOWN else "")
        detail = f"fails {len(rules)} rule(s){suffix}: {shown}"
        return [
            Event(
                step, "quarantined", Status.QUARANTINED, detail, {"code": "validation.failed", "rules": rules, **data}
            )
        ]
    warnings = sum(1 for f in report.findings if f.flag is Flag.WARNING)
    detail = f"valid ({', '.join(report.layers_run)}){suffix}" + (f", {warnings} warning(s)" if warnings else "")
    return [Event(step, "validated", Status.VALIDATED, detail, data)]
