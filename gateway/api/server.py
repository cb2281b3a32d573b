"""Run the API under uvicorn: in the foreground (:func:`serve`) or in a thread (:class:`ApiServer`)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from gateway.api.app import create_app
from gateway.app import Gateway

__all__ = ["ApiServer", "serve"]


def _config(app: FastAPI) -> uvicorn.Config:
    # log_config=None: keep the process's logging (and its redaction filter) instead of uvicorn's own.
    return uvicorn.Config(app, log_config=None, access_log=True, lifespan="off", server_header=False)


def serve(gateway: Gateway, host: str | None = None, port: int | None = None) -> None:
    """Serve the API of ``gateway`` until interrupted (SIGINT/SIGTERM when in the main thread).

    :param host: default: the ``api.host`` setting.
    :param port: default: the ``api.port`` setting.
    """
    config = _config(create_app(gateway))
    config.host = host or gateway.config.api_host
    config.port = port if port is not None else gateway.config.api_port
    uvicorn.Server(config).run()


class ApiServer:
    """The API served from a background thread, on a socket bound before start (port 0 picks a free one).

    ``stop()`` (or leaving the ``with`` block) asks uvicorn to finish the
    requests in progress and waits for the thread.
    """

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.create_server((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._server = uvicorn.Server(_config(app))
        self._thread = threading.Thread(target=self._run, name=f"api:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        self._server.run(sockets=[self._socket])

    def start(self, timeout: float = 10.0) -> ApiServer:
        """Start serving and return once uvicorn accepts connections.

        :raises RuntimeError: it did not start within ``timeout`` seconds.
        """
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the API server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
