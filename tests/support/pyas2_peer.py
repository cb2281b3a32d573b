"""django-pyas2 as an independent AS2 peer on loopback, run from the GPL-only ``.venv-peers``.

django-pyas2 1.2.3 on pyas2lib 1.4.4 (gateway-anchors §5a) is a second AS2 stack,
written by others: what we send, it must decrypt, verify and acknowledge; what it
sends, we must. It is GPL, so this module never imports it: every step runs as a
subprocess of ``.venv-peers/bin/python`` (created by ``tests/support/make_peers_venv.sh``)
on the small project in ``tests/support/pyas2_project``:

* ``manage.py migrate`` and ``manage.py peer_setup`` (organisation, partners, keys
  through the ORM) when the peer is created;
* gunicorn serving ``/pyas2/as2receive`` on a socket we bind and hand over (no
  port race between xdist workers), or ``runserver --noreload`` on request;
* ``sendas2message``, ``manageas2server --async-mdns`` and ``peer_state`` (JSON)
  on demand.

Like every WSGI stack, django-pyas2's view reads ``request.body``: a chunked
request without Content-Length arrives empty there. Send to it with Content-Length.

Failures raise :class:`Pyas2PeerError` with the command's output or the
server's log; the fixtures turn that into a test failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization

from tests.pki import Issued

__all__ = ["PEERS_VENV", "PROJECT", "PartnerSpec", "Pyas2Peer", "Pyas2PeerError", "make_peers_venv_hint"]

REPO = Path(__file__).resolve().parents[2]
PEERS_VENV = Path(os.environ.get("AIGUILLAGE_PEERS_VENV", REPO / ".venv-peers"))
PROJECT = Path(__file__).resolve().parent / "pyas2_project"
MAKE_VENV = Path(__file__).resolve().parent / "make_peers_venv.sh"
_LOG_TAIL = 6000


def make_peers_venv_hint() -> str:
    return f"create it with: sh {MAKE_VENV.relative_to(REPO)}"


class Pyas2PeerError(RuntimeError):
    """The peer could not be set up, started or driven; the message carries its output."""


@dataclass(frozen=True)
class PartnerSpec:
    """One partner as django-pyas2 stores it (its ``Partner`` model's field values)."""

    as2_name: str
    certificate: Issued
    """Verifies the partner's signatures and MDNs; django-pyas2 encrypts to it."""
    target_url: str
    compress: bool = True
    encryption: str | None = "aes_256_cbc"
    signature: str | None = "sha256"
    mdn: bool = True
    mdn_mode: Literal["SYNC", "ASYNC"] = "SYNC"
    mdn_sign: str | None = "sha256"
    content_type: str = "application/EDIFACT"


class Pyas2Peer:
    """One django-pyas2 server with its own database and MEDIA_ROOT under ``home``.

    :param as2_name: the peer's organisation (its AS2 name).
    :param identity: the organisation's key and certificate (signs, decrypts).
    :param server: ``gunicorn`` (one worker; what a production install runs) or ``runserver``.
    """

    def __init__(
        self,
        home: Path,
        *,
        as2_name: str,
        identity: Issued,
        server: Literal["gunicorn", "runserver"] = "gunicorn",
        venv: Path = PEERS_VENV,
    ) -> None:
        self.home = home
        self.as2_name = as2_name
        self.identity = identity
        self.server = server
        self.python = venv / "bin" / "python"
        self.media = home / "media"
        self._log_path = home / "server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._partners: dict[str, PartnerSpec] = {}
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The AS2 receiving URL (messages and asynchronous MDNs)."""
        return f"http://127.0.0.1:{self.port}/pyas2/as2receive"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 60.0) -> Pyas2Peer:
        """Migrate, configure the organisation, start the server and wait until it answers.

        :raises Pyas2PeerError: the venv is missing, a step failed, or the server did not answer.
        """
        if not self.python.is_file():
            raise Pyas2PeerError(f"the test-peer venv is missing ({self.python}); {make_peers_venv_hint()}")
        self.home.mkdir(parents=True, exist_ok=True)
        self.media.mkdir(exist_ok=True)
        # The port is fixed before migrate: PYAS2["MDN_URL"] (Receipt-Delivery-Option) contains it.
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        if self.server == "runserver":
            # runserver binds by itself: release the port just before it does (a small race, unlike gunicorn).
            self._socket.close()
            self._socket = None
        self.manage("migrate", "--noinput", timeout=timeout)
        self._configure()
        self._spawn()
        self._wait_ready(timeout)
        return self

    def _spawn(self) -> None:
        log = self._log_path.open("ab")
        if self.server == "gunicorn":
            assert self._socket is not None
            fd = self._socket.fileno()
            command = [
                str(self.python),
                "-m",
                "gunicorn",
                "--bind",
                f"fd://{fd}",
                "--workers",
                "1",
                "--access-logfile",
                "-",
                "--timeout",
                "120",
                # gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, shared by every peer of the run.
                "--no-control-socket",
                "peer_wsgi:application",
            ]
            self._process = subprocess.Popen(
                command, cwd=PROJECT, env=self._env(), stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,)
            )
        else:
            command = [str(self.python), "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
            self._process = subprocess.Popen(
                command, cwd=PROJECT, env=self._env(), stdout=log, stderr=subprocess.STDOUT
            )
        log.close()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if not self.running:
                raise Pyas2PeerError(f"django-pyas2 ({self.server}) exited at start-up:\n{self.log()}")
            try:
                # GET on the receive URL answers with a fixed text once Django is loaded.
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.1)
        self.close()
        raise Pyas2PeerError(f"django-pyas2 did not answer on {self.url} in {timeout:.0f} s ({last}):\n{self.log()}")

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and release the socket."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._process = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> Pyas2Peer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def log(self) -> str:
        """The tail of the server's log (stdout and stderr)."""
        if not self._log_path.is_file():
            return "(no server log)"
        return self._log_path.read_bytes()[-_LOG_TAIL:].decode(errors="replace")

    # -- configuration ---------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env.update(
            PYAS2_PEER_HOME=str(self.home),
            PYAS2_PEER_MDN_URL=self.url,
            DJANGO_SETTINGS_MODULE="peer_settings",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env

    def _write_key(self) -> Path:
        # pyas2lib's load_key reads PEM with the key and its certificate in one file.
        path = self.home / "keys" / f"{self.as2_name}.pem"
        path.parent.mkdir(exist_ok=True)
        key = self.identity.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.write_bytes(key + self.identity.pem)
        return path

    def _configure(self) -> None:
        partners = []
        for spec in self._partners.values():
            cert = self.home / "keys" / f"partner-{spec.as2_name}.crt"
            cert.parent.mkdir(exist_ok=True)
            cert.write_bytes(spec.certificate.pem)
            partners.append(
                {
                    "as2_name": spec.as2_name,
                    "cert_file": str(cert),
                    "target_url": spec.target_url,
                    "compress": spec.compress,
                    "encryption": spec.encryption,
                    "signature": spec.signature,
                    "mdn": spec.mdn,
                    "mdn_mode": spec.mdn_mode,
                    "mdn_sign": spec.mdn_sign,
                    "content_type": spec.content_type,
                }
            )
        config = {
            "organization": {"as2_name": self.as2_name, "key_file": str(self._write_key()), "key_pass": ""},
            "partners": partners,
        }
        path = self.home / "peer-config.json"
        path.write_text(json.dumps(config, indent=2))
        self.manage("peer_setup", str(path))

    def set_partner(self, spec: PartnerSpec) -> None:
        """Create or replace a partner; takes effect at once (the server reads the DB per request)."""
        self._partners[spec.as2_name] = spec
        if self.port:
            self._configure()

    # -- driving it ------------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 60.0) -> str:
        """Run ``manage.py *args`` in the peer venv and return its stdout.

        :raises Pyas2PeerError: non-zero exit or timeout, with the command's output.
        """
        command = [str(self.python), "manage.py", *args]
        try:
            result = subprocess.run(
                command, cwd=PROJECT, env=self._env(), capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise Pyas2PeerError(f"manage.py {' '.join(args)} timed out after {timeout} s") from exc
        if result.returncode != 0:
            raise Pyas2PeerError(
                f"manage.py {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout.decode(errors='replace')}{result.stderr.decode(errors='replace')[-_LOG_TAIL:]}"
            )
        return result.stdout.decode()

    def send(self, partner: str, payload: bytes, filename: str = "invoice.edi") -> dict[str, Any]:
        """Send ``payload`` to ``partner`` with ``manage.py sendas2message``; return its message row.

        The command blocks until the sync MDN is read (or the POST is answered, for async).
        """
        # sendas2message takes a path relative to MEDIA_ROOT (an absolute one trips Django's
        # path-traversal check, gateway-anchors §5a fix 3); a directory per send keeps names apart.
        before = {row["message_id"] for row in self.messages()}
        relative = Path("outbox") / f"{time.monotonic_ns()}" / filename
        (self.media / relative).parent.mkdir(parents=True)
        (self.media / relative).write_bytes(payload)
        self.manage("sendas2message", self.as2_name, partner, relative.as_posix())
        new = [row for row in self.messages() if row["message_id"] not in before and row["direction"] == "OUT"]
        if len(new) != 1:
            raise Pyas2PeerError(f"expected one new outbound message after sendas2message, found {new}")
        return new[0]

    def push_async_mdns(self) -> str:
        """POST the pending asynchronous MDNs (``manage.py manageas2server --async-mdns``)."""
        return self.manage("manageas2server", "--async-mdns")

    def messages(self) -> list[dict[str, Any]]:
        """Every message row with its MDN (``peer_state``), oldest first."""
        rows: list[dict[str, Any]] = json.loads(self.manage("peer_state"))
        return rows

    def message(self, message_id: str, direction: Literal["IN", "OUT"] | None = None) -> dict[str, Any]:
        """The row of ``message_id`` (angle brackets optional).

        :raises Pyas2PeerError: no such message.
        """
        wanted = message_id.strip("<>")
        for row in self.messages():
            if row["message_id"].strip("<>") == wanted and direction in (None, row["direction"]):
                return row
        raise Pyas2PeerError(f"django-pyas2 has no message {message_id}; log:\n{self.log()}")

    def inbox(self, partner: str) -> list[Path]:
        """Payload files received from ``partner`` (``MEDIA_ROOT/messages/<org>/inbox/<partner>/``)."""
        folder = self.media / "messages" / self.as2_name / "inbox" / partner
        return sorted(folder.iterdir()) if folder.is_dir() else []

    def inbox_file(self, partner: str, message_id: str) -> Path:
        """Where django-pyas2 saves the payload of ``message_id`` from ``partner``.

        It names the file ``<message-id>.msg`` and Django's storage drops every character
        but ``[-\\w.]`` (``get_valid_name``): ``<a@b.c>`` becomes ``ab.c.msg``.
        """
        name = re.sub(r"(?u)[^-\w.]", "", message_id.strip().strip("<>").replace(" ", "_"))
        return self.media / "messages" / self.as2_name / "inbox" / partner / f"{name}.msg"

    def pyas2lib_check(
        self,
        message: tuple[Sequence[tuple[str, str]], bytes],
        mdn: tuple[Sequence[tuple[str, str]], bytes] | None,
        *,
        receiver: tuple[str, Issued],
        sender: tuple[str, Issued],
    ) -> dict[str, Any]:
        """Re-read a raw exchange with pyas2lib alone (``pyas2_project/pyas2lib_check.py``).

        :param message: the AS2 request as (HTTP headers, body).
        :param mdn: the MDN the receiver answered, as (HTTP headers, body).
        :return: ``status``, ``detailed_status`` and ``mic`` of the message as pyas2lib reads
            it; with ``mdn``, also ``mdn_status``/``mdn_detailed_status`` (MIC compared).
        """
        work = self.home / "check" / f"{time.monotonic_ns()}"
        work.mkdir(parents=True)

        def raw(name: str, headers: Sequence[tuple[str, str]], body: bytes) -> str:
            path = work / name
            path.write_bytes("".join(f"{key}: {value}\r\n" for key, value in headers).encode() + b"\r\n" + body)
            return str(path)

        receiver_name, receiver_party = receiver
        sender_name, sender_party = sender
        key_file = work / "receiver.pem"
        key_file.write_bytes(
            receiver_party.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            + receiver_party.pem
        )
        (work / "receiver.crt").write_bytes(receiver_party.pem)
        (work / "sender.crt").write_bytes(sender_party.pem)
        config = {
            "message": raw("message", *message),
            "mdn": raw("mdn", *mdn) if mdn is not None else None,
            "receiver": {
                "as2_name": receiver_name,
                "key_file": str(key_file),
                "cert_file": str(work / "receiver.crt"),
            },
            "sender": {"as2_name": sender_name, "cert_file": str(work / "sender.crt")},
        }
        (work / "check.json").write_text(json.dumps(config))
        result = subprocess.run(
            [str(self.python), str(PROJECT / "pyas2lib_check.py"), str(work / "check.json")],
            cwd=PROJECT,
            env=self._env(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise Pyas2PeerError(
                f"pyas2lib_check.py exited {result.returncode}:\n{result.stderr.decode(errors='replace')}"
            )
        checked: dict[str, Any] = json.loads(result.stdout)
        return checked

    def read_stored(self, relative: str) -> bytes:
        """A file under MEDIA_ROOT, by the relative name django-pyas2 stored."""
        return (self.media / relative).read_bytes()

    def reset_inbox(self, partners: Sequence[str] = ()) -> None:
        """Empty the inbox folders (of ``partners``, or all), so a test sees only its own files."""
        root = self.media / "messages" / self.as2_name / "inbox"
        for folder in [root / name for name in partners] if partners else [root]:
            shutil.rmtree(folder, ignore_errors=True)
