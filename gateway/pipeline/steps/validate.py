"""Step 3: run the gateway's validation layers (``validation.layers``); a failure quarantines the invoice."""

from __future__ import annotations

from gateway.pipeline.events import Event
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status
from gateway.pipeline.validation_events import validation_events

__all__ = ["validate_step"]


def validate_step(message: Message, context: StepContext) -> list[Event]:
    """Validate the document with the context's layers."""
    if context.validator is None or not context.layers:
        return [Event("validate", "validated", Status.VALIDATED, "validation switched off", {"layers": []})]
    return validation_events(message, context.validator, context.layers, step="validate")
