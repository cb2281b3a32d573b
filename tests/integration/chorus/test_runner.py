"""``python -m chorus.simulator`` as a separate process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from .conftest import APP


def test_help_describes_the_options() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chorus.simulator", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    for option in ("--port", "--fixture", "--token-lifetime", "--instant-flows"):
        assert option in done.stdout


def test_the_runner_serves_tokens() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "chorus.simulator", "--port", str(port), "--token-lifetime", "60"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        form = {"grant_type": "client_credentials", "client_id": APP[0], "client_secret": APP[1], "scope": "openid"}
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/api/oauth/token", data=form, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        assert response.json()["expires_in"] == 60
    finally:
        process.terminate()
        process.wait(timeout=10)
