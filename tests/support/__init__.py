"""Helpers the tests share: real peers started on loopback (sshd…)."""
