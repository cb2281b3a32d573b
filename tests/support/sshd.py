"""The real OpenSSH ``sshd`` the tests use as an SFTP partner: the same launcher as the demo's.

See :mod:`gateway.peers.sshd` for the recipe (``gateway-anchors.md`` §5b), the
port locking that keeps ``pytest -n`` workers apart, and why every failure
raises :class:`SshdError` with the server's log instead of skipping.
"""

from gateway.peers.sshd import SSHD, SshdError, SshdServer, generate_ed25519

__all__ = ["SSHD", "SshdError", "SshdServer", "generate_ed25519"]
