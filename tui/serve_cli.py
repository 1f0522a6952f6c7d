"""The ``serve`` subcommand: the same tutor in a browser, private by default.

``awstutor serve`` listens on 127.0.0.1:8000 (``--port``, ``--host``) or on a
0600 Unix socket (``--socket PATH``) and prints an address with a fresh random
token, ``http://127.0.0.1:8000/?token=...``. Each browser tab gets its own app
process, started by :mod:`tui.web_server` as ``python -m tui --data-dir DIR``
with :data:`SERVED_ENV` set to the server's pid: that is how the app knows it is
served (no terminal check) and whom to outlive by no more than a moment
(:func:`enter_served_mode`).

Registered by :func:`tui.cli.build_parser` through :func:`register`, so this
module is imported for every ``awstutor`` command: it imports nothing heavy.
The server (aiohttp and textual-serve) is imported only when ``serve`` runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

from tui.commandline import EXIT_FAIL, UsageError, locations, warn

SERVED_ENV = "AWSTUTOR_SERVED"  # set by the server for its app processes: the server's pid
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WATCH_INTERVAL = 0.25  # seconds between two looks at whether the server still runs
EXIT_GRACE = 1.5  # seconds an orphaned app gets to exit cleanly before it is ended


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``serve`` through ``tui.cli``'s ``command`` factory."""
    p = command("serve", "serve the tutor to a web browser (private: the address carries a token)", run)
    p.add_argument("--port", type=_port, metavar="N", help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument(
        "--host",
        metavar="H",
        help=f"address to listen on (default {DEFAULT_HOST}); one that is not loopback is reachable from other "
        "machines, and a warning says so",
    )
    p.add_argument(
        "--socket",
        metavar="PATH",
        help="listen on a Unix socket only you can open (mode 0600) instead of a TCP port; "
        "forward it with: ssh -L 8000:PATH yourbox",
    )


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def is_loopback(host: str) -> bool:
    """Is ``host`` an address only this machine can reach (``localhost``, 127.0.0.0/8, ``::1``)?"""
    if host.lower() == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ------------------------------------------------------------------ the server side


def run(args: argparse.Namespace) -> int:
    if os.name != "posix":  # process groups and signals: how the server ends its apps
        warn("awstutor: 'serve' runs on Linux and macOS only; the terminal app runs here: awstutor")
        return EXIT_FAIL
    if args.socket is not None and (args.host is not None or args.port is not None):
        raise UsageError("--socket replaces --host and --port: give one or the other")
    host = args.host if args.host is not None else DEFAULT_HOST
    port = args.port if args.port is not None else DEFAULT_PORT
    if args.socket is None and not host.strip():
        raise UsageError("--host needs an address, e.g. --host 127.0.0.1")
    from progress.store import ProgressError, ProgressStore

    data = locations(args).data.resolve()
    try:  # a folder the app cannot use fails here, once, rather than in every tab
        ProgressStore.open(data).close()
    except ProgressError as error:
        warn(f"awstutor: {error.message}")
        return EXIT_FAIL
    from pathlib import Path

    from tui import web_server

    server = web_server.TutorServer(app_command(args, data), cwd=_package_root(), env={SERVED_ENV: str(os.getpid())})
    try:
        if args.socket is not None:
            listener = server.listen_unix(Path(args.socket).expanduser().absolute())
        else:
            listener = server.listen_tcp(host, port)
    except web_server.ServeError as error:
        warn(f"awstutor: {error}")
        return EXIT_FAIL
    if args.socket is None and not is_loopback(host):
        warn(
            f"awstutor: warning: listening on {host}, not 127.0.0.1: anyone who can reach this machine "
            "and gets the address (with its token) can use your progress"
        )
    return server.run(listener)


def app_command(args: argparse.Namespace, data: Path) -> list[str]:
    """The argv of one tab's app: no shell, so paths with spaces or quotes stay whole."""
    from pathlib import Path

    argv = [sys.executable, "-m", "tui", "--data-dir", str(data)]
    for folder in getattr(args, "lessons", None) or []:
        argv += ["--lessons", str(Path(folder).expanduser().absolute())]
    return argv


def _package_root() -> Path:
    """The folder that holds ``tui``: the app process runs there, so ``-m tui`` is this very tutor."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ the app side


def enter_served_mode() -> bool:
    """True when this process is one tab's app, started by ``awstutor serve``.

    Then it needs no terminal, and it watches the server: once the server is
    gone (even killed with SIGKILL) nobody can see or drive this app, so it
    ends itself (SIGTERM, which Textual's web driver turns into a clean exit;
    after :data:`EXIT_GRACE` seconds, at once).
    """
    value = os.environ.pop(SERVED_ENV, "")
    if not value.isdigit():
        return False
    import threading

    threading.Thread(target=_outlive_not, args=(int(value),), name="awstutor-watch-server", daemon=True).start()
    return True


def _outlive_not(server: int) -> None:
    import signal
    import time

    while os.getppid() == server:
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(EXIT_GRACE)
    os._exit(EXIT_FAIL)
