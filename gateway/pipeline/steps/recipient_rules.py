"""Step 5: the layers the recipient asks for on top of the gateway's (``receives.validate``).

A public buyer may require the French BR-FR rules, a Peppol partner the Peppol
BIS rules: those are known only once the invoice is routed. Layers the
validate step already ran are not run twice.
"""

from __future__ import annotations

from formats.validation.layers import Layer
from gateway.pipeline.events import Event
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.validation_events import validation_events

__all__ = ["recipient_rules_step"]


def recipient_rules_step(message: Message, context: StepContext) -> list[Event]:
    """Validate with the partner's extra layers, if any."""
    assert message.partner_id is not None, "runs after route"
    partner = context.partners.partners[message.partner_id]
    extra = [Layer(name) for name in partner.validate if Layer(name) not in context.layers]
    if not extra or context.validator is None:
        return []
    return validation_events(message, context.validator, extra, step="recipient", why=f"for {partner.id}")
