"""A real OpenSSH ``sshd`` on 127.0.0.1, as the SFTP partner of the demo, the tests and the benchmarks.

Recipe: ``gateway-anchors.md`` §5b. Keys are generated in a temporary directory
(ed25519 host key, ed25519 client key), the server only speaks SFTP
(``ForceCommand internal-sftp -d <home>``), and it logs to ``sshd.log`` there.

Ports come from 20000–29999, outside Linux's ephemeral range, so a port our
server gave up is not handed to some outgoing connection before a restart; a
``flock`` on ``<tmp>/aiguillage-sshd-ports/<port>.lock``, held for the server's
lifetime, keeps two ``pytest -n`` workers (or two checkouts) off the same port.

:meth:`SshdServer.stop` ends the listener *and* the per-connection processes it
forked (sshd keeps sessions alive across a listener restart by design), so a
client sees the partner really go down. Every failure raises
:class:`SshdError` with the server's log: never a skip.
"""

from __future__ import annotations

import fcntl
import getpass
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

__all__ = ["SSHD", "SshdError", "SshdServer", "generate_ed25519"]

SSHD = Path("/usr/sbin/sshd")
_PORTS = range(20000, 30000)
_LOCK_DIR = Path(tempfile.gettempdir()) / "aiguillage-sshd-ports"
_START_TIMEOUT = 10.0


class SshdError(RuntimeError):
    """sshd is missing, its configuration is refused, or it did not start."""


def generate_ed25519(path: Path, *, passphrase: bytes | None = None) -> str:
    """Write an OpenSSH ed25519 private key to ``path`` (mode 0600) and ``path.pub``; return the public line."""
    key = ed25519.Ed25519PrivateKey.generate()
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption)
    path.write_bytes(private)
    path.chmod(0o600)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    line = public.decode("ascii")
    path.with_name(path.name + ".pub").write_text(line + "\n")
    return line


def _children(pid: int) -> list[int]:
    """Return every descendant of ``pid`` (sshd's per-connection processes call setsid, so no group kill)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _reserve_port() -> tuple[int, IO[bytes]]:
    _LOCK_DIR.mkdir(exist_ok=True)
    candidates = list(_PORTS)
    random.shuffle(candidates)
    for port in candidates[:200]:
        lock = (_LOCK_DIR / f"{port}.lock").open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        if _port_free(port):
            return port, lock
        lock.close()
    raise SshdError("no free port in 20000-29999 after 200 tries")


@dataclass
class SshdServer:
    """One sshd process serving SFTP from :attr:`home`; start, stop and restart it on the same port."""

    directory: Path
    """Keys, config, log and the SFTP home live here."""
    username: str = field(default_factory=getpass.getuser)
    port: int = 0
    host_key_line: str = ""
    """The server's public key, ``ssh-ed25519 AAAA…``: what a channel pins as ``host-key``."""
    _process: subprocess.Popen[bytes] | None = None
    _port_lock: IO[bytes] | None = None

    @property
    def home(self) -> Path:
        """The SFTP login directory; remote relative paths resolve here."""
        return self.directory / "home"

    @property
    def client_key(self) -> Path:
        """The authorised client private key (OpenSSH format, no passphrase)."""
        return self.directory / "client_ed25519"

    @property
    def log_path(self) -> Path:
        return self.directory / "sshd.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def setup(self) -> None:
        """Create keys, home and config; reserve the port. Called once by :meth:`start`."""
        if not SSHD.is_file():
            raise SshdError(f"{SSHD} not found: install openssh-server (apt-get install -y openssh-server)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(exist_ok=True)
        self.host_key_line = generate_ed25519(self.directory / "host_ed25519")
        client_line = generate_ed25519(self.client_key)
        (self.directory / "authorized_keys").write_text(client_line + "\n")
        self.port, self._port_lock = _reserve_port()
        (self.directory / "sshd_config").write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.directory / 'host_ed25519'}",
                    f"PidFile {self.directory / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.directory / 'authorized_keys'}",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    f"AllowUsers {self.username}",
                    "Subsystem sftp internal-sftp",
                    f"ForceCommand internal-sftp -d {self.home}",
                    # The "partner down" test restarts the server while clients retry; never rate-limit them.
                    "MaxStartups 100",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        if os.geteuid() == 0:
            # The privilege-separation directory; Debian creates it only when the service starts.
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        checked = subprocess.run(
            [str(SSHD), "-t", "-f", str(self.directory / "sshd_config")],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            raise SshdError(f"sshd -t refused the configuration:\n{checked.stderr}")

    def start(self) -> None:
        """Start sshd (setting it up the first time) and wait until it answers with its banner."""
        if not self.port:
            self.setup()
        if self.running:
            return
        log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(self.directory / "sshd_config")],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise SshdError(f"sshd exited with {self._process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(64).startswith(b"SSH-2.0-"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SshdError(f"sshd did not answer on 127.0.0.1:{self.port} within {_START_TIMEOUT:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        """Stop the listener and every session it forked; the port stays reserved for :meth:`start`."""
        process, self._process = self._process, None
        if process is None:
            return
        victims = [*_children(process.pid), process.pid]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        for pid in victims[:-1]:
            # Session processes are not our direct children (init reaps them): wait until they are dead.
            deadline = time.monotonic() + 5
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)

    def restart(self) -> None:
        """Stop, then start on the same port."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop for good and give the port back."""
        self.stop()
        if self._port_lock is not None:
            self._port_lock.close()
            self._port_lock = None

    def log(self) -> str:
        """Return sshd's log so far."""
        try:
            # The last lines say why it failed; a server that looped on an error writes thousands.
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def new_dir(self, name: str) -> str:
        """Create a fresh directory under :attr:`home` and return its remote (relative) path."""
        path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.home))
        return path.name

    def channel_params(self, remote_dir: str, **extra: object) -> dict[str, object]:
        """Return an ``sftp`` channel mapping (as a partner file would give it) pointing at this server."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "username": self.username,
            "host-key": self.host_key_line,
            "key-file": str(self.client_key),
            "remote-dir": remote_dir,
            "connect-timeout": 5,
            "timeout": 10,
            **extra,
        }

    def remove(self) -> None:
        """Stop and delete the directory."""
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)
