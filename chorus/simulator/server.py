"""Run the simulator: in the foreground (:func:`serve`) or in a background thread (:class:`RunningSimulator`)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn

from chorus.simulator.app import create_app
from chorus.simulator.directory import DEMO_FIXTURE, Directory, load_directory
from chorus.simulator.inspection import Inspector
from chorus.simulator.state import SimulatorState

__all__ = ["RunningSimulator", "serve"]


def serve(
    host: str = "127.0.0.1",
    port: int = 8787,
    *,
    directory: Directory | None = None,
    token_lifetime_s: int = 3600,
    instant_flows: bool = False,
) -> None:
    """Serve the simulator until interrupted.

    :param directory: structures and accounts; the demo fixture otherwise.
    :param token_lifetime_s: ``expires_in`` of issued tokens.
    :param instant_flows: finish each flow's processing at deposit instead of step by step.
    """
    state = SimulatorState(
        directory if directory is not None else load_directory(DEMO_FIXTURE),
        token_lifetime_s=token_lifetime_s,
        instant_flows=instant_flows,
    )
    uvicorn.run(create_app(state), host=host, port=port, log_level="info")


class RunningSimulator:
    """The simulator on 127.0.0.1 and an ephemeral port, in a daemon thread, for tests and demos.

    ``with RunningSimulator(state) as sim: ... sim.base_url ...``
    """

    def __init__(self, state: SimulatorState, *, inspector: Inspector | None = None, host: str = "127.0.0.1") -> None:
        self.state = state
        self._host = host
        # The port is chosen by the OS through a socket we bind ourselves and hand to uvicorn, so no race.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(create_app(state, inspector), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="chorus-simulator", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: both the token host and the API base."""
        return f"http://{self._host}:{self.port}"

    def _run(self) -> None:
        self._server.run(sockets=[self._socket])

    def start(self, timeout_s: float = 10.0) -> Self:
        """Start serving; return once the server accepts connections.

        :raises RuntimeError: it did not start in time.
        """
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Chorus Pro simulator did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
