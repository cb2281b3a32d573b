"""The engine tests talk to real peers: private OpenSSH servers from :mod:`tests.support.fixtures`."""

import pytest

from tests.support.fixtures import sshd_factory

__all__ = ["sshd_factory"]


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker itself; declare it too so that `-p no:xdist` runs pass --strict-markers.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker (--dist loadgroup)")
