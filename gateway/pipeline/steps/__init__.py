"""The pipeline steps, in order. Each is ``step(message, context) -> list[Event]`` and imports no other step."""

from gateway.pipeline.steps.detect import detect_step
from gateway.pipeline.steps.read import read_step
from gateway.pipeline.steps.recipient_rules import recipient_rules_step
from gateway.pipeline.steps.render import render_step
from gateway.pipeline.steps.route import route_step
from gateway.pipeline.steps.validate import validate_step

__all__ = [
    "STEPS",
    "detect_step",
    "read_step",
    "recipient_rules_step",
    "render_step",
    "route_step",
    "validate_step",
]

#: The intake pipeline up to the outbox; delivery and tracking run in the outbox worker.
STEPS = (detect_step, read_step, validate_step, route_step, recipient_rules_step, render_step)
