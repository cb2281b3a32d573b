"""The gateway engine: intake, routing, delivery, tracking, API and CLI."""
