"""Invoice formats: the EN 16931 model, syntax readers and writers, validation.

This layer maps bytes to the model and back. It does no I/O beyond what it is
handed and never imports ``gateway``, ``chorus`` or ``peppol``.
"""
