"""The ``gateway`` command line: thin shells over library functions."""
