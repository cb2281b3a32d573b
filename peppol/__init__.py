"""Peppol: identifiers, SMP lookup, SBDH, AS4."""
