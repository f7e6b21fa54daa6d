"""``tawasul nafath-sim``: the Nafath simulator, and the resident's phone that answers it."""

import argparse
import errno
from typing import Any

from kiosk.cli.arguments import path_argument
from kiosk.config import Bounds
from kiosk.domain.digits import normalise_digits
from kiosk.domain.identity import parse_id
from kiosk.errors import InvalidInput

# The simulator (jwt, cryptography, http.server: ~0.2 s) loads only when its commands run:
# `tawasul kiosk` and `tawasul staff` build this parser at every start.
from kiosk.nafath.api import DEFAULT_PORT, LOGIN_WINDOW_SECONDS, ProviderError, load_credentials

PORTS = Bounds(0, 65535)
WINDOWS = Bounds(1, 600)


def register(commands: Any) -> None:
    """Add ``nafath-sim`` (serve) and its ``approve`` and ``reject`` actions to *commands*."""
    sim = commands.add_parser(
        "nafath-sim",
        help="a Nafath simulator on 127.0.0.1 for training and tests",
        description=(
            "Serve the Nafath integrators' API on 127.0.0.1. Its APP-ID and APP-KEY come from "
            "TAWASUL_NAFATH_APP_ID and TAWASUL_NAFATH_APP_KEY, or --credentials-file."
        ),
    )
    sim.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    sim.add_argument(
        "--window",
        type=float,
        default=LOGIN_WINDOW_SECONDS,
        help=f"decision window in seconds (default {LOGIN_WINDOW_SECONDS:g}, the Login service's)",
    )
    sim.add_argument(
        "--credentials-file",
        type=path_argument,
        default=None,
        help='a TOML file with app_id = "…" and app_key = "…"',
    )
    sim.set_defaults(run=_run_serve)
    actions = sim.add_subparsers(dest="sim_command", metavar="ACTION")
    for name, approve in (("approve", True), ("reject", False)):
        phone = actions.add_parser(
            name, help=f"{name} the waiting request of an ID on the resident's phone"
        )
        phone.add_argument("id_number", metavar="ID", help="the ID number the kiosk was given")
        phone.add_argument("number", metavar="NUMBER", help="the number chosen in the app")
        phone.add_argument("--port", type=int, default=DEFAULT_PORT, help="the simulator's port")
        phone.set_defaults(run=_run_phone, approve=approve)


def _run_serve(args: argparse.Namespace) -> int:
    from kiosk.nafath.simulator import NafathSimulator, make_server

    PORTS.check("--port", args.port)
    WINDOWS.check("--window", args.window)
    credentials_file = str(args.credentials_file) if args.credentials_file else ""
    simulator = NafathSimulator(load_credentials(credentials_file), args.window)
    try:
        server = make_server(simulator, args.port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise InvalidInput(f"Port {args.port} on 127.0.0.1 is already in use.") from None
        raise
    port = server.server_address[1]
    print(
        f"nafath-sim: listening on http://127.0.0.1:{port} "
        f"(decision window {args.window:g} s); Ctrl+C stops it",
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _run_phone(args: argparse.Namespace) -> int:
    from kiosk.nafath.simulator import answer_on_phone

    PORTS.check("--port", args.port)
    national_id = parse_id(args.id_number)
    number = normalise_digits(args.number)  # Arabic-Indic digits welcome, as everywhere
    try:
        said = answer_on_phone(f"http://127.0.0.1:{args.port}", national_id, number, args.approve)
    except ProviderError as error:
        raise InvalidInput(f"{error}.") from None
    print(said)
    return 0
