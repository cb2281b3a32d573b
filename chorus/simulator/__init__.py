"""A local Chorus Pro simulator, served over real HTTP for tests and demos.

- :mod:`.directory`: applications, technical accounts, structures, services, EJs (YAML fixture);
- :mod:`.inspection`: what the intake checks in a file (syntax, official XSDs);
- :mod:`.acceptance`: whether a readable invoice is routed (recipient, service, EJ, duplicate);
- :mod:`.lifecycle`: the invoice status machine;
- :mod:`.state`: the thread-safe in-memory platform;
- :mod:`.operations`: one handler per API path;
- :mod:`.app`: the FastAPI app (PISTE auth, envelope, admin hooks);
- :mod:`.server`: :func:`serve` and :class:`RunningSimulator`.

Run it with ``python -m chorus.simulator --help``.
"""

from chorus.simulator.app import create_app
from chorus.simulator.directory import DEMO_FIXTURE, Directory, load_directory
from chorus.simulator.inspection import Inspector
from chorus.simulator.server import RunningSimulator, serve
from chorus.simulator.state import SimulatorState

__all__ = [
    "DEMO_FIXTURE",
    "Directory",
    "Inspector",
    "RunningSimulator",
    "SimulatorState",
    "create_app",
    "load_directory",
    "serve",
]
