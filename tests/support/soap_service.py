# mypy: ignore-errors
# (spyne ships no type information; this script only runs as the tests' peer process)
"""A real SOAP 1.1 web service for the ``soap`` channel's tests: spyne behind wsgiref, in its own process.

spyne (LGPL, test-only) generates the WSDL from the service definition and parses
and validates requests with lxml, as a partner's SOAP stack would. It runs in a
child process because it still imports ``six`` and ``cgi``, whose import-time
warnings would fail the test session (``filterwarnings = error``); the tests talk
to it over loopback HTTP only.

Run: ``python tests/support/soap_service.py OUTDIR [basic|ws-security|none]``; it
prints ``PORT <n>`` once listening and writes each received file into OUTDIR.

The service: ``submitInvoice(fileName, content, messageId, docFormat)`` returns a
``Receipt`` (``status``, ``ticket``). A file that is not XML or PDF gets status
``REFUSED``; a file named ``fault.xml`` gets a SOAP Fault (``Client.Duplicate``).
"""

from __future__ import annotations

import base64
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

warnings.simplefilter("ignore")  # spyne's own import-time deprecations, in this process only

from lxml import etree  # noqa: E402
from spyne import Application, ByteArray, ComplexModel, Fault, ServiceBase, Unicode, rpc  # noqa: E402
from spyne.protocol.soap import Soap11  # noqa: E402
from spyne.server.wsgi import WsgiApplication  # noqa: E402

USER, PASSWORD = "aiguillage", "soap-secret"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
TNS = "urn:aiguillage:test:invoices"


class Receipt(ComplexModel):
    __namespace__ = TNS
    status = Unicode
    ticket = Unicode


def make_service(outdir: Path) -> type[ServiceBase]:
    class InvoiceService(ServiceBase):
        @rpc(Unicode, ByteArray, Unicode, Unicode, _returns=Receipt)
        def submitInvoice(ctx: Any, fileName: str, content: Any, messageId: str, docFormat: str) -> Receipt:  # noqa: N802, N803, N805
            data = b"".join(content or [])
            if fileName == "fault.xml":
                raise Fault("Client.Duplicate", f"invoice {messageId} was already received")
            ticket = f"T-{len(list(outdir.iterdir())) + 1:05d}"
            (outdir / f"{ticket}-{fileName}").write_bytes(data)
            (outdir / f"{ticket}.meta").write_text(f"{messageId} {docFormat}", encoding="utf-8")
            status = "ACCEPTED" if data.startswith((b"<", b"%PDF")) else "REFUSED"
            return Receipt(status=status, ticket=ticket)

    return InvoiceService


def _refuse(start: Callable[..., Any], status: str) -> list[bytes]:
    start(status, [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Basic realm="soap"')])
    return [b"authentication required\n"]


def guard(app: WsgiApplication, mode: str) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """Check HTTP basic or a WS-Security UsernameToken (PasswordText) before spyne sees the request."""

    def wrapped(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "POST" or mode == "none":
            return app(environ, start)
        if mode == "basic":
            expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if environ.get("HTTP_AUTHORIZATION") != expected:
                return _refuse(start, "401 Unauthorized")
            return app(environ, start)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        tree = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        user = tree.findtext(f".//{{{WSSE}}}Username")
        password = tree.findtext(f".//{{{WSSE}}}Password")
        if (user, password) != (USER, PASSWORD):
            return _refuse(start, "401 Unauthorized")
        from io import BytesIO

        environ["wsgi.input"] = BytesIO(body)
        return app(environ, start)

    return wrapped


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    outdir = Path(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "none"
    application = Application(
        [make_service(outdir)], tns=TNS, in_protocol=Soap11(validator="lxml"), out_protocol=Soap11()
    )
    server = make_server("127.0.0.1", 0, guard(WsgiApplication(application), mode), handler_class=_Quiet)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
