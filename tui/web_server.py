"""The web server behind ``awstutor serve``: one app process per browser tab, behind a token.

textual-serve supplies the browser side (``textual.js`` with xterm.js, its fonts
and image) and :class:`~textual_serve.app_service.AppService`, which relays one
app process to one websocket in Textual's web-driver protocol. Its ``Server`` is
not used: it has no authentication and checks neither ``Origin`` nor ``Host``;
its page hard-codes ``ws://host:port`` (so ``ssh -L 9000:...`` breaks) and loads
a font from a CDN; it runs the command through a shell; its shutdown waits for
open tabs (23 s) and leaves their apps behind when it is killed. Here instead:

- Every request needs the token printed at start: ``?token=`` on the page and
  its files, ``/ws/TOKEN`` for the websocket (compared in constant time). A
  ``Host`` that does not name this machine (DNS rebinding) and a foreign
  ``Origin`` (any other web page) are refused, and the websocket must carry its
  own page's ``Origin``. A refused request gets a 403 and starts nothing.
- The page (``web_page.html``) loads only files from this server, builds the
  websocket address from its own location, and its Content-Security-Policy
  tells the browser to fetch from nowhere else.
- :class:`AppProcess` starts the app without a shell, in a session of its own;
  a failure to start is written into the tab; stopping asks the app to quit and
  then ends its process group. The app watches the server in turn
  (:func:`tui.serve_cli.enter_served_mode`), so none outlives a killed server.
- SIGINT/SIGTERM stop every app, close every tab and exit within 2 s.

Imports aiohttp and textual-serve's relay, never Textual or rich: the server
stays small, each tab's app is its own process.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import html
import ipaddress
import json
import os
import re
import secrets
import shlex
import signal
import socket
import stat
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tui.commandline import EXIT_OK

STATIC = Path(textual_serve.__file__).resolve().parent / "static"  # textual.js, xterm.css, fonts, image
PAGE = Path(__file__).resolve().parent / "web_page.html"
TITLE = "awstutor"
MAX_TABS = 8  # app processes at once (~50 MiB each)
QUIT_GRACE = 0.8  # seconds an app gets to quit when asked, before its process group is ended
TERM_GRACE = 0.3  # seconds after SIGTERM before SIGKILL
SHUTDOWN_TIMEOUT = 0.5  # seconds aiohttp waits for open requests once every app has stopped
STDERR_KEEP = 16 * 1024  # bytes of an app's error output kept to show in its tab
PRELUDE = b"__GANGLION__\n"  # Textual's web driver writes this first
PRELUDE_LINES = 10
MAX_MESSAGE = 64 * 1024  # bytes in one message from the browser (keys, a resize, a paste)

# What the page may load: itself, its own files and its own websocket ('self' covers ws: to the same
# host and port). Styles stay inline-able: xterm.js and textual.js add <style> elements at run time.
CSP = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
NEEDS_TOKEN = "403: this address needs its token. Open the whole address that 'awstutor serve' printed.\n"
WRONG_HOST = "403: open awstutor through 127.0.0.1 or localhost (or the --host it was started with).\n"
WRONG_ORIGIN = "403: only awstutor's own page may open its websocket.\n"


class ServeError(Exception):
    """The server cannot start (address in use, a bad socket path): one line for the user."""


def say(message: str) -> None:
    """One line for the server's terminal (gone, e.g. a pipe into tee that Ctrl+C ended: never mind)."""
    try:
        print(f"awstutor serve: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


# ------------------------------------------------------------------ who may connect


@dataclass
class Guard:
    """Decides which requests are answered: the token, the ``Host`` and the ``Origin``."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    names: frozenset[str] = frozenset()  # host names beyond localhost and IP addresses (--host)

    def token_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def host_ok(self, host: str | None) -> bool:
        """A ``Host`` naming this machine: an IP address (a web page cannot rebind one),
        ``localhost``, or a name the server was started with. Any port: ``ssh -L`` may change it."""
        if not host:
            return False
        try:
            name = urlsplit("//" + host).hostname
        except ValueError:
            return False
        if not name:
            return False
        if name == "localhost" or name in self.names:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    @staticmethod
    def origin_ok(origin: str | None, host: str, *, required: bool) -> bool:
        """No ``Origin`` (a plain navigation) or exactly this page's own: scheme and the ``Host`` it used."""
        if origin is None:
            return not required
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` gets a 403, or None to answer it."""
        host = request.headers.get("Host")
        if not self.host_ok(host):
            return WRONG_HOST
        given = request.match_info.get("token") or request.query.get("token")
        if not self.token_ok(given):
            return NEEDS_TOKEN
        websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if not self.origin_ok(request.headers.get("Origin"), host or "", required=websocket):
            return WRONG_ORIGIN
        return None


# ------------------------------------------------------------------ one tab's app


async def _close(ws: web.WebSocketResponse) -> None:
    """Close the tab's websocket (textual-serve wants a coroutine of no arguments)."""
    await ws.close()


class AppProcess(AppService):
    """One tab's app, relayed by textual-serve's :class:`AppService`.

    Changed: the app is started from an argv (no shell) in a new session, with
    ``env`` added to textual-serve's environment (the served-mode marker); its error output is
    kept and, when it fails, written into the tab (which then stays open to
    show it); :meth:`stop` cannot hang on an app that does not quit.
    """

    def __init__(self, argv: list[str], *, cwd: Path, env: dict[str, str], ws: web.WebSocketResponse) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=ws.send_bytes,
            write_str=ws.send_str,
            close=lambda: _close(ws),
            download_manager=DownloadManager(),
        )
        self.argv = argv
        self.cwd = cwd
        self.env = env
        self.ws = ws
        self.errors = bytearray()
        self.stopping = False
        self.returncode: int | None = None
        self._stopper: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        environment.update(self.env)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            cwd=self.cwd,
            start_new_session=True,  # Ctrl+C in the server's terminal reaches the server only; killpg reaches all
        )
        self._stdin = process.stdin
        return process

    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def send_bytes(self, data: bytes) -> bool:
        return self.running() and await super().send_bytes(data)

    async def send_meta(self, data: dict[str, Any]) -> bool:
        return self.running() and await super().send_meta(data)

    async def on_meta(self, data: bytes) -> None:
        try:
            kind = json.loads(data).get("type")
        except (ValueError, AttributeError):
            return
        if kind == "exit":
            return  # closing waits for the process's exit code: a crash is shown, not hidden
        await super().on_meta(data)

    async def run(self) -> None:
        """Relay the app's output to the tab until it exits; then close the tab, or show why it failed."""
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        errors = asyncio.create_task(self._keep_errors(process.stderr))
        started = False
        try:
            started = await self._wait_for_prelude(process.stdout)
            if started:
                await self._relay(process.stdout)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if not started:
                self.signal(signal.SIGTERM)
            self.returncode = await process.wait()
            await errors
        if self.stopping:
            return
        if started and self.returncode == 0:
            await self.remote_close()  # the learner quit: the page offers "Restart"
        else:
            await self._show_failure(started)

    async def _wait_for_prelude(self, stdout: asyncio.StreamReader) -> bool:
        for _ in range(PRELUDE_LINES):
            line = await stdout.readline()
            if not line:
                return False
            if line == PRELUDE:
                return True
            self._keep(line)
        return False

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        while True:
            kind = await stdout.readexactly(1)
            size = int.from_bytes(await stdout.readexactly(4), "big")
            payload = await stdout.readexactly(size)
            handler = handlers.get(kind)
            if handler is None or self.ws.closed:
                continue  # the tab is gone: keep reading, so the app never blocks on a full pipe
            try:
                await handler(payload)
            except ConnectionError:
                pass

    async def _keep_errors(self, stderr: asyncio.StreamReader) -> None:
        while data := await stderr.read(4096):
            self._keep(data)

    def _keep(self, data: bytes) -> None:
        self.errors += data
        del self.errors[:-STDERR_KEEP]

    async def _show_failure(self, started: bool) -> None:
        text = self.errors.decode("utf-8", "replace").strip() or "(it printed nothing)"
        what = "stopped" if started else "could not start"
        say(f"the app {what} (exit code {self.returncode}):\n{text}")
        screen = (
            f"\x1b[0m\x1b[2J\x1b[H\x1b[1mawstutor {what}\x1b[0m (exit code {self.returncode}):\r\n\r\n"
            + text.replace("\r\n", "\n").replace("\n", "\r\n")
            + "\r\n\r\nThe same message is in the terminal running 'awstutor serve'. "
            "Fix the cause, then reload this page.\r\n"
        )
        try:
            await self.remote_write_bytes(screen.encode("utf-8"))  # the tab stays open to show it
        except ConnectionError:
            pass

    def signal(self, number: int) -> None:
        """Signal the app's process group (only while the app is unreaped, so the group is still its own)."""
        if self.running():
            assert self._process is not None
            try:
                os.killpg(self._process.pid, number)
            except (ProcessLookupError, PermissionError):
                pass

    async def stop(self) -> None:
        """Ask the app to quit (it saves as it goes); end it if it does not within the grace periods.
        Safe to call more than once, from the tab and from the server's shutdown at the same time."""
        if self._task is None:
            return
        if self._stopper is None:
            self._stopper = asyncio.ensure_future(self._stop(self._task))
        await asyncio.shield(self._stopper)

    async def _stop(self, task: asyncio.Task[None]) -> None:
        self.stopping = True
        process = self._process
        assert process is not None
        if self.running():
            await self.send_meta({"type": "quit"})
            for number, grace in ((signal.SIGTERM, QUIT_GRACE), (signal.SIGKILL, TERM_GRACE)):
                if await _exits_within(process, grace):
                    break
                self.signal(number)
        await task


async def _exits_within(process: asyncio.subprocess.Process, seconds: float) -> bool:
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), seconds)
    except TimeoutError:
        return False
    return True


# ------------------------------------------------------------------ the server


@dataclass
class Listener:
    """A bound socket and what to tell the user about it."""

    sock: socket.socket
    url: str  # the address to open, token included
    how: str  # one line on how to reach it
    unix_path: Path | None = None


class TutorServer:
    """Serves the page and one :class:`AppProcess` per websocket, behind a :class:`Guard`."""

    def __init__(
        self, argv: list[str], *, cwd: Path, env: dict[str, str] | None = None, guard: Guard | None = None
    ) -> None:
        self.argv = argv  # one tab's app, run in ``cwd`` with ``env`` added to textual-serve's environment
        self.cwd = cwd
        self.env = env or {}
        self.guard = guard or Guard()
        self.tabs: set[AppProcess] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.page = PAGE.read_text(encoding="utf-8")
        self._stop: asyncio.Event | None = None

    # -------------------------------------------------------------- listening

    def listen_tcp(self, host: str, port: int) -> Listener:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        bind = host.strip("[]")
        try:
            sock = socket.create_server((bind, port), family=family)
        except (OSError, OverflowError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            hint = (
                " (another program has it: try --port N)" if getattr(error, "errno", None) == errno.EADDRINUSE else ""
            )
            raise ServeError(f"cannot listen on {host} port {port}: {reason}{hint}") from None
        bound = sock.getsockname()[1]
        if bind not in ("0.0.0.0", "::", ""):
            try:
                ipaddress.ip_address(bind)
            except ValueError:
                self.guard.names |= {bind.lower()}
            shown = f"[{bind}]" if ":" in bind else bind
        else:
            name = socket.gethostname().lower()
            self.guard.names |= {name}
            shown = name
        url = f"http://{shown}:{bound}/?token={self.guard.token}"
        return Listener(sock, url, f"listening on {host} port {bound}")

    def listen_unix(self, path: Path) -> Listener:
        """A Unix socket only this user can open (0600: created so, never widened)."""
        _clear_stale_socket(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)
        try:
            sock.bind(str(path))
        except OSError as error:
            sock.close()
            raise ServeError(f"cannot listen on {path}: {error.strerror or error}") from None
        finally:
            os.umask(mask)
        os.chmod(path, 0o600)
        sock.listen(128)
        url = f"http://127.0.0.1:8000/?token={self.guard.token}"
        how = f"listening on {path} (mode 0600); from your computer: ssh -L 8000:{path} THIS-MACHINE"
        return Listener(sock, url, how, unix_path=path)

    # -------------------------------------------------------------- the web app

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self.handle_page),
                web.get("/ws/{token}", self.handle_socket),
                web.static("/static", STATIC, show_index=False, follow_symlinks=False),
            ]
        )
        app.on_shutdown.append(self._on_shutdown)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        reason = self.guard.refusal(request)
        if reason is not None:
            response: web.StreamResponse = web.Response(status=403, text=reason)
        else:
            try:
                response = await handler(request)
            except web.HTTPException as error:
                response = web.Response(status=error.status, text=f"{error.status}: {error.reason}\n")
        if not response.prepared:  # a websocket's headers are already sent
            response.headers.update(SECURITY_HEADERS)
        return response

    async def handle_page(self, request: web.Request) -> web.Response:
        nonce = secrets.token_urlsafe(16)
        try:
            font_size = min(max(int(request.query.get("fontsize", "16")), 8), 48)
        except ValueError:
            font_size = 16
        values = {"title": TITLE, "token": self.guard.token, "nonce": nonce, "font_size": str(font_size)}
        body = re.sub(r"\{\{ (\w+) \}\}", lambda m: html.escape(values[m.group(1)]), self.page)
        response = web.Response(text=body, content_type="text/html")
        response.headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
        return response

    async def handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        self.sockets.add(ws)
        try:
            if self._stop is not None and self._stop.is_set():
                return ws
            if len(self.tabs) >= MAX_TABS:
                await ws.send_bytes(
                    f"\x1b[2J\x1b[H{MAX_TABS} tabs are open already: close one, then reload this page.\r\n".encode()
                )
                await self._until_closed(ws)
                return ws
            await self._run_tab(request, ws)
        finally:
            self.sockets.discard(ws)
            await ws.close()
        return ws

    async def _run_tab(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        width = _clamp(request.query.get("width"), 80, 1, 1000)
        height = _clamp(request.query.get("height"), 24, 1, 500)
        app = AppProcess(self.argv, cwd=self.cwd, env=self.env, ws=ws)
        self.tabs.add(app)
        try:
            await app.start(width, height)
            say(f"tab opened (app pid {app.pid}; {len(self.tabs)} open)")
            await self._relay_browser(ws, app)
        except OSError as error:  # the app's program itself could not be started
            await ws.send_bytes(f"awstutor could not start: {error}\r\n".encode())
            await self._until_closed(ws)
        finally:
            await app.stop()
            self.tabs.discard(app)
            if app.pid is not None:
                say(f"tab closed (app pid {app.pid} exit code {app.returncode}; {len(self.tabs)} open)")

    async def _relay_browser(self, ws: web.WebSocketResponse, app: AppProcess) -> None:
        """The browser's keys, resizes, focus and pings, to the app (textual-serve's protocol)."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await app.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app.set_terminal_size(
                    _clamp(data.get("width"), 80, 1, 1000), _clamp(data.get("height"), 24, 1, 500)
                )
            elif kind == "ping":
                await ws.send_json(["pong", data])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()

    @staticmethod
    async def _until_closed(ws: web.WebSocketResponse) -> None:
        async for _ in ws:
            pass

    async def _on_shutdown(self, _app: web.Application) -> None:
        """Stop every app (each saves as it goes), then close every tab."""
        await asyncio.gather(*(app.stop() for app in list(self.tabs)))
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"awstutor serve stopped") for ws in list(self.sockets))
        )

    # -------------------------------------------------------------- running

    def run(self, listener: Listener) -> int:
        """Serve until SIGINT or SIGTERM; then stop every app and exit."""
        try:
            return asyncio.run(self._serve(listener))
        finally:
            listener.sock.close()
            if listener.unix_path is not None:
                _remove_socket(listener.unix_path)

    async def _serve(self, listener: Listener) -> int:
        loop = asyncio.get_running_loop()
        self._stop = stop = asyncio.Event()

        def on_signal() -> None:
            if stop.is_set():  # a second Ctrl+C: no more waiting
                for app in list(self.tabs):
                    app.signal(signal.SIGKILL)
            stop.set()

        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, on_signal)
        runner = web.AppRunner(
            self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        try:
            await web.SockSite(runner, listener.sock).start()
            say(listener.how)
            print(f"Open this address in a browser (it carries a private token): {listener.url}", flush=True)
            say("one app per tab; Ctrl+C stops the server and its apps")
            await stop.wait()
            say("stopping")
        finally:
            await runner.cleanup()
        return EXIT_OK


def _clamp(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def _clear_stale_socket(path: Path) -> None:
    """Remove a socket left by a server that died; refuse a live one or anything that is not a socket."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ServeError(f"cannot use {path}: {error.strerror or error}") from None
    if not stat.S_ISSOCK(mode):
        raise ServeError(f"{path} exists and is not a socket: choose another path")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except ConnectionRefusedError:
        _remove_socket(path)
        return
    except OSError as error:
        raise ServeError(f"cannot use {path}: {error.strerror or error}") from None
    finally:
        probe.close()
    raise ServeError(f"{path} is in use by another server")


def _remove_socket(path: Path) -> None:
    try:
        if stat.S_ISSOCK(path.lstat().st_mode):
            path.unlink()
    except OSError:
        pass
