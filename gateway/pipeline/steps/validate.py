"""Step 3: run the configured validation layers; an error-level finding quarantines the invoice.

The source document is validated as received (a hybrid PDF through its XML).
A plain PDF has no invoice XML to check, so the CII rendering of what its
mapping extracted is validated instead.
"""

from __future__ import annotations

from formats.errors import ArtefactError
from formats.rendering import render_invoice
from formats.validation.findings import Flag
from gateway.pipeline.events import Event
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status

__all__ = ["validate_step"]

#: At most this many failed rules are spelled out in the event's detail line.
_SHOWN = 5


def validate_step(message: Message, context: StepContext) -> list[Event]:
    """Validate the document with the context's layers."""
    if context.validator is None or not context.layers:
        return [Event("validate", "validated", Status.VALIDATED, "validation switched off", {"layers": []})]
    document = message.content
    if message.parsed is not None and message.parsed.mapped_by is not None:
        document = render_invoice(message.parsed.invoice, "cii", pretty=False).data
    try:
        report = context.validator.validate(document, layers=context.layers, source=message.filename)
    except ArtefactError as exc:
        # Not the invoice's fault: quarantine so it is replayed once the artefacts are installed.
        return [Event("validate", "quarantined", Status.QUARANTINED, exc.one_line(), {"code": exc.code})]
    failed = [f for f in report.findings if f.flag is Flag.FATAL]
    data = {
        "layers": list(report.layers_run),
        "findings": [
            {"rule": f.rule, "flag": str(f.flag), "layer": f.layer, "message": f.message} for f in report.findings
        ],
    }
    if failed:
        rules = sorted({f.rule for f in failed})
        shown = ", ".join(rules[:_SHOWN]) + (f" and {len(rules) - _SHOWN} more" if len(rules) > _SHOWN else "")
        detail = f"fails {len(rules)} rule(s): {shown}"
        return [
            Event(
                "validate",
                "quarantined",
                Status.QUARANTINED,
                detail,
                {"code": "validation.failed", "rules": rules, **data},
            )
        ]
    warnings = sum(1 for f in report.findings if f.flag is Flag.WARNING)
    detail = f"valid ({', '.join(report.layers_run)})" + (f", {warnings} warning(s)" if warnings else "")
    return [Event("validate", "validated", Status.VALIDATED, detail, data)]
