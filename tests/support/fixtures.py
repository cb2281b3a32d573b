"""Pytest fixtures for the real peers of :mod:`tests.support` (register with ``pytest_plugins``).

* ``sshd_factory`` (session): ``sshd_factory()`` starts a new, private
  :class:`~tests.support.sshd.SshdServer`; all are stopped at session end. Use
  it for tests that stop or restart the server.
* ``sshd`` (function): the worker's shared server, started on first use and
  restarted if an earlier test left it stopped. Give each test its own
  directory with ``sshd.new_dir("name")``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.sshd import SshdError, SshdServer


@pytest.fixture(scope="session")
def sshd_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], SshdServer]]:
    servers: list[SshdServer] = []

    def start() -> SshdServer:
        server = SshdServer(Path(tmp_path_factory.mktemp("sshd")))
        servers.append(server)
        try:
            server.start()
        except SshdError as exc:
            server.close()
            pytest.fail(str(exc), pytrace=False)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def _shared_sshd(sshd_factory: Callable[[], SshdServer]) -> SshdServer:
    return sshd_factory()


@pytest.fixture
def sshd(_shared_sshd: SshdServer) -> SshdServer:
    if not _shared_sshd.running:
        try:
            _shared_sshd.start()
        except SshdError as exc:
            pytest.fail(str(exc), pytrace=False)
    return _shared_sshd
