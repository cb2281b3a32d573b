"""``python -m chorus.simulator``: serve the Chorus Pro simulator in the foreground."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chorus.simulator.directory import DEMO_FIXTURE, load_directory
from chorus.simulator.server import serve
from formats.errors import ConfigError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and serve; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m chorus.simulator",
        description="A local Chorus Pro (PISTE) simulator: token endpoint, /cpro/... operations, "
        "flow processing with real XSD checks, a public-buyer status machine. "
        "Point a client at http://HOST:PORT (token URL http://HOST:PORT/api/oauth/token).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on (default: %(default)s)")
    parser.add_argument(
        "--fixture",
        type=Path,
        default=DEMO_FIXTURE,
        help="YAML directory of applications, accounts and structures (default: the demo fixture)",
    )
    parser.add_argument(
        "--token-lifetime", type=int, default=3600, help="expires_in of issued tokens, seconds (default: %(default)s)"
    )
    parser.add_argument(
        "--instant-flows", action="store_true", help="integrate or reject each flow at deposit, not step by step"
    )
    args = parser.parse_args(argv)
    try:
        directory = load_directory(args.fixture)
    except ConfigError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    serve(
        args.host,
        args.port,
        directory=directory,
        token_lifetime_s=args.token_lifetime,
        instant_flows=args.instant_flows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
