"""Run the local emulator of the RongCloud and Easemob / Agora Chat server APIs as a process.

    python -m imcloud.emulator [--hosts N] [--bind ADDR] [--ports P1,P2,...] [--admin-port P]

For tests written in other languages, or a service in docker-compose. Once every port is bound it
prints one line of JSON to standard output, then a line for people to standard error, and serves
until SIGINT (Ctrl-C) or SIGTERM, when it stops and exits with status 0. This is the emulator
behind :class:`imcloud.testing.Emulator` (the wheel is built with it).

The JSON line (keys may be added, never removed)::

    {"hosts": ["http://127.0.0.1:PORT", ...],          # every host serves both APIs, primary first
     "admin": "http://127.0.0.1:PORT",                 # the admin API (/_emulator/...)
     "rongcloud": {"hosts": [...], "app_key": ..., "app_secret": ...},
     "easemob": {"hosts": [...], "app_key": "org#app", "client_id": ..., "client_secret": ...},
     "agora": {"hosts": [...], "app_key": "org#app", "agora_app_id": ..., "agora_app_certificate": ...}}

The admin API drives the running emulator from any language: ``GET /_emulator/info``, ``POST
/_emulator/faults`` (``{"host": 0, "kind": "refuse"}``), ``DELETE /_emulator/faults``, ``GET
/_emulator/requests?host=0``, ``POST /_emulator/online`` (``{"user": "u1", "online": true}``), ``GET
/_emulator/messages``, ``POST /_emulator/tokens/revoke``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any, Dict, List, Optional, Sequence

from .errors import ImcloudError
from .testing import Emulator

# what a client needs besides its options: where, and the app's credentials
_CLIENT_KEYS = ("hosts", "app_key", "app_secret", "client_id", "client_secret", "agora_app_id", "agora_app_certificate")


def _port(text: str) -> int:
    try:
        p = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= p <= 65535:
        raise argparse.ArgumentTypeError(f"{p} is not a port number (0-65535)")
    return p


def _ports(text: str) -> List[int]:
    return [_port(p.strip()) for p in text.split(",")]


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return n


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m imcloud.emulator",
        description=(
            "Run the local emulator of the RongCloud and Easemob / Agora Chat server APIs. Prints one "
            "line of JSON to stdout (the hosts of each cloud, the admin API and the apps' credentials) "
            "and a line for people to stderr, then serves until SIGINT or SIGTERM (exit status 0)."
        ),
        epilog=(
            "Every host serves both APIs; the default apps are RongCloud emulator-app-key / "
            "emulator-app-secret and Easemob emulator-org#emulator-app (client credentials and Agora "
            "App ID + Certificate in the JSON line). Status 1: the emulator could not start (a port "
            "in use, say); 2: bad options."
        ),
    )
    p.add_argument("--hosts", type=_positive, default=2, metavar="N", help="hosts (a port each), primary first (default 2)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR", help="address to listen on (default 127.0.0.1; in a container 0.0.0.0)")
    p.add_argument(
        "--ports",
        type=_ports,
        default=None,
        metavar="P1,P2,...",
        help="fixed ports of the hosts, primary first (default: free ports; 0 or a missing one: a free port)",
    )
    p.add_argument("--admin-port", type=_port, default=0, metavar="P", help="fixed port of the admin API (default: a free port)")
    return p


def _ready_line(emu: Emulator) -> Dict[str, Any]:
    line: Dict[str, Any] = {"hosts": emu.hosts, "admin": emu.admin_url}
    for kind in ("rongcloud", "easemob", "agora"):
        cfg = emu.client_config(kind)
        line[kind] = {k: cfg[k] for k in _CLIENT_KEYS if k in cfg}
    return line


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    if args.ports is not None and len(args.ports) > args.hosts:
        parser().error(f"--ports names {len(args.ports)} ports for {args.hosts} hosts (--hosts)")
    try:
        emu = Emulator(args.hosts, ports=args.ports, bind=args.bind, admin_port=args.admin_port)
    except (ImcloudError, RuntimeError) as e:
        print(f"imcloud.emulator: cannot start: {e}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    try:
        # before the line is printed, so a signal sent as soon as it is read is not lost
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        print(json.dumps(_ready_line(emu)), flush=True)
        hosts = ", ".join(emu.hosts)
        print(
            f"imcloud emulator: RongCloud and Easemob / Agora Chat on {hosts} (primary first); admin API {emu.admin_url}. "
            "Ctrl-C or SIGTERM stops it.",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
