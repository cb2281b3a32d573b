"""One module per group of operations; each builds its router for one gateway (no module state)."""
