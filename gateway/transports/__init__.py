"""Delivery channels: one interface (:mod:`.base`), one module per channel, one name table (:mod:`.registry`)."""

from gateway.transports.base import (
    Ack,
    Envelope,
    InboundFile,
    Intake,
    Outcome,
    Phase,
    SendResult,
    Transport,
)
from gateway.transports.registry import TRANSPORTS, transport_class

__all__ = [
    "Ack",
    "Envelope",
    "InboundFile",
    "Intake",
    "Outcome",
    "Phase",
    "SendResult",
    "TRANSPORTS",
    "Transport",
    "transport_class",
]
